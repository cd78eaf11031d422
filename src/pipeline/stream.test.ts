import { describe, expect, it } from 'vitest';
import { identity, PH, restoring } from '../../test/support/answer-fixtures.ts';
import { transformChatStream } from '../dialects/openai-chat/answer.ts';
import { formatSse, readSse, type ReadyIterator, type SseEvent } from '../util/sse.ts';
import { answerTransforms } from './answer-transforms.ts';
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

describe('sseResponse: events of one upstream read leave as one chunk', () => {
  const enc = new TextEncoder();
  const chunk = (i: number) => formatSse({ data: `{"choices":[{"index":0,"delta":{"content":"p${i} "}}]} ` });

  /** A body whose first `now` frames are queued at once; the rest arrive one by one later. */
  function upstream(frames: string[], now: number) {
    return new ReadableStream<Uint8Array>({
      async start(ctl) {
        for (const f of frames.slice(0, now)) ctl.enqueue(enc.encode(f));
        for (const f of frames.slice(now)) {
          await new Promise((r) => setTimeout(r, 5));
          ctl.enqueue(enc.encode(f));
        }
        ctl.close();
      },
    });
  }
  async function chunks(res: Response): Promise<string[]> {
    const out: string[] = [];
    const dec = new TextDecoder();
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return out;
      out.push(dec.decode(value));
    }
  }

  it('forwards unchanged events byte for byte, queued ones in one chunk, later ones on their own, in order', async () => {
    const frames = [...Array.from({ length: 6 }, (_, i) => chunk(i)), 'data: [DONE]\n\n'];
    const src = readSse(upstream(frames, 4));
    const d = deferredEnd();
    d.release();
    const res = sseResponse(transformChatStream(requireJsonData(src), identity, {}), { headers: {}, onEnd: d.onEnd, onCancel: () => {}, more: () => src.buffered > 0 });
    const out = await chunks(res);
    expect(out.join('')).toBe(frames.join(''));
    expect(out).toEqual([frames.slice(0, 4).join(''), frames[4], frames[5], frames[6]]);
    expect(d.ends).toEqual([{ kind: 'complete' }]);
  });

  it('restores a placeholder cut between two reads and between two queued events alike', async () => {
    const ev = (text: string) => formatSse({ data: JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }) });
    const cut = Math.floor(PH.length / 2);
    const frames = [ev(`Mail ${PH.slice(0, cut)}`), ev(`${PH.slice(cut)} and ${PH.slice(0, 3)}`), ev(`${PH.slice(3)}.`), 'data: [DONE]\n\n'];
    for (const now of [1, 2, 4]) {
      const src = readSse(upstream(frames, now));
      const res = sseResponse(transformChatStream(requireJsonData(src), restoring, {}), { headers: {}, onEnd: () => {}, onCancel: () => {}, more: () => src.buffered > 0 });
      const text = (await res.text())
        .split('\n\n')
        .filter((e) => e.startsWith('data: {'))
        .map((e) => JSON.parse(e.slice(6)).choices[0].delta.content ?? '')
        .join('');
      expect(text).not.toContain('<');
      expect(text).toMatch(/^Mail \S+@\S+ and \S+@\S+\.$/);
    }
  });

  it('the record is still written before the last byte when the end comes with a batch', async () => {
    const frames = [chunk(0), chunk(1), 'data: [DONE]\n\n'];
    const src = readSse(upstream(frames, 3));
    const d = deferredEnd();
    const res = sseResponse(requireJsonData(src), { headers: {}, onEnd: d.onEnd, onCancel: () => {}, more: () => src.buffered > 0 });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(frames.join(''));
    let finished = false;
    const last = reader.read().then((r) => (finished = r.done));
    await new Promise((r) => setTimeout(r, 20));
    expect(d.ends).toEqual([{ kind: 'complete' }]);
    expect(finished).toBe(false);
    d.release();
    await last;
    expect(finished).toBe(true);
    expect(d.recorded()).toBe(true);
  });

  it('a failure after queued events sends them, then the error event, in one chunk', async () => {
    const frames = [chunk(0), chunk(1), 'data: {"cut\n\n'];
    const src = readSse(upstream(frames, 3));
    const d = deferredEnd();
    d.release();
    const res = sseResponse(requireJsonData(src), { headers: {}, onEnd: d.onEnd, onCancel: () => {}, more: () => src.buffered > 0, renderError: () => ({ data: '{"error":"x"}' }) });
    expect(await chunks(res)).toEqual([chunk(0) + chunk(1) + 'data: {"error":"x"}\n\n']);
    expect(d.ends[0]?.kind).toBe('error');
  });

  it('a client that cancels mid-stream cancels the source once', async () => {
    const frames = Array.from({ length: 5 }, (_, i) => chunk(i));
    let sourceCancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => void c.enqueue(enc.encode(frames.join(''))),
      cancel: () => void (sourceCancelled = true),
    });
    const src = readSse(body);
    const d = deferredEnd();
    d.release();
    let cancelled = 0;
    const res = sseResponse(requireJsonData(src), { headers: {}, onEnd: d.onEnd, onCancel: () => cancelled++, more: () => src.buffered > 0 });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toBe(1);
    expect(d.ends).toEqual([{ kind: 'client_closed' }]);
    // The pipeline aborts the upstream request through onCancel; the reader only lets go of the body.
    expect(sourceCancelled).toBe(false);
    expect(body.locked).toBe(false);
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

  it('fails the same at a malformed event taken from a read without waiting, after the good ones, closing the source', async () => {
    const ev = (t: string) => `{"choices":[{"index":0,"delta":{"content":${JSON.stringify(t)}}}]}`;
    // Two events teach the shape; the third fits its bytes but for a raw quote in its text.
    const frames = [ev('a'), ev('b'), ev('c'), '{"choices":[{"index":0,"delta":{"content":"d"x"}}]}', ev('e')];
    const body = new ReadableStream<Uint8Array>({ start: (c) => void c.enqueue(new TextEncoder().encode(frames.map((d) => `data: ${d}\n\n`).join(''))) });
    const it = requireJsonData(readSse(body))[Symbol.asyncIterator]() as ReadyIterator;
    const seen: string[] = [];
    const first = await it.next();
    seen.push(first.value.data);
    for (let e = it.takeReady!(); e !== undefined; e = it.takeReady!()) seen.push(e.data);
    expect(seen).toEqual(frames.slice(0, 3));
    const err = await it.next().catch((e: unknown) => e as { code: string; message: string });
    expect((err as { code: string }).code).toBe('upstream_error');
    expect((err as { message: string }).message).not.toContain('x');
    expect(body.locked).toBe(false);
  });
});

