import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSse, readSse, SseParser, sseJson } from './sse.ts';

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
