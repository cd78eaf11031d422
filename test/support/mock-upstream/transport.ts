/**
 * @module test/support/mock-upstream/transport
 * Writes a planned reply onto the socket, injecting the transport faults a gateway must survive:
 * a stall or a socket reset after N chunks, an in-stream error event, a cut (malformed) event.
 * Every wait ends early when the client goes away or the mock closes, so a test never waits on
 * a timer nobody is listening to.
 */
import type { ServerResponse } from 'node:http';
import { malformFrame } from './sse.ts';

export type Fault =
  | { kind: 'none' }
  | { kind: 'stall'; after: number; ms: number }
  | { kind: 'reset'; after: number }
  | { kind: 'error'; after: number; message: string }
  | { kind: 'malformed' };

export interface SendOptions {
  signal: AbortSignal;
  delayMs: number;
  fault: Fault;
  headers: Record<string, string>;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Writes `chunk`, waiting for `drain` when the socket buffer is full; false if aborted. */
function write(res: ServerResponse, chunk: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onAbort = (): void => done(false);
    res.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

type TimedFault = Extract<Fault, { after: number }>;

function timed(f: Fault): TimedFault | null {
  return f.kind === 'stall' || f.kind === 'reset' || f.kind === 'error' ? f : null;
}

/** Applies `f` where it is due. 'continue' after a stall; 'stop' when the response is over. */
async function applyFault(
  res: ServerResponse, f: TimedFault, sent: number, signal: AbortSignal,
  errorFrame: (message: string, sent: number) => string,
): Promise<'continue' | 'stop'> {
  if (f.kind === 'stall') return (await sleep(f.ms, signal)) ? 'continue' : 'stop';
  if (f.kind === 'reset') {
    res.destroy();
    return 'stop';
  }
  await write(res, errorFrame(f.message, sent), signal);
  res.end();
  return 'stop';
}

/** Sends an SSE stream of `frames` (HTTP 200, `text/event-stream`). */
export async function sendSse(
  res: ServerResponse, frames: string[], errorFrame: (message: string, sent: number) => string, opts: SendOptions,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...opts.headers,
  });
  res.flushHeaders();
  const f = timed(opts.fault);
  // A fault scheduled past the last frame happens before the body is terminated.
  const faultIndex = f ? Math.min(Math.max(0, f.after), frames.length) : -1;
  for (let i = 0; i <= frames.length; i++) {
    if (f && i === faultIndex && (await applyFault(res, f, i, opts.signal, errorFrame)) === 'stop') return;
    if (i === frames.length) break;
    if (opts.fault.kind === 'malformed' && i === 1) {
      await write(res, malformFrame(frames[i]!), opts.signal);
      res.end();
      return;
    }
    if (!(await write(res, frames[i]!, opts.signal))) return;
    if (opts.delayMs > 0 && i < frames.length - 1 && !(await sleep(opts.delayMs, opts.signal))) return;
  }
  res.end();
}

/**
 * Sends a JSON body. Under a stall or reset the body goes out as two chunks (its halves) and
 * the fault lands after `after` of them; malformed sends only the first half, with a matching
 * content-length, so the body is complete HTTP but broken JSON.
 */
export async function sendJson(res: ServerResponse, status: number, body: string, opts: SendOptions): Promise<void> {
  const f = timed(opts.fault);
  const half = body.slice(0, Math.floor(body.length / 2));
  const sent = opts.fault.kind === 'malformed' ? half : body;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(sent)),
    ...opts.headers,
  });
  if (!f || f.kind === 'error') {
    res.end(sent);
    return;
  }
  res.flushHeaders();
  const chunks = [half, body.slice(half.length)];
  const faultIndex = Math.min(Math.max(0, f.after), chunks.length);
  for (let i = 0; i <= chunks.length; i++) {
    if (i === faultIndex && (await applyFault(res, f, i, opts.signal, () => '')) === 'stop') return;
    if (i === chunks.length) break;
    if (!(await write(res, chunks[i]!, opts.signal))) return;
  }
  res.end();
}