describe('sseResponse: events at hand are taken without a promise each', () => {
  it('takes ready events in order and awaits next() only when none is at hand', async () => {
    const ready = [{ data: '{"i":1}' }, { data: '{"i":2}' }];
    let nexts = 0;
    const it: ReadyIterator = {
      next: async () => (nexts++ === 0 ? { done: false, value: { data: '{"i":0}' } } : { done: true, value: undefined }),
      takeReady: () => (nexts === 1 ? ready.shift() : undefined),
    };
    const res = sseResponse({ [Symbol.asyncIterator]: () => it }, { headers: {}, onEnd: () => {}, onCancel: () => {}, more: () => ready.length > 0 });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    expect(dec.decode((await reader.read()).value)).toBe('data: {"i":0}\n\ndata: {"i":1}\n\ndata: {"i":2}\n\n');
    expect((await reader.read()).done).toBe(true);
    expect(nexts).toBe(2);
  });

  it('a transform that fails on a ready event ends the stream with the error event after the events before it', async () => {
    const ev = (t: string) => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(t)}}}]}\n\n`;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        c.enqueue(new TextEncoder().encode([ev('one '), ev('two '), ev('boom '), ev('four ')].join('')));
        c.close();
      },
    });
    const src = readSse(body);
    const failing = answerTransforms(new Map(), (text) => {
      if (text.includes('boom')) throw new Error('inspector down');
      return [];
    });
    const ends: StreamEnd[] = [];
    const res = sseResponse(transformChatStream(requireJsonData(src), failing, {}), {
      headers: {},
      onEnd: (e) => void ends.push(e),
      onCancel: () => {},
      more: () => src.buffered > 0,
      renderError: () => ({ data: '{"error":"x"}' }),
    });
    const text = await res.text();
    expect(text.endsWith('data: {"error":"x"}\n\n')).toBe(true);
    expect(text).toContain('one ');
    expect(text).not.toContain('boom');
    expect(ends.map((e) => e.kind)).toEqual(['error']);
    expect(body.locked).toBe(false);
  });
});
