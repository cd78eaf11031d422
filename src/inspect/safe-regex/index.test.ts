import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSafeRegex, compileSafeRegex } from './index.ts';

const spans = (re: string, flags: string, text: string) => compileSafeRegex(re, flags).matchAll(text);

/**
 * Reference leftmost-longest matcher built on JS RegExp itself: for each start (ascending) and end
 * (descending) it asks JS whether the pattern can match exactly text[i..j] in context, using a
 * sticky match plus a lookbehind that pins the end position.
 */
function oracle(pattern: string, flags: string, text: string): Array<[number, number]> {
  const n = text.length;
  const atEnd = (j: number) => new RegExp(`(?:${pattern})(?<![^]{${j + 1}})(?<=[^]{${j}})`, flags + 'y');
  const ends = Array.from({ length: n + 1 }, (_, j) => atEnd(j));
  const out: Array<[number, number]> = [];
  let pos = 0;
  while (pos <= n) {
    let found: [number, number] | null = null;
    for (let i = pos; i <= n && !found; i++) {
      for (let j = n; j >= i; j--) {
        const re = ends[j]!;
        re.lastIndex = i;
        if (re.test(text)) { found = [i, j]; break; }
      }
    }
    if (!found) break;
    out.push(found);
    if (found[1] === n && found[0] === n) break;
    pos = found[1] > found[0] ? found[1] : found[1] + 1;
  }
  return out;
}

describe('safe-regex', () => {
  it('matches ordinary policy patterns', () => {
    expect(spans('EMP-\\d{6}', 'i', 'id emp-123456, EMP-1234567 and EMP-12345')).toEqual([[3, 13], [15, 25]]);
    expect(spans('\\bPRJ-[A-Z]{3}\\b', '', 'PRJ-ABC xPRJ-ABC PRJ-ABCD')).toEqual([[0, 7]]);
    expect(spans('[가-힣]{2,4}(님|씨)', '', '김철수님 안녕하세요 이영희씨')).toEqual([[0, 4], [11, 15]]);
    expect(spans('^ticket: (\\w+)$', 'm', 'x\nticket: abc\nticket: d e')).toEqual([[2, 13]]);
    expect(spans('a.c', 's', 'a\nc')).toEqual([[0, 3]]);
    expect(spans('a.c', '', 'a\nc')).toEqual([]);
    expect(spans('\\p{Script=Hangul}+', 'u', 'abc 한글 def')).toEqual([[4, 6]]);
    expect(spans('.', 'u', '😀')).toEqual([[0, 2]]);
    expect(spans('x{2,3}?', '', 'xxxx')).toEqual([[0, 3]]); // lazy treated as greedy
  });

  it('reports leftmost-longest, not leftmost-first', () => {
    expect(spans('a|ab', '', 'ab')).toEqual([[0, 2]]);
    expect(spans('cat|category', 'i', 'Category')).toEqual([[0, 8]]);
  });

  it('refuses unsupported or unsafe syntax with a clear message', () => {
    expect(checkSafeRegex('EMP-\\d{6}', 'i')).toBeNull();
    expect(checkSafeRegex('(a)\\1', '')).toMatch(/backreferences/);
    expect(checkSafeRegex('(?<n>a)\\k<n>', '')).toMatch(/backreferences/);
    expect(checkSafeRegex('a(?=b)', '')).toMatch(/lookaround/);
    expect(checkSafeRegex('(?<!a)b', '')).toMatch(/lookaround/);
    expect(checkSafeRegex('a{1001}', '')).toMatch(/1000/);
    expect(checkSafeRegex('(a{1000}){1000}', '')).toMatch(/too large/);
    expect(checkSafeRegex('(', '')).toMatch(/not a valid regular expression/);
    expect(checkSafeRegex('a', 'g')).toMatch(/flags/);
    expect(checkSafeRegex('a', 'ii')).toMatch(/flags/);
    expect(checkSafeRegex('\\01', '')).toMatch(/octal/);
  });

  it('runs (a+)+$ in time linear in the input (100,000 a\'s and a !)', () => {
    const re = compileSafeRegex('(a+)+$', '');
    const timed = (n: number) => {
      const text = 'a'.repeat(n) + '!';
      const t0 = performance.now();
      expect(re.matchAll(text)).toEqual([]);
      return performance.now() - t0;
    };
    timed(1000); // warm the JIT
    // Best of three, and a ratio rather than an absolute bound: parallel test files on a shared
    // 2-core machine stretch any single timing. Linear means 10x the input costs about 10x the
    // time; a backtracking engine would not finish 100,000 characters at all.
    const small = Math.min(timed(10_000), timed(10_000), timed(10_000));
    const large = Math.min(timed(100_000), timed(100_000), timed(100_000));
    expect(large / Math.max(small, 0.05)).toBeLessThan(40);
    expect(large).toBeLessThan(2000);
    // JS would hang on this; ours also finds the genuine match once the ! is gone.
    expect(re.matchAll('b' + 'a'.repeat(50_000))).toEqual([[1, 50_001]]);
  });

  it('other classic catastrophic patterns stay linear', () => {
    for (const [p, t] of [['(a|aa)+$', 'a'.repeat(50_000) + 'b'], ['(\\w+\\s?)+$', 'word '.repeat(10_000) + '!'], ['(.*a){20}', 'a'.repeat(20_000)]] as const) {
      const t0 = performance.now();
      compileSafeRegex(p, '').matchAll(t);
      expect(performance.now() - t0).toBeLessThan(1500);
    }
  });

  it('bounds re-scanning work even for patterns with long failing extensions', () => {
    const t0 = performance.now();
    const m = compileSafeRegex('a|a*b', '').matchAll('a'.repeat(50_000));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(m.length).toBeGreaterThan(0);
  });

  it('agrees with a JS-RegExp leftmost-longest oracle on small random strings', () => {
    const patterns: Array<[string, string]> = [
      ['a+b', ''], ['(ab|a)c?', ''], ['[a-c]{2,3}', ''], ['\\bab\\b', ''], ['^a|b$', 'm'], ['a*', ''],
      ['(a|b)*c', 'i'], ['[^a\\s]+', ''], ['a.b', 's'], ['\\d{2}-?\\d', ''], ['x?(ab)+', ''], ['(?:a|ab)(?:c|bcd)', ''],
      ['\\w+@\\w+', ''], ['[A-C]b', 'i'], ['b{0,2}a', ''],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '\n', '1', '2', '-', '@', 'x'), maxLength: 12 }),
        ([p, f], text) => {
          expect(spans(p, f, text)).toEqual(oracle(p, f, text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary text', () => {
    const re = compileSafeRegex('(\\w+|[가-힣]+)\\b.?', 'iu');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => { re.matchAll(s); }));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => { compileSafeRegex('.+', '').matchAll(s); }));
  });
});
