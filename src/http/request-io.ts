/**
 * @module http/request-io
 * How a route reads the request body and learns that the client went away. The default reads
 * the web `Request`. A runtime entry may supply a cheaper one: on Node, `@hono/node-server`
 * hands the app a lightweight request whose `body` and `signal` build a full undici `Request`
 * (a web stream over the socket, a second stream around it, an `AbortSignal`) on first touch;
 * `request-io.node.ts` reads the `IncomingMessage` instead. Headers likewise: the lightweight
 * request's `headers` builds a web `Headers` from every raw header on first touch (~20-40 µs),
 * while a request only needs two or three of them.
 */
import type { Context } from 'hono';
import { readBodyBytes } from './body.ts';
import type { VeilEnv } from './env.ts';

export interface RequestIo {
  /** The body's bytes; `body_too_large` as soon as the declared or counted size passes `maxBytes`. */
  body(maxBytes: number): Promise<Uint8Array>;
  /**
   * Calls `fn` once if the client disconnects before its response is complete (at once if it
   * already has). A callback, not an `AbortSignal`: most requests never need one, and a signal
   * costs an allocation with bookkeeping on every request.
   */
  onClientGone(fn: () => void): void;
  /** A request header as `Headers.get` gives it: null when absent, every occurrence joined by ', '. */
  header(name: string): string | null;
}

/**
 * Builds the request IO from the raw request and the runtime's bindings (`c.env`); null means
 * "use the web `Request`" (e.g. a request that did not come through the runtime's server).
 */
export type RequestIoSource = (raw: Request, env: unknown) => RequestIo | null;

export function webRequestIo(raw: Request): RequestIo {
  return {
    body: (maxBytes) => readBodyBytes(raw, maxBytes),
    header: (name) => raw.headers.get(name),
    onClientGone(fn) {
      const signal = raw.signal;
      if (signal.aborted) fn();
      else signal.addEventListener('abort', fn, { once: true });
    },
  };
}

/** The request's IO, built once per request by whichever middleware asks first. */
export function requestIoOf(c: Context<VeilEnv>, source: RequestIoSource | undefined): RequestIo {
  let io = c.get('io');
  if (!io) c.set('io', (io = source?.(c.req.raw, c.env) ?? webRequestIo(c.req.raw)));
  return io;
}
