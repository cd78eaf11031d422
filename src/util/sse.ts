/**
 * @module util/sse
 * Server-sent events, read and written per the WHATWG spec: `data:` lines joined by `\n`, blank
 * line ends an event, `:` lines are comments, CR/LF/CRLF all end lines. Bytes are decoded with a
 * streaming TextDecoder so a multi-byte UTF-8 character split across network reads stays whole.
 */
import { samePath, shapedValue, spliceLeaf, type LeafPath, type ShapeMatch } from './sse-json-shape.ts';

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
    const buf = this.buf.length === 0 ? text : this.buf + text;
    const out: SseEvent[] = [];
    let start = 0;
    // Fast path for what every supported upstream sends: whole `data: <one line>` events ended by
    // a blank line, no CR, each perhaps named by one `event:` line first (Anthropic, Responses).
    // One indexOf per line instead of a look at every character; anything else (ids, multi-line
    // data, comments, CRLF, a half-parsed event) takes the general line parser below from where
    // this stopped.
    if (this.data.length === 0 && this.event === undefined && this.id === undefined && !buf.includes('\r')) {
      for (;;) {
        let at = start;
        let name: string | undefined;
        if (buf.startsWith('event:', start)) {
          const nl = buf.indexOf('\n', start);
          if (nl === -1) break;
          name = buf.slice(buf.charCodeAt(start + 6) === 32 ? start + 7 : start + 6, nl);
          at = nl + 1;
        }
        const end = buf.indexOf('\n\n', at);
        if (end === -1 || !buf.startsWith('data:', at) || buf.indexOf('\n', at) !== end) break;
        const v = buf.charCodeAt(at + 5) === 32 ? at + 6 : at + 5;
        const data = v > end ? '' : buf.slice(v, end);
        // Keys in the general parser's order: the events of a stream share one object shape.
        out.push(name === undefined ? { data } : { data, event: name });
        start = end + 2;
      }
    }
    for (let i = start; i < buf.length; i++) {
      const ch = buf.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      // A CR at the very end may be the first half of CRLF: wait for more input.
      if (ch === 13 && i === buf.length - 1) break;
      const line = buf.slice(start, i);
      if (ch === 13 && buf.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
      const ev = this.line(line);
      if (ev) out.push(ev);
    }
    this.buf = start === 0 ? buf : buf.slice(start);
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

/**
 * An event iterator that can also hand out, without a promise, an event it already has at hand.
 * The stages of a stream take the events of one upstream read this way, one after the other,
 * and await `next()` only when `takeReady` has none.
 */
export interface ReadyIterator extends AsyncIterator<SseEvent> {
  /** The next event if it needs no waiting, else undefined (then `next()` gives it). */
  takeReady?(): SseEvent | undefined;
}

/** Events read from an SSE body, and how many of them arrived already. */
export interface SseSource extends AsyncIterable<SseEvent> {
  /**
   * Events parsed from bytes already received and not yet handed out: while it is above zero the
   * next event comes without waiting on the network. The sink uses it to send the events of one
   * upstream read as one chunk, as a byte pipe would.
   */
  readonly buffered: number;
}

export interface ReadSseOptions {
  /** A wait of more than `ms` for the next bytes cancels the body and fails with `error()`. */
  idle?: { ms: number; error: () => Error };
  /** More than `bytes` read from the body in all cancels it and fails with `error()`. */
  max?: { bytes: number; error: () => Error };
}

/**
 * Parses an SSE body. A plain iterator, not an async generator: the events of one read are handed
 * out from an array with no promise hop per event beyond `next()`'s own. Bytes already queued in
 * the body when a read completes are parsed with it: an HTTP client hands over one socket read as
 * one chunk per upstream write (per event, for most providers), and they arrived together.
 * Iterated once, like a generator; ending early (`return`) releases the body's lock.
 */
export function readSse(body: ReadableStream<Uint8Array>, opts: ReadSseOptions = {}): SseSource {
  return new SseReader(body, opts.idle, opts.max);
}

type ReadResult = ReadableStreamReadResult<Uint8Array>;

class SseReader implements SseSource, ReadyIterator {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #parser = new SseParser();
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #idle: ReadSseOptions['idle'];
  readonly #max: ReadSseOptions['max'];
  #bytes = 0;
  #queue: SseEvent[] = [];
  #at = 0;
  /** A read started while draining that had nothing yet: the next wait continues it. */
  #pending: Promise<ReadResult> | null = null;
  #ended = false;
  #reading = false;
  #released = false;

  constructor(body: ReadableStream<Uint8Array>, idle: ReadSseOptions['idle'], max: ReadSseOptions['max']) {
    this.#reader = body.getReader();
    this.#idle = idle;
    this.#max = max;
  }

  get buffered(): number {
    return this.#queue.length - this.#at;
  }

  [Symbol.asyncIterator](): ReadyIterator {
    return this;
  }

  takeReady(): SseEvent | undefined {
    return this.#at < this.#queue.length ? this.#queue[this.#at++] : undefined;
  }

  async next(): Promise<IteratorResult<SseEvent>> {
    while (this.#at === this.#queue.length) {
      if (this.#ended) {
        this.#release();
        return { done: true, value: undefined };
      }
      let text: string;
      let done: boolean;
      this.#reading = true;
      try {
        const r = await this.#wait();
        if (!r.done) this.#count(r.value);
        done = r.done;
        text = r.done ? this.#decoder.decode() : this.#decoder.decode(r.value, { stream: true });
        if (!done) [text, done] = await this.#drainReady(text);
      } catch (e) {
        this.#ended = true;
        this.#release();
        throw e;
      } finally {
        this.#reading = false;
      }
      // Ended early while a read was pending: the lock is released now that no read holds it.
      if (this.#ended) continue;
      this.#at = 0;
      this.#queue = this.#parser.push(text);
      if (done) {
        this.#ended = true;
        this.#queue.push(...this.#parser.end());
      }
    }
    return { done: false, value: this.#queue[this.#at++]! };
  }

  async return(): Promise<IteratorResult<SseEvent>> {
    this.#ended = true;
    this.#queue = [];
    this.#at = 0;
    if (!this.#reading) this.#release();
    return { done: true, value: undefined };
  }

  /** The next read, failing after the idle time. One timer per wait on the network, not per event. */
  async #wait(): Promise<ReadResult> {
    const read = this.#pending ?? this.#reader.read();
    this.#pending = null;
    const idle = this.#idle;
    if (!idle) return read;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(idle.error()), idle.ms);
    });
    try {
      return await Promise.race([read, stalled]);
    } catch (e) {
      this.#reader.cancel().catch(() => {});
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Appends the chunks the body already holds. A read of a queued chunk is settled when `read()`
   * returns, so its handler has run after one microtask; a read still waiting is kept for later.
   */
  async #drainReady(text: string): Promise<[string, boolean]> {
    for (;;) {
      const read = this.#reader.read();
      let r: ReadResult | undefined;
      read.then(
        (v) => (r = v),
        () => {},
      );
      await undefined;
      if (r === undefined) {
        this.#pending = read;
        return [text, false];
      }
      if (r.done) return [text + this.#decoder.decode(), true];
      this.#count(r.value);
      text += this.#decoder.decode(r.value, { stream: true });
    }
  }

  /** Counts a chunk against the cap; past it the body is cancelled (freeing the connection) and the read fails. */
  #count(chunk: Uint8Array): void {
    const max = this.#max;
    if (!max) return;
    this.#bytes += chunk.byteLength;
    if (this.#bytes <= max.bytes) return;
    this.#reader.cancel().catch(() => {});
    throw max.error();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#pending = null;
    try {
      this.#reader.releaseLock();
    } catch {
      /* a read still pending on an older runtime: the body is abandoned either way */
    }
  }
}

/**
 * The last event parsed by `sseJson` or handed over by `rememberSseJson`/`rememberSseShape`. One
 * slot, not a WeakMap: the stages of a stream hand each event straight to the next, so the next
 * stage asks for the same event right away, and a slot costs the garbage collector nothing (a
 * WeakMap keyed by ~100 short-lived events per answer did). Updated in place: no object per event.
 */
const last: { ev: SseEvent | null; data: string; value: unknown; match: ShapeMatch | null } = { ev: null, data: '', value: undefined, match: null };

/**
 * `JSON.parse(ev.data)`, remembered for the event object parsed last, so the pipeline's validity
 * check and the dialect parse each event once. Throws the same SyntaxError for data that is not
 * JSON. Callers must not mutate the result (another stage may hold the same value).
 */
export function sseJson(ev: SseEvent): unknown {
  // Compared by content too, in case a stage reused the event object with new data.
  if (last.ev === ev && last.data === ev.data) {
    // Built on first demand: a dialect that reads a shaped event through `sseShapeOf` never needs it.
    if (last.match !== null && last.value === undefined) last.value = shapedValue(last.match);
    return last.value;
  }
  const value: unknown = JSON.parse(ev.data);
  remember(ev, value, null);
  return value;
}

/** Records `value` as `JSON.parse(ev.data)` for the next `sseJson(ev)`. */
export function rememberSseJson(ev: SseEvent, value: unknown): void {
  remember(ev, value, null);
}

/**
 * Records that `ev`'s data fit its stream's learned shape (`SseJsonShape.match`): `sseJson(ev)`
 * builds its value from `m` if asked, `sseShapeOf(ev)` returns `m`.
 */
export function rememberSseShape(ev: SseEvent, m: ShapeMatch): void {
  remember(ev, undefined, m);
}

function remember(ev: SseEvent, value: unknown, match: ShapeMatch | null): void {
  last.ev = ev;
  last.data = ev.data;
  last.value = value;
  last.match = match;
}

/** How `ev` fit its stream's shape, if it was the last event remembered and did. */
export function sseShapeOf(ev: SseEvent): ShapeMatch | null {
  return last.ev === ev && last.data === ev.data ? last.match : null;
}

/**
 * `ev`'s data with the string at `path` replaced by `text`: byte-identical to `JSON.stringify`
 * of its value with that one leaf changed, without serialising the rest. Null unless `ev` was the
 * last event remembered and `path` is one of the strings its stream's shape learned.
 */
export function sseJsonSplice(ev: SseEvent, path: LeafPath, text: string): string | null {
  const m = sseShapeOf(ev);
  if (m === null) return null;
  for (let i = 0; i < m.paths.length; i++) {
    if (!samePath(m.paths[i]!, path)) continue;
    return spliceLeaf(ev.data, m, i, text);
  }
  return null;
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
