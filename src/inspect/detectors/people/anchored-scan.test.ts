import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anchorFinder, scanNearAnchors } from './anchored-scan.ts';

const ANCHOR = /[로길동][^\S\r\n]{0,2}(?:산[^\S\r\n]{0,2})?\d/g;

function regexAnchors(text: string): number[] {
  return [...text.matchAll(new RegExp(ANCHOR))].map((m) => m.index);
}

function finderAnchors(text: string, firstChars?: string): number[] {
  const next = anchorFinder(text, { anchor: ANCHOR, firstChars });
  const out: number[] = [];
  for (let h = next(0); h >= 0; h = next(h + 1)) out.push(h);
  return out;
}

describe('anchorFinder with first characters', () => {
  it('finds the anchors a regex scan finds, in mostly-ASCII and in Korean text', () => {
    const ascii = fc.constantFrom('a', ' ', '1', '-', '\n', '로', '길', '동', '산', '\u00a0', '\ud800');
    const korean = fc.constantFrom('가', '나', '로', '길', '동', '산', ' ', '1', '2');
    const text = fc.oneof(fc.array(ascii, { maxLength: 80 }), fc.array(korean, { maxLength: 80 })).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(finderAnchors(t, '로길동')).toEqual(regexAnchors(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('switches to the regex scan when the first characters are common, and still finds every anchor', () => {
    // Mostly ASCII (indexOf mode), with hundreds of anchor syllables not followed by a number.
    const text = `${'x 로x '.repeat(400)}로 12 ${'y'.repeat(50)} 동산 3 길9`;
    expect(finderAnchors(text, '로길동')).toEqual(regexAnchors(text));
    expect(finderAnchors(text, '로길동').length).toBe(3);
  });

  it('handles the end of the text and empty input', () => {
    expect(finderAnchors('', '로길동')).toEqual([]);
    expect(finderAnchors('로', '로길동')).toEqual([]);
    expect(finderAnchors('abc 로1', '로길동')).toEqual([4]);
  });
});

describe('scanNearAnchors with first characters', () => {
  it('finds exactly what a global scan finds', () => {
    const full = /(?<![a-z가-힣])[a-z가-힣]{1,6} ?[a-z]{0,3}[로동] ?\d{1,3}/g;
    const spec = {
      anchor: /[로동] ?\d/g,
      firstChars: '로동',
      before: 12,
      canStart: (t: string, p: number) => /[a-z가-힣]/.test(t.charAt(p)) && !/[a-z가-힣]/.test(t.charAt(p - 1)),
      sticky: new RegExp(full.source, 'y'),
    };
    const text = fc.array(fc.constantFrom('a', 'b', '로', '동', '가', ' ', '1', '2', '.'), { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const want = [...t.matchAll(full)].map((m) => [m.index, m.index + m[0].length]);
        const got: number[][] = [];
        scanNearAnchors(t, spec, (m) => got.push([m.index, m.index + m[0].length]));
        expect(got).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });
});
