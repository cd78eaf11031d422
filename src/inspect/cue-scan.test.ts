import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileCueScanner, type CueScanner } from './cue-scan.ts';
import { findClusters } from './text-scan.ts';
import { BUILTIN_DETECTORS } from './registry.ts';

const escape = (k: string): string => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** What the engine did before the one-pass scan: a case-insensitive regex test per keyword list. */
function regexHits(lists: readonly (readonly string[] | undefined)[], text: string): number[] {
  return lists.map((ks) => {
    const words = (ks ?? []).filter((k) => k.length > 0);
    return words.length > 0 && new RegExp(words.map((k) => escape(k.toLowerCase())).join('|'), 'i').test(text) ? 1 : 0;
  });
}

const flatClusters = (text: string): number[] => findClusters(text).flatMap((c) => [c.start, c.end, c.digits, c.dots]);

/** Text made of the pieces every cue cares about, so random strings hit the edge cases often. */
const cueText = fc
  .array(
    fc.constantFrom(
      '0', '1', '9', '12', '4111', ' ', '  ', '     ', '.', '-', '+', '(', ')', '\u2013', '\n', '\r', '\t',
      'a', 'Z', 'M', 'GB', '_', ':', '@', '가', '비밀번호', '\u00a0', '\uff10', '\u200b', '\ud83c\udf89',
      'sk-', 'SK-', 'Key', 'token', 'AKIA', 'pass', 'é', 'É', '-----BEGIN',
    ),
    { maxLength: 40 },
  )
  .map((a) => a.join(''));

describe('compileCueScanner', () => {
  const lists = [...BUILTIN_DETECTORS.map((d) => d.keywords), ['é'], undefined, []];
  const scanner = compileCueScanner(lists);

  it('answers every keyword prefilter as the per-detector regexes did', () => {
    fc.assert(fc.property(cueText, (text) => {
      expect([...scanner.scan(text).hits]).toEqual(regexHits(lists, text));
    }), { numRuns: 3000 });
  });

  it('finds the same number clusters as the regex scan of text-scan.ts', () => {
    fc.assert(fc.property(cueText, (text) => {
      expect(scanner.scan(text).clusters).toEqual(flatClusters(text));
    }), { numRuns: 3000 });
    for (const text of ['tel +82 (0)10-1234-5678.', '1  2     3456', '1.2.3.4', '12 34M1234', '4111 1111\n1111 1111', '9999']) {
      expect(scanner.scan(text).clusters).toEqual(flatClusters(text));
    }
  });

  it('notes wrapped numbers, units outside ASCII and Hangul, and digits after letters', () => {
    fc.assert(fc.property(cueText, (text) => {
      const cues = scanner.scan(text);
      expect(cues.wrapped).toBe(/\d[ \t\r]*\n[ \t\r]*\d/.test(text));
      expect(cues.outside).toBe(/[^\x00-\x7f\uac00-\ud7a3]/.test(text));
      expect(cues.letterDigits).toEqual([...text.matchAll(/(?<=[A-Za-z])\d/g)].map((m) => m.index));
    }), { numRuns: 3000 });
  });

  it('answers the same on long texts mixing prose, numbers and keywords', () => {
    // Prose-like runs, digit stretches, and keywords ending on a unit that also raises a number
    // event (`é`, outside ASCII and Hangul).
    const longText = fc
      .array(
        fc.oneof(
          cueText,
          fc.constantFrom('The report shows revenue grew. ', '이번 분기 보고서에 따르면 ', 'req=7f3a9c2e-1b4d GET /api/v2 200 37ms\n', 'café', 'x'.repeat(50)),
        ),
        { maxLength: 12 },
      )
      .map((a) => a.join(''));
    fc.assert(fc.property(longText, (text) => {
      expectCuesAsRegexesRead(scanner, lists, text);
    }), { numRuns: 2000 });
    for (const text of ['é', 'xé1', 'token 4111 1111 1111 1111', '1\n2', 'a1', '가 1234', 'KEY 12 34 5678']) {
      expectCuesAsRegexesRead(scanner, lists, text);
    }
  });

  it('works without any keyword, and folds case like a non-Unicode /i regex', () => {
    const none = compileCueScanner([undefined, []]);
    expect([...none.scan('sk-123 4567').hits]).toEqual([0, 0]);
    expect(none.scan('sk-123 4567').clusters).toEqual(flatClusters('sk-123 4567'));
    const s = compileCueScanner([['key'], ['é']]);
    // The Kelvin sign upper-cases to itself, so `/key/i` does not match it; `É` does match `é`.
    expect([...s.scan('\u212aEY É').hits]).toEqual([0, 1]);
    expect([...s.scan('KEY').hits]).toEqual([1, 0]);
  });

  it('handles the ends of the text, surrogate halves and the first of many outside units', () => {
    const cases = [
      '1234', '+1234', '(1234', 'a1234', 'x1', '1', '12 34', '1234 ', '1234\n', '1\n', '\n1', '1 \n 2',
      '\ud83c', '\udf89', 'x\ud83c\udf891234', '\ud83c\udf89\ud83c\udf89 9999', '中文字符中文字符', 'é1', '가1',
      'sk-', 'xsk-', '-----BEGIN', 'pass', '비밀번호', 'ab12cd34', 'GB82 WEST 1234 5698 7654 32',
    ];
    for (const text of cases) {
      expectCuesAsRegexesRead(scanner, lists, text);
    }
    expect(scanner.scan('tel 010-1234-5678').clusters).toEqual([4, 17, 11, 0]);
    expect(scanner.scan('x1y2').letterDigits).toEqual([1, 3]);
  });

  it('keeps every cue when keywords hold digits, separators or line feeds', () => {
    // No built-in keyword holds a digit, so digits always reset the keyword part; these lists do
    // not, and the number cues must not lose track of either.
    const odd = [['a1', '4111'], ['1-2'], [' 9', '.'], ['x\n1'], ['é'], ['12']];
    const s = compileCueScanner(odd);
    const text = fc
      .array(fc.constantFrom('a', 'A', '1', '2', '4111', '9', '-', ' ', '.', '\n', 'x', 'é', 'É', '가', '(', '+', '\u2013'), { maxLength: 40 })
      .map((a) => a.join(''));
    fc.assert(fc.property(text, (t) => {
      expectCuesAsRegexesRead(s, odd, t);
    }), { numRuns: 3000 });
  });
});

