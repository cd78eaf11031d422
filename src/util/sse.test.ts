import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSse, readSse, SseParser, sseJson, type SseEvent } from './sse.ts';

/** The events a parser gives for `text` pushed in pieces cut at `cuts` (any order, repeats allowed). */
function parsedInPieces(text: string, cuts: number[]): SseEvent[] {
  const p = new SseParser();
  const evs: SseEvent[] = [];
  let prev = 0;
  for (const c of [...[...new Set(cuts)].sort((a, b) => a - b), text.length]) {
    evs.push(...p.push(text.slice(prev, c)));
    prev = c;
  }
  evs.push(...p.end());
  return evs;
}

describe('SseParser', () => {
  it('parses data, event and id fields and ignores comments', () => {
    const p = new SseParser();
    const evs = p.push(': keep-alive\nevent: message_start\nid: 7\ndata: {"a":1}\n\ndata: [DONE]\n\n');
    expect(evs).toEqual([{ event: 'message_start', id: '7', data: '{"a":1}' }, { data: '[DONE]' }]);
  });
  it('joins multi-line data and accepts CRLF', () => {
    expect(new SseParser().push('data: a\r\ndata: b\r\n\r\n')).toEqual([{ data: 'a\nb' }]);
  });
  it('gives the same events for every split of the input', () => {
    const text = formatSse({ event: 'x', data: 'héllo 🌍\nline2' }) + formatSse({ data: '[DONE]' });
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const p = new SseParser();
        const evs = [];
        let prev = 0;
        for (const c of [...points, text.length]) {
          evs.push(...p.push(text.slice(prev, c)));
          prev = c;
        }
        evs.push(...p.end());
        expect(evs).toEqual([{ event: 'x', data: 'héllo 🌍\nline2' }, { data: '[DONE]' }]);
      }),
    );
  });
  it('keeps a UTF-8 character whole when the bytes are split between reads', async () => {
    const bytes = new TextEncoder().encode('data: 한국어\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < bytes.length; i++) ctl.enqueue(bytes.slice(i, i + 1));
        ctl.close();
      },
    });
    const out = [];
    for await (const ev of readSse(stream)) out.push(ev);
    expect(out).toEqual([{ data: '한국어' }]);
  });
});

describe('sseJson', () => {
  it('parses once per event object: the second stage gets the same value', () => {
    const ev = { data: '{"a":[1,2]}' };
    const first = sseJson(ev);
    expect(first).toEqual({ a: [1, 2] });
    expect(sseJson(ev)).toBe(first);
    // An equal event that is another object is parsed on its own.
    expect(sseJson({ data: ev.data })).not.toBe(first);
  });

  it('re-parses when an event object was given new data', () => {
    const ev = { data: '{"n":1}' };
    expect(sseJson(ev)).toEqual({ n: 1 });
    ev.data = '{"n":2}';
    expect(sseJson(ev)).toEqual({ n: 2 });
  });

  it('throws like JSON.parse for data that is not JSON, every time', () => {
    const ev = { data: '{"cut":' };
    expect(() => sseJson(ev)).toThrow(SyntaxError);
    expect(() => sseJson(ev)).toThrow(SyntaxError);
  });
});

describe('SseParser fast path', () => {
  it('gives the same events for every split of data-only events mixed with everything else', () => {
    const text =
      formatSse({ data: '{"a":1}' }) +
      formatSse({ data: '' }) +
      ': comment\n' +
      formatSse({ event: 'x', data: 'héllo 🌍\nline2' }) +
      'data:no-space\n\n' +
      'data: crlf\r\n\r\n' +
      formatSse({ data: '{"b":"x\\ny"}' }) +
      formatSse({ data: '[DONE]' });
    const want = [{ data: '{"a":1}' }, { data: '' }, { event: 'x', data: 'héllo 🌍\nline2' }, { data: 'no-space' }, { data: 'crlf' }, { data: '{"b":"x\\ny"}' }, { data: '[DONE]' }];
    expect([...new SseParser().push(text)]).toEqual(want);
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 8 }), (cuts) => {
        expect(parsedInPieces(text, cuts)).toEqual(want);
      }),
    );
  });
});

