/**
 * @module pipeline/stream
 * Turns an async iterable of SSE events into a streaming Response, and guarantees the request's
 * end is observed exactly once — normal end, upstream failure, idle timeout or client disconnect —
 * so the audit record is always written and upstream work is always cancelled.
 */
import { VeilError } from '../util/errors.ts';
import { SseJsonShape } from '../util/sse-json-shape.ts';
import { formatSse, rememberSseJson, rememberSseShape, type ReadyIterator, type SseEvent } from '../util/sse.ts';

const enc = new TextEncoder();

export type StreamEnd = { kind: 'complete' } | { kind: 'client_closed' } | { kind: 'error'; error: unknown };

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

export function sseResponse(
  events: AsyncIterable<SseEvent>,
  opts: {
    headers: Record<string, string>;
    /** Called once. A returned promise (the audit write) is awaited before the body's last byte. */
    onEnd: (end: StreamEnd) => void | Promise<void>;
    onCancel: () => void;
    renderError?: (e: unknown) => SseEvent | null;
    /**
     * True while the source already holds further events (parsed from the same upstream read):
     * those go out in the same chunk, so one upstream read costs one socket write, not one per
     * event. Without it every event is a chunk of its own.
     */
    more?: () => boolean;
  },
): Response {
  const it: ReadyIterator = events[Symbol.asyncIterator]();
  let ended = false;
  let cancelled = false;
  const end = async (e: StreamEnd): Promise<void> => {
    if (ended) return;
    ended = true;
    try {
      await opts.onEnd(e);
    } catch {
      // onEnd reports its own failures; the stream still ends.
    }
  };
  const more = opts.more;
  const body = new ReadableStream<Uint8Array>({
    // Pull-based: we read upstream only as fast as the client reads us (natural backpressure).
    async pull(ctl) {
      let out = '';
      try {
        for (;;) {
          // An event the stages already have needs no promise; await only for the others.
          let ev = it.takeReady?.();
          if (ev === undefined) {
            const { value, done } = await it.next();
            if (cancelled) return;
            if (done) {
              if (out) ctl.enqueue(enc.encode(out));
              // Record first, then the last byte: a complete response implies a durable record.
              await end({ kind: 'complete' });
              closeQuietly(ctl);
              return;
            }
            ev = value;
          }
          out += formatSse(ev);
          if (!more?.()) break;
        }
        ctl.enqueue(enc.encode(out));
      } catch (error) {
        // Headers are sent already: report the failure in-band (after the events that came
        // before it), then end the stream cleanly.
        const ev = opts.renderError?.(error);
        if (ev) out += formatSse(ev);
        try {
          if (out) ctl.enqueue(enc.encode(out));
        } catch {
          // The client went away meanwhile: nothing left to tell it.
        }
        await end({ kind: 'error', error });
        closeQuietly(ctl);
      }
    },
    async cancel() {
      cancelled = true;
      void end({ kind: 'client_closed' });
      opts.onCancel();
      await it.return?.().catch(() => {});
    },
  });
  // Built key by key: on Node 20 adding keys to a spread copy costs ~5 µs each.
  const headers: Record<string, string> = { 'content-type': SSE_HEADERS['content-type'], 'cache-control': SSE_HEADERS['cache-control'], connection: SSE_HEADERS.connection };
  for (const k of Object.keys(opts.headers)) headers[k] = opts.headers[k]!;
  return new Response(body, { status: 200, headers });
}

/** Closing throws once the client cancelled (possible while the audit write was awaited). */
function closeQuietly(ctl: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    ctl.close();
  } catch {
    /* already cancelled */
  }
}

/**
 * Fails an upstream stream at its first event whose data is neither JSON nor `[DONE]`. Every
 * supported upstream API (OpenAI chat and Responses, Anthropic Messages) sends JSON data, so a
 * cut or garbled event means the answer is broken: the client gets an in-band error event
 * instead of a silently truncated answer. The parse is the dialect's too (`sseJson` remembers
 * it), through the stream's own `SseJsonShape`: events of a shape seen before are read without a
 * full `JSON.parse`, and the dialect can splice its changed text into their bytes.
 */
export function requireJsonData(events: AsyncIterable<SseEvent>): AsyncIterable<SseEvent> {
  // A plain iterator, not an async generator: fewer promise hops on a path every streamed event takes.
  return {
    [Symbol.asyncIterator](): ReadyIterator {
      const it: ReadyIterator = events[Symbol.asyncIterator]();
      const shape = new SseJsonShape();
      /** An event `takeReady` found malformed: `next()` fails on it, closing the source first. */
      let bad: SseEvent | null = null;
      /** Whether `ev` may go on; remembers its parse for the dialect. */
      const valid = (ev: SseEvent): boolean => {
        if (ev.data === '[DONE]' || ev.data === '') return true;
        const m = shape.match(ev.data);
        if (m !== null) {
          rememberSseShape(ev, m);
          return true;
        }
        try {
          rememberSseJson(ev, shape.parseFull(ev.data));
          return true;
        } catch {
          return false;
        }
      };
      return {
        async next() {
          let r: IteratorResult<SseEvent>;
          if (bad !== null) {
            r = { done: false, value: bad };
            bad = null;
          } else r = await it.next();
          if (r.done || valid(r.value)) return r;
          // As a generator's loop would: close the source before failing.
          await it.return?.();
          throw new VeilError('upstream_error', 'The upstream sent a malformed stream event.');
        },
        takeReady() {
          if (bad !== null) return undefined;
          const ev = it.takeReady?.();
          if (ev === undefined || valid(ev)) return ev;
          bad = ev;
          return undefined;
        },
        async return() {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
