import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatSse, readSse, SseParser } from './sse.ts';

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