describe('SseParser fast path for named events', () => {
  it('gives the same events as the line parser for every split of named and unnamed events mixed with everything else', () => {
    const text =
      formatSse({ event: 'message_start', data: '{"type":"message_start"}' }) +
      'event:no-space\ndata:{"a":1}\n\n' +
      'event: \ndata: empty name\n\n' +
      'event: only-name\n\n' +
      formatSse({ data: '{"b":2}' }) +
      'event: with-id\nid: 7\ndata: x\n\n' +
      'event: two-lines\ndata: a\ndata: b\n\n' +
      'event: crlf\r\ndata: y\r\n\r\n' +
      'event: a\nevent: b\ndata: last name wins\n\n' +
      formatSse({ event: 'ping', data: '' }) +
      formatSse({ event: 'content_block_delta', data: '{"t":"é 🌍"}' });
    const want = [
      { event: 'message_start', data: '{"type":"message_start"}' },
      { event: 'no-space', data: '{"a":1}' },
      { event: '', data: 'empty name' },
      { event: 'only-name', data: '' },
      { data: '{"b":2}' },
      { event: 'with-id', id: '7', data: 'x' },
      { event: 'two-lines', data: 'a\nb' },
      { event: 'crlf', data: 'y' },
      { event: 'b', data: 'last name wins' },
      { event: 'ping', data: '' },
      { event: 'content_block_delta', data: '{"t":"é 🌍"}' },
    ];
    expect([...new SseParser().push(text)]).toEqual(want);
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 10 }), (cuts) => {
        expect(parsedInPieces(text, cuts)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readSse', () => {
  const enc = new TextEncoder();
  const frame = (i: number) => formatSse({ data: `{"i":${i}}` });

  it('parses chunks already queued in the body together: the rest of them is buffered, not awaited', async () => {
    // An HTTP client hands over one socket read as one chunk per upstream write.
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 5; i++) ctl.enqueue(enc.encode(frame(i)));
      },
    });
    const src = readSse(body);
    const it = src[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ data: '{"i":0}' });
    expect(src.buffered).toBe(4);
    for (let i = 1; i < 5; i++) expect((await it.next()).value).toEqual({ data: `{"i":${i}}` });
    expect(src.buffered).toBe(0);
    await it.return!();
  });

  it('hands out what arrived without waiting for bytes still to come', async () => {
    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        ctl = c;
        c.enqueue(enc.encode(frame(0) + 'data: {"i"'));
      },
    });
    const it = readSse(body)[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ data: '{"i":0}' });
    const second = it.next();
    await new Promise((r) => setTimeout(r, 5));
    ctl.enqueue(enc.encode(':1}\n\n'));
    ctl.close();
    expect((await second).value).toEqual({ data: '{"i":1}' });
    expect((await it.next()).done).toBe(true);
  });

  it('a stall longer than the idle time cancels the body and fails with the given error', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(frame(0)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const it = readSse(body, { idle: { ms: 20, error: () => new Error('stalled') } })[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ data: '{"i":0}' });
    await expect(it.next()).rejects.toThrow('stalled');
    expect(cancelled).toBe(true);
  });

  it('a body past the byte cap is cancelled and fails with the given error, even one that never ends', async () => {
    let cancelled = false;
    let i = 0;
    // Every pull has the next frame ready: without the cap the reader would drain it forever.
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(enc.encode(frame(i++)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const it = readSse(endless, { max: { bytes: 1000, error: () => new Error('too long') } })[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow('too long');
    expect(cancelled).toBe(true);
    expect(endless.locked).toBe(false);
    // Read no further than the chunk that crossed the cap.
    expect(i * frame(0).length).toBeLessThan(1000 + 2 * frame(0).length + 100);

    const small = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(enc.encode(frame(0))), c.close()) });
    const ok = readSse(small, { max: { bytes: frame(0).length, error: () => new Error('too long') } })[Symbol.asyncIterator]();
    expect((await ok.next()).value).toEqual({ data: '{"i":0}' });
    expect((await ok.next()).done).toBe(true);
  });

  it('ending early releases the body; with a read pending, once that read completes', async () => {
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(enc.encode(frame(0))) });
    const it = readSse(body)[Symbol.asyncIterator]();
    await it.next();
    await it.return!();
    expect(body.locked).toBe(false);

    let ctl!: ReadableStreamDefaultController<Uint8Array>;
    const slow = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
    const it2 = readSse(slow)[Symbol.asyncIterator]();
    const pending = it2.next();
    await it2.return!();
    ctl.enqueue(enc.encode(frame(1)));
    expect((await pending).done).toBe(true);
    expect(slow.locked).toBe(false);
  });
});
