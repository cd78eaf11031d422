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

describe('scanNearAnchors with anchors given', () => {
  // Every match holds an anchor `[로동]` after a space: anchors glued to a letter may be left out.
  const full = /(?<![a-z가-힣])[a-z가-힣]{1,6} ?[a-z]{0,3} [로동] ?\d{1,3}/g;
  const spec = {
    anchor: /[로동] ?\d/g,
    before: 12,
    canStart: (t: string, p: number) => /[a-z가-힣]/.test(t.charAt(p)) && !/[a-z가-힣]/.test(t.charAt(p - 1)),
    sticky: new RegExp(full.source, 'y'),
  };
  const scan = (t: string, anchors: readonly number[]): number[][] => {
    const got: number[][] = [];
    scanNearAnchors(t, spec, (m) => got.push([m.index, m.index + m[0].length]), anchors);
    return got;
  };

  it('finds exactly what a global scan finds from the anchors after a non-letter, or from a superset', () => {
    let sawMatch = 0;
    const piece = fc.constantFrom('a', 'b', '로', '동', '가', ' ', '1', '2', '.', 'ab', ' 로 1', ' 동23', 'x로1', '가나 동 4');
    const text = fc.array(piece, { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(90), { maxLength: 6 }), (t, extra) => {
        const want = [...t.matchAll(full)].map((m) => [m.index, m.index + m[0].length]);
        const spaced = [...t.matchAll(spec.anchor)].map((m) => m.index).filter((h) => h > 0 && !/[a-z가-힣]/.test(t.charAt(h - 1)));
        expect(scan(t, spaced)).toEqual(want);
        if (want.length > 0) sawMatch++;
        const superset = [...new Set([...spaced, ...extra])].sort((a, b) => a - b);
        expect(scan(t, superset)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
    // The texts must hold matches often enough for the comparison to mean something.
    expect(sawMatch).toBeGreaterThan(500);
  });

  it('finds nothing without anchors, and handles anchors at the end of the text', () => {
    expect(scan('ab 로 12', [])).toEqual([]);
    expect(scan('ab 로 12', [3])).toEqual([[0, 7]]);
    expect(scan('ab 로 12', [3, 7, 9])).toEqual([[0, 7]]);
  });
});
