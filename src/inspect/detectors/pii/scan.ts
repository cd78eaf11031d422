/**
 * @module inspect/detectors/pii/scan
 * Small shared pieces for the structured PII detectors: a `lastIndex` scan loop, character-class
 * tests for token boundaries, and a finding constructor that keeps scores inside 0..1.
 *
 * Why boundaries are checked in code rather than in the regexes: the candidate regexes use only
 * bounded quantifiers, so each start position costs a constant amount of work and a whole scan is
 * linear. Rejecting a candidate because of its neighbour characters in code keeps the regexes
 * free of the lookaround-plus-backtracking combinations that quietly shorten a match instead of
 * failing it (e.g. turning `123-456-78901` into `123-456-7890`).
 */
import type { Finding } from '../../types.ts';

/**
 * Runs a global (`g`) regex over `text`, calling `visit` for each match. `visit` may return the
 * index where scanning should continue (e.g. the end of an accepted sub-span, or `m.index + 1`
 * to retry inside a rejected candidate); by default the scan continues after the match.
 */
export function scanAll(re: RegExp, text: string, visit: (m: RegExpExecArray) => number | void): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const after = m.index + Math.max(1, m[0].length);
    const next = visit(m);
    re.lastIndex = typeof next === 'number' && next > m.index ? next : after;
  }
  re.lastIndex = 0;
}

/**
 * The same scan as `scanAll` restricted to `starts` (sorted positions where a match can begin,
 * e.g. from the shared number-cluster scan): a sticky (`y`) regex is tried at each start not
 * already inside an accepted span. `visit` returns where the next candidate may begin — the end of
 * an accepted span, or `start + 1` for a rejected one — as a left-to-right scan would.
 */
export function scanAtStarts(
  re: RegExp,
  text: string,
  starts: readonly number[],
  visit: (m: RegExpExecArray, start: number) => number,
): void {
  let floor = 0;
  for (const start of starts) {
    if (start < floor) continue;
    re.lastIndex = start;
    const m = re.exec(text);
    if (m === null) continue;
    floor = visit(m, start);
  }
}

/** 0-9 */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A-Z a-z */
export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * ASCII letters, digits and `_`: the characters that glue a number into a longer identifier.
 * Hangul is deliberately not included, because Korean particles (`로`, `은`, `입니다`) attach
 * directly to the value they follow and must not stop it from being found.
 */
export function isWordChar(code: number): boolean {
  return isDigit(code) || isAsciiLetter(code) || code === 95;
}

/** Code unit at `i`, or NaN outside the string (every test on NaN is false). */
export function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : NaN;
}

/**
 * True if the span is glued to a neighbouring number or identifier: a word character directly
 * before/after it, or a `-`/`.` that joins it to one (`1234-5678-` + `90`, `v` + `1.2.3.4`).
 * `joiners` lists the separator characters that count as glue for this detector; a space
 * joiner only glues digits to digits.
 */
export function gluedToNeighbour(text: string, start: number, end: number, joiners = '-.'): boolean {
  // Reads in bounds only (-1 outside): every number candidate passes through here.
  const len = text.length;
  const before = start > 0 ? text.charCodeAt(start - 1) : -1;
  const after = end < len ? text.charCodeAt(end) : -1;
  if (isWordChar(before) || isWordChar(after)) return true;
  if (before >= 0 && isJoiner(joiners, before)) {
    // "abc-123" and "v1.2" glue through a letter; a space glues only digit groups together.
    const beforeJoiner = start > 1 ? text.charCodeAt(start - 2) : -1;
    if (before === 32 ? isDigit(beforeJoiner) : isWordChar(beforeJoiner)) return true;
  }
  return after >= 0 && isJoiner(joiners, after) && end + 1 < len && isDigit(text.charCodeAt(end + 1));
}

function isJoiner(joiners: string, c: number): boolean {
  for (let k = 0; k < joiners.length; k++) if (joiners.charCodeAt(k) === c) return true;
  return false;
}

/** The digits of `s`, in order. */
export function digitsOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) out += s[i];
  }
  return out;
}

/** A finding with the score clamped to 0..1 and rounded to two places (stable in tests and JSON). */
export function finding(type: string, start: number, end: number, score: number, detector: string): Finding {
  const s = Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
  return { type, start, end, score: s, detector };
}
