import { describe, expect, it } from 'vitest';
import { isVeilError, VeilError } from '../util/errors.ts';
import { createRemoteProvider, readBounded } from './remote.ts';

/** A fetch that answers only when its signal aborts (then rejects as fetch does), or never. */
const hangingFetch = (seen: AbortSignal[]) =>
  ((_url: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      const signal = init!.signal!;
      seen.push(signal);
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
    })) as typeof fetch;

describe('createRemoteProvider given the caller’s controller', () => {
  it('uses that controller’s signal for the fetch (no second controller)', async () => {
    const seen: AbortSignal[] = [];
    const p = createRemoteProvider({ id: 'up', baseUrl: 'http://u/v1', apiKey: 'k', timeoutMs: 5000, fetch: hangingFetch(seen) });
    const ctl = new AbortController();
    const sent = p.send('/x', {}, ctl).catch((e: unknown) => e);
    ctl.abort();
    const e = await sent;
    expect(seen[0]).toBe(ctl.signal);
    expect(isVeilError(e) && e.code).toBe('client_closed');
  });

  it('a timeout is upstream_timeout even though it aborted the caller’s controller', async () => {
    const seen: AbortSignal[] = [];
    const p = createRemoteProvider({ id: 'up', baseUrl: 'http://u/v1', apiKey: 'k', timeoutMs: 30, fetch: hangingFetch(seen) });
    const ctl = new AbortController();
    const e = await p.send('/x', {}, ctl).catch((x: unknown) => x);
    expect(isVeilError(e) && e.code).toBe('upstream_timeout');
    expect(ctl.signal.aborted).toBe(true);
  });

  it('given a signal, it still links its own controller to it', async () => {
    const seen: AbortSignal[] = [];
    const p = createRemoteProvider({ id: 'up', baseUrl: 'http://u/v1', apiKey: 'k', timeoutMs: 5000, fetch: hangingFetch(seen) });
    const ctl = new AbortController();
    const sent = p.send('/x', {}, ctl.signal).catch((e: unknown) => e);
    ctl.abort();
    const e = await sent;
    expect(seen[0]).not.toBe(ctl.signal);
    expect(seen[0]!.aborted).toBe(true);
    expect(isVeilError(e) && e.code).toBe('client_closed');
  });
});

const enc = new TextEncoder();

/** A response whose body sends `chunks` with `gapMs` between them, then stops (ends only if `end`). */
function trickle(chunks: string[], gapMs: number, end: boolean) {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async start(ctl) {
      for (const c of chunks) {
        if (cancelled) return;
        ctl.enqueue(enc.encode(c));
        await new Promise((r) => setTimeout(r, gapMs));
      }
      if (end && !cancelled) ctl.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { res: new Response(body), wasCancelled: () => cancelled };
}

describe('readBounded', () => {
  const stalled = () => new VeilError('upstream_timeout', 'stalled');

  it('reads a body that keeps arriving within the idle time, however long it takes in total', async () => {
    // 600 ms in all, never 400 ms without a chunk (margins for a loaded machine).
    const { res } = trickle(['a', 'b', 'c', 'd', 'e', 'f'], 100, true);
    expect(await readBounded(res, 1000, { ms: 400, error: stalled })).toBe('abcdef');
  });

  it('a wait longer than the idle time cancels the body and throws the idle error', async () => {
    const { res, wasCancelled } = trickle(['a', 'b'], 10, false);
    const t0 = Date.now();
    const e = await readBounded(res, 1000, { ms: 60, error: stalled }).catch((x: unknown) => x);
    expect(isVeilError(e) && e.code).toBe('upstream_timeout');
    expect(wasCancelled()).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('more than max bytes → upstream_error, body cancelled', async () => {
    const { res, wasCancelled } = trickle(['0123456789', '0123456789'], 1, true);
    const e = await readBounded(res, 15).catch((x: unknown) => x);
    expect(isVeilError(e) && e.code).toBe('upstream_error');
    expect(wasCancelled()).toBe(true);
  });

  it('a body that errors mid-way → upstream_error without its message', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(enc.encode('part'));
        setTimeout(() => ctl.error(new Error('socket hang up: secret detail')), 5);
      },
    });
    const e = await readBounded(new Response(body), 1000, { ms: 1000, error: stalled }).catch((x: unknown) => x);
    expect(isVeilError(e) && e.code).toBe('upstream_error');
    expect((e as Error).message).not.toContain('secret');
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = enc.encode('héllo wörld');
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(bytes.slice(0, 2));
        ctl.enqueue(bytes.slice(2, 9));
        ctl.enqueue(bytes.slice(9));
        ctl.close();
      },
    });
    expect(await readBounded(new Response(body), 1000)).toBe('héllo wörld');
  });
});
