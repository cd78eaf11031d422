import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { windowHasWord, windowLastWord } from './window-words.ts';
import { PHONE_CONTEXT, OTHER_NUMBER_LABELS } from './phone-words.ts';

/** What the helpers must answer: the window lower-cased by `toLowerCase`, searched word by word. */
function naiveHas(text: string, from: number, to: number, words: readonly string[]): boolean {
  const low = text.slice(from, to).toLowerCase();
  return words.some((w) => low.includes(w));
}

function naiveLast(text: string, from: number, to: number, words: readonly string[]): [number, number] {
  const low = text.slice(from, to).toLowerCase();
  let at = -1;
  let len = 0;
  for (const w of words) {
    const i = low.lastIndexOf(w);
    if (i > at || (i === at && i >= 0 && w.length > len)) { at = i; len = w.length; }
  }
  return [at, len];
}

const WORDS: readonly string[] = ['tel', 'call', 'ext', 'a/c', 'kb', 'ss #', '전화', '계좌', 'kb국민', 'i', 'σ', 'ǆ', '😀'];

// Units `toLowerCase` maps onto ASCII or expands (İ, Kelvin sign), context-dependent sigma,
// titlecase digraphs, a surrogate pair, full-width letters, Hangul and jamo.
const text = fc
  .array(
    fc.constantFrom('T', 'e', 'L', 'l', 'C', 'a', 'x', 't', '/', '#', ' ', 'K', 'b', 'B', 'I', 'i', '\u0130', '\u212a', 'Σ', 'σ', 'ǅ', 'Ǆ', '😀', 'Ｔ', '전', '화', '계', '좌', '국', '민', 'ㄱ', '1', '.'),
    { maxLength: 40 },
  )
  .map((a) => a.join(''));

describe('window words', () => {
  it('answer as lower-casing the window and searching each word would', () => {
    fc.assert(
      fc.property(text, fc.nat(45), fc.nat(45), (t, a, b) => {
        const from = Math.min(a, b, t.length);
        const to = Math.min(Math.max(a, b), t.length);
        for (const words of [WORDS, PHONE_CONTEXT, OTHER_NUMBER_LABELS, []]) {
          expect(windowHasWord(t, from, to, words)).toBe(naiveHas(t, from, to, words));
          expect(windowLastWord(t, from, to, words)).toEqual(naiveLast(t, from, to, words));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('fold case, including units outside ASCII that lower-case onto ASCII', () => {
    expect(windowHasWord('Call me', 0, 7, ['call'])).toBe(true);
    expect(windowHasWord('\u212aB 123', 0, 3, ['kb'])).toBe(true); // Kelvin sign lower-cases to k
    expect(windowHasWord('KB', 0, 1, ['kb'])).toBe(false); // the window ends before B
    expect(windowHasWord('xx 전화 yy', 3, 5, ['전화'])).toBe(true);
    expect(windowHasWord('', 0, 0, ['tel'])).toBe(false);
    expect(windowHasWord('tel', 0, 3, [''])).toBe(true); // as ''.includes('') is
  });

  it('report the last word, the longer one on a tie, in lower-cased positions', () => {
    expect(windowLastWord('Tel 1, call 2', 0, 13, ['tel', 'call'])).toEqual([7, 4]);
    expect(windowLastWord('order no ', 0, 9, ['order', 'order no'])).toEqual([0, 8]);
    expect(windowLastWord('\u0130 tel', 0, 5, ['tel'])).toEqual([3, 3]); // İ expands to two units
    expect(windowLastWord('nothing', 0, 7, ['tel'])).toEqual([-1, 0]);
  });
});
