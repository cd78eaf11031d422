/**
 * @module inspect/detectors/pii/context
 * Context words, as in Presidio's context enhancement: a word such as `주민등록번호` or `SSN` close
 * to a candidate raises its score, and some detectors (bank accounts, health insurance numbers)
 * only report candidates that have one. Windows are measured in characters rather than words
 * because Korean attaches particles to words and has no reliable word boundaries.
 */

/**
 * True if one of `words` (lower-case) occurs within `before` characters before `start` or
 * `after` characters after `end`. The window is lower-cased locally, so the cost is bounded by
 * the window size, not the text size.
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
  const pre = text.slice(Math.max(0, start - before), start).toLowerCase();
  for (const w of words) if (pre.includes(w)) return true;
  if (after > 0) {
    const post = text.slice(end, Math.min(text.length, end + after)).toLowerCase();
    for (const w of words) if (post.includes(w)) return true;
  }
  return false;
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
  const window = ownWindow(text, start, before);
  return window !== '' && containsAny(window.toLowerCase(), words);
}

/**
 * The text a label of the value at `start` can be in: at most `before` characters before it, cut
 * after the last digit that precedes the value (as in `hasOwnContext`), not lower-cased. Detectors
 * that test several word lists take it once and test each list with `containsAny`.
 */
export function ownWindow(text: string, start: number, before = 32): string {
  let from = Math.max(0, start - before);
  for (let i = start - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      from = i + 1;
      break;
    }
  }
  return start <= from ? '' : text.slice(from, start);
}

/** True if `lower` (already lower-cased) contains one of `words`. */
export function containsAny(lower: string, words: readonly string[]): boolean {
  for (const w of words) if (lower.includes(w)) return true;
  return false;
}
