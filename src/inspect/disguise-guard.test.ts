import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mayNeedNormalization } from './disguise-guard.ts';
import { needsNormalization } from './normalize.ts';

describe('mayNeedNormalization', () => {
  it('is true for every single code point that normalize.ts maps or drops', () => {
    const missed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const s = String.fromCodePoint(cp);
      if (needsNormalization(s) && !mayNeedNormalization(s)) missed.push(cp.toString(16));
    }
    expect(missed).toEqual([]);
  });

  it('is false for ordinary Korean, English, code and logs', () => {
    for (const s of [
      '이번 분기 보고서에 따르면 매출이 증가했습니다. 010-1234-5678로 연락 주세요.',
      'The “quarterly” report: it’s done, café naïve 🎉',
      'const x = { retries: 3 };\nreturn 42;\n',
      '2024-03-12T14:22:31.118Z INFO GET /api/v2/orders/88213 200 37ms\n',
    ]) expect(mayNeedNormalization(s)).toBe(false);
  });

  it('flags a number wrapped over a line break', () => {
    expect(mayNeedNormalization('900101-12\n34567')).toBe(true);
    expect(mayNeedNormalization('4111 1111 \r\n 1111 1111')).toBe(true);
  });

  it('is a superset of needsNormalization on random text', () => {
    const chars = fc.constantFrom('0', '1', '9', ' ', '\t', '\n', '\r', '-', 'a', '가', '\u200b', '\u00a0', '\uff10', '\u2013', '\u3000', '\ud835\udfce', '\ud83c\udf89', '’', '\ud800', '\udc00', 'e\u0301', '…');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }).map((a) => a.join('')), (s) => {
        if (needsNormalization(s)) expect(mayNeedNormalization(s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