/** Every cue `scanner` finds in `text` equals what the regexes the cue pass replaced report. */
function expectCuesAsRegexesRead(scanner: CueScanner, lists: readonly (readonly string[] | undefined)[], text: string): void {
  const cues = scanner.scan(text);
  expect([...cues.hits]).toEqual(regexHits(lists, text));
  expect(cues.clusters).toEqual(flatClusters(text));
  expect(cues.wrapped).toBe(/\d[ \t\r]*\n[ \t\r]*\d/.test(text));
  expect(cues.outside).toBe(/[^\x00-\x7f\uac00-\ud7a3]/.test(text));
  expect(cues.letterDigits).toEqual([...text.matchAll(/(?<=[A-Za-z])\d/g)].map((m) => m.index));
}

/** Every position just past an occurrence of one of `words`, matched as the hits are (`/…/i`). */
function naiveEnds(words: readonly string[], text: string): number[] {
  const out: number[] = [];
  for (let e = 1; e <= text.length; e++) {
    const hit = words.some((k) => {
      if (k.length === 0 || k.length > e) return false;
      const re = new RegExp(escape(k.toLowerCase()), 'iy');
      re.lastIndex = e - k.length;
      return re.test(text);
    });
    if (hit) out.push(e);
  }
  return out;
}

/** Every recorded list's ends, as `Cues.keywordEnds` answers them. */
const endsOf = (cues: { keywordEnds(list: number): readonly number[] | undefined }, lists: number): (readonly number[] | undefined)[] =>
  Array.from({ length: lists }, (_, l) => cues.keywordEnds(l));

