/**
 * @module inspect/detectors/pii/context
 * Context words, as in Presidio's context enhancement: a word such as `주민등록번호` or `SSN` close
 * to a candidate raises its score, and some detectors (bank accounts, health insurance numbers)
 * only report candidates that have one. Windows are measured in characters rather than words
 * because Korean attaches particles to words and has no reliable word boundaries.
 */

import { windowHasWord } from './window-words.ts';

/**
 * True if one of `words` (lower-case) occurs within `before` characters before `start` or
 * `after` characters after `end`, ignoring case. Only the window is read (`window-words.ts`), so
 * the cost is bounded by the window size, not the text size.
 */
export function hasContext(
  text: string,
  start: number,
  end: number,
  words: readonly string[],
  before = 32,
  after = 0,
): boolean {
  if (words.length === 0) return false;
  if (windowHasWord(text, Math.max(0, start - before), start, words)) return true;
  return after > 0 && windowHasWord(text, end, Math.min(text.length, end + after), words);
}

/** Score added when a context word is near (Presidio's default context boost is 0.35). */
export const CONTEXT_BOOST = 0.35;

/**
 * Like `hasContext` looking only before the value, but the word must be the value's own label:
 * the window is cut after the last digit that precedes the value, so in
 * "휴대폰 010-1234-5678, 사업자 2447607690" the word 휴대폰 belongs to the first number only.
 * Detectors that report a candidate *because of* a context word use this one.
 */
export function hasOwnContext(text: string, start: number, words: readonly string[], before = 32): boolean {
  const from = ownWindowStart(text, start, before);
  return from < start && windowHasWord(text, from, start, words);
}

/**
 * Where the text a label of the value at `start` can be in begins: at most `before` characters
 * before it, cut after the last digit that precedes the value (as in `hasOwnContext`). The window
 * is `[from, start)`, empty when `from >= start`. Detectors that test several word lists find it
 * once and test each list with `windowHasWord`.
 */
export function ownWindowStart(text: string, start: number, before = 32): number {
  const from = Math.max(0, start - before);
  for (let i = start - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return i + 1;
  }
  return from;
}
