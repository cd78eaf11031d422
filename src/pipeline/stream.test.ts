import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../util/sse.ts';
import { requireJsonData, sseResponse, type StreamEnd } from './stream.ts';

async function* events(n: number, failAt = -1): AsyncGenerator<SseEvent> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error('upstream broke');
    yield { data: `{"i":${i}}` };
  }
}

/** onEnd whose promise (the audit write) resolves only when the test says so. */
function deferredEnd() {
  const ends: StreamEnd[] = [];
  let release!: () => void;
  const written = new Promise<void>((r) => (release = r));
  let recorded = false;
  return {
    ends,
    release,
    recorded: () => recorded,
    onEnd: (e: StreamEnd) => {
      ends.push(e);
      return written.then(() => {
        recorded = true;
      });
    },
  };
}

describe('sseResponse: the record is written before the last byte', () => {
  it('a complete stream ends only after onEnd resolved (kill -9 right after the end loses nothing)', async () => {
    const d = deferredEnd();
    const res = sseResponse(events(3), { headers: {}, onEnd: d.onEnd, onCancel: () => {} });
    const reader = res.body!.getReader();
    for (let i = 0; i < 3; i++) expect((await reader.read()).done).toBe(false);
    let finished = false;
    const last = reader.read().then((r) => {
      finished = r.done;
      expect(d.recorded()).toBe(true);
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(d.ends).toEqual([{ kind: 'complete' }]);
    expect(finished).toBe(false);
    d.release();
    await last;
    expect(finished).toBe(true);
  });

  it('an upstream failure sends the error event, records, then ends', async () => {
    const d = deferredEnd();
    const res = sseResponse(events(5, 2), { headers: {}, onEnd: d.onEnd, onCancel: () => {}, renderError: () => ({ data: '{"error":"x"}' }) });
    const text = res.text();
    await new Promise((r) => setTimeout(r, 30));
    expect(d.ends[0]?.kind).toBe('error');
    d.release();
    expect(await text).toContain('"error"');
    expect(d.recorded()).toBe(true);
  });

  it('a client that cancels while the record is being written causes no error and one end only', async () => {
    const d = deferredEnd();
    let cancelled = 0;
    const res = sseResponse(events(1), { headers: {}, onEnd: d.onEnd, onCancel: () => cancelled++ });
    const reader = res.body!.getReader();
    await reader.read();
    const pending = reader.read().catch(() => null);
    await new Promise((r) => setTimeout(r, 10));
    await reader.cancel();
    d.release();
    await pending;
    await new Promise((r) => setTimeout(r, 10));
    expect(d.ends).toEqual([{ kind: 'complete' }]);
    expect(cancelled).toBe(1);
  });

  it('an onEnd that throws still ends the stream', async () => {
    const res = sseResponse(events(2), { headers: {}, onEnd: () => Promise.reject(new Error('disk full')), onCancel: () => {} });
    expect(await res.text()).toContain('"i":1');
  });
});

describe('requireJsonData', () => {
  async function* from(...data: string[]): AsyncGenerator<SseEvent> {
    for (const d of data) yield { data: d };
  }
  const drain = async (it: AsyncIterable<SseEvent>) => {
    const out: string[] = [];
    for await (const e of it) out.push(e.data);
    return out;
  };

  it('passes JSON events and [DONE] through unchanged', async () => {
    expect(await drain(requireJsonData(from('{"a":1}', '[1]', '[DONE]')))).toEqual(['{"a":1}', '[1]', '[DONE]']);
  });

  it('fails with upstream_error at a cut event, after the good ones, without quoting it', async () => {
    const seen: string[] = [];
    const err = await (async () => {
      try {
        for await (const e of requireJsonData(from('{"a":1}', '{"secret":"al', '{"b":2}'))) seen.push(e.data);
      } catch (e) {
        return e as { code: string; message: string };
      }
      return null;
    })();
    expect(seen).toEqual(['{"a":1}']);
    expect(err?.code).toBe('upstream_error');
    expect(err?.message).not.toContain('secret');
  });
});
