/**
 * @module pipeline/stream
 * Turns an async iterable of SSE events into a streaming Response, and guarantees the request's
 * end is observed exactly once — normal end, upstream failure, idle timeout or client disconnect —
 * so the audit record is always written and upstream work is always cancelled.
 */
import { VeilError } from '../util/errors.ts';
import { formatSse, sseJson, type SseEvent } from '../util/sse.ts';

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
  },
): Response {
  const it = events[Symbol.asyncIterator]();
  let ended = false;
  const end = async (e: StreamEnd): Promise<void> => {
    if (ended) return;
    ended = true;
    try {
      await opts.onEnd(e);
    } catch {
      // onEnd reports its own failures; the stream still ends.
    }
  };
  const body = new ReadableStream<Uint8Array>({
    // Pull-based: we read upstream only as fast as the client reads us (natural backpressure).
    async pull(ctl) {
      try {
        const { value, done } = await it.next();
        if (done) {
          // Record first, then the last byte: a complete response implies a durable record.
          await end({ kind: 'complete' });
          closeQuietly(ctl);
        } else ctl.enqueue(enc.encode(formatSse(value)));
      } catch (error) {
        // Headers are sent already: report the failure in-band, then end the stream cleanly.
        const ev = opts.renderError?.(error);
        try {
          if (ev) ctl.enqueue(enc.encode(formatSse(ev)));
        } catch {
          // The client went away meanwhile: nothing left to tell it.
        }
        await end({ kind: 'error', error });
        closeQuietly(ctl);
      }
    },
    async cancel() {
      void end({ kind: 'client_closed' });
      opts.onCancel();
      await it.return?.().catch(() => {});
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...opts.headers } });
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
 * Wraps an upstream body so that a stall longer than `ms` between chunks fails the stream instead
 * of holding the client (and a socket) forever.
 */
export function withIdleTimeout(body: ReadableStream<Uint8Array>, ms: number, onTimeout: () => Error): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stall = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      });
      try {
        const r = await Promise.race([reader.read(), stall]);
        if (r.done) ctl.close();
        else ctl.enqueue(r.value);
      } catch (e) {
        reader.cancel().catch(() => {});
        ctl.error(e);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Fails an upstream stream at its first event whose data is neither JSON nor `[DONE]`. Every
 * supported upstream API (OpenAI chat and Responses, Anthropic Messages) sends JSON data, so a
 * cut or garbled event means the answer is broken: the client gets an in-band error event
 * instead of a silently truncated answer.
 */
export function requireJsonData(events: AsyncIterable<SseEvent>): AsyncIterable<SseEvent> {
  // A plain iterator, not an async generator: fewer promise hops on a path every streamed event takes.
  return {
    [Symbol.asyncIterator]() {
      const it = events[Symbol.asyncIterator]();
      return {
        async next() {
          const r = await it.next();
          if (r.done || r.value.data === '[DONE]' || r.value.data === '') return r;
          try {
            sseJson(r.value);
          } catch {
            // As a generator's loop would: close the source before failing.
            await it.return?.();
            throw new VeilError('upstream_error', 'The upstream sent a malformed stream event.');
          }
          return r;
        },
        async return() {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