describe('compileCueScanner: keyword ends', () => {
  it('records, for the first `record` lists only, where each occurrence of a keyword ends', () => {
    // Suffixes of one another within a list and across lists, keywords inside others, a keyword
    // shared by two lists, non-ASCII with case, Hangul and a surrogate pair.
    const lists = [['he', 'she', 'hers'], ['로', '길', '가'], ['akia', 'asia'], ['é', '🎉'], ['she', 'ia'], ['his']];
    const s = compileCueScanner(lists, { record: 4 });
    const text = fc
      .array(fc.constantFrom('h', 'e', 's', 'r', 'S', 'H', 'ushers', '로', '길', '가', '가가', 'AKIA', 'aSiA', 'akiasia', 'é', 'É', '🎉', '\ud83c', 'ia', ' ', '1', '1234', '.'), { maxLength: 30 })
      .map((a) => a.join(''));
    fc.assert(fc.property(text, (t) => {
      const cues = s.scan(t);
      expect([...cues.hits]).toEqual(regexHits(lists, t));
      expect(endsOf(cues, 6)).toEqual([...lists.slice(0, 4).map((l) => naiveEnds(l, t)), undefined, undefined]);
      // The other cues are the same as without recording.
      expect(cues.clusters).toEqual(flatClusters(t));
      expect(cues.letterDigits).toEqual([...t.matchAll(/(?<=[A-Za-z])\d/g)].map((m) => m.index));
    }), { numRuns: 3000 });
    expect(s.scan('ushers').keywordEnds(0)).toEqual([4, 6]);
    expect(s.scan('xAKIASIA').keywordEnds(2)).toEqual([5, 8]);
    // Positions count UTF-16 units; a keyword closing the text ends at its length.
    expect(s.scan('\ud83c\udf89é🎉').keywordEnds(3)).toEqual([2, 3, 5]);
    expect(s.scan('테헤란로').keywordEnds(1)).toEqual([4]);
    expect(endsOf(s.scan('his'), 6)).toEqual([[], [], [], [], undefined, undefined]);
    expect(s.scan('his').keywordEnds(-1)).toBeUndefined();
  });

  it('records the built-in lists it is asked for without changing any other cue', () => {
    const lists = BUILTIN_DETECTORS.map((d) => d.keywords);
    const order = [...lists.keys()].sort((a, b) => Number(BUILTIN_DETECTORS[b]!.keywordPositions === true) - Number(BUILTIN_DETECTORS[a]!.keywordPositions === true));
    const sorted = order.map((i) => lists[i]);
    const record = BUILTIN_DETECTORS.filter((d) => d.keywordPositions === true).length;
    expect(record).toBeGreaterThan(0);
    const plain = compileCueScanner(sorted);
    const s = compileCueScanner(sorted, { record });
    fc.assert(fc.property(cueText, (t) => {
      const a = plain.scan(t), b = s.scan(t);
      expect([...b.hits]).toEqual([...a.hits]);
      expect(b.clusters).toEqual(a.clusters);
      expect(b.letterDigits).toEqual(a.letterDigits);
      expect([b.outside, b.wrapped]).toEqual([a.outside, a.wrapped]);
      expect(endsOf(a, record).every((e) => e === undefined)).toBe(true);
      for (let l = 0; l < record; l++) expect(b.keywordEnds(l)).toEqual(naiveEnds(sorted[l]!, t));
    }), { numRuns: 2000 });
  });

  it('records nothing for a text holding more ends than its cap', () => {
    const s = compileCueScanner([['가'], ['로'], ['x']], { record: 2, cap: 3 });
    expect(endsOf(s.scan('가가 로 x'), 3)).toEqual([[1, 2], [4], undefined]);
    expect(endsOf(s.scan('가가가 로'), 3)).toEqual([undefined, undefined, undefined]);
    expect([...s.scan('가가가 로 x').hits]).toEqual([1, 1, 1]);
    // Default cap: far above what a prompt holds.
    const many = '가'.repeat(5000);
    expect(compileCueScanner([['가']], { record: 1 }).scan(many).keywordEnds(0)).toHaveLength(5000);
  });

  it('records nothing for a text without cues, and for more lists than there are', () => {
    const s = compileCueScanner([['key']], { record: 5 });
    expect(s.scan('').keywordEnds(0)).toEqual([]);
    expect(s.scan('no such word').keywordEnds(0)).toEqual([]);
    expect(s.scan('KEY').keywordEnds(0)).toEqual([3]);
    expect(s.scan('KEY').keywordEnds(1)).toBeUndefined();
    expect(compileCueScanner([['key']]).scan('key').keywordEnds(0)).toBeUndefined();
  });
});
