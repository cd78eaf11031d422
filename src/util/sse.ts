/**
 * @module util/sse
 * Server-sent events, read and written per the WHATWG spec: `data:` lines joined by `\n`, blank
 * line ends an event, `:` lines are comments, CR/LF/CRLF all end lines. Bytes are decoded with a
 * streaming TextDecoder so a multi-byte UTF-8 character split across network reads stays whole.
 */

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** Incremental parser: feed decoded text, get complete events. */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;

  push(text: string): SseEvent[] {
    this.buf += text;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const ch = this.buf.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A CR at the very end may be the first half of CRLF: wait for more input.
      if (ch === 13 && i === this.buf.length - 1) break;
      const line = this.buf.slice(start, i);
      if (ch === 13 && this.buf.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    this.buf = this.buf.slice(start);
    return out;
  }

  /** End of input: an unterminated final event is still delivered. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buf.length) {
      const ev = this.line(this.buf);
      this.buf = '';
      if (ev) out.push(ev);
    }
    const last = this.line('');
    if (last) out.push(last);
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0 && this.event === undefined) return null;
      const ev: SseEvent = { data: this.data.join('\n') };
      if (this.event !== undefined) ev.event = this.event;
      if (this.id !== undefined) ev.id = this.id;
      this.data = [];
      this.event = undefined;
      // Per event, not sticky as in browsers: we re-emit events one by one.
      this.id = undefined;
      return ev;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return null;
  }
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const ev of parser.push(decoder.decode(value, { stream: true }))) yield ev;
    }
    for (const ev of parser.push(decoder.decode())) yield ev;
    for (const ev of parser.end()) yield ev;
  } finally {
    reader.releaseLock();
  }
}

/**
 * The last event parsed by `sseJson`. One slot, not a WeakMap: the stages of a stream hand each
 * event straight to the next, so the next stage asks for the same event right away, and a slot
 * costs the garbage collector nothing (a WeakMap keyed by ~100 short-lived events per answer did).
 */
let last: { ev: SseEvent; data: string; value: unknown } | null = null;

/**
 * `JSON.parse(ev.data)`, remembered for the event object parsed last, so the pipeline's validity
 * check and the dialect parse each event once. Throws the same SyntaxError for data that is not
 * JSON. Callers must not mutate the result (another stage may hold the same value).
 */
export function sseJson(ev: SseEvent): unknown {
  // Compared by content too, in case a stage reused the event object with new data.
  if (last && last.ev === ev && last.data === ev.data) return last.value;
  const value: unknown = JSON.parse(ev.data);
  last = { ev, data: ev.data, value };
  return value;
}

export function formatSse(ev: SseEvent): string {
  let out = '';
  if (ev.event !== undefined) out += `event: ${ev.event}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id}\n`;
  // JSON data is one line: no split and no array per event.
  if (!ev.data.includes('\n')) return `${out}data: ${ev.data}\n\n`;
  for (const line of ev.data.split('\n')) out += `data: ${line}\n`;
  return out + '\n';
}
