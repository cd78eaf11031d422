/**
 * @module restore/restore-text
 * Whole-text restore: every placeholder this session issued (and tolerated manglings of it, see
 * restore/placeholder-matcher) becomes its original value again. Anything else, including
 * `mask` and `hash` placeholders and placeholders the model invented, is left as written.
 */
import { matcherFor, scan, type Match } from './placeholder-matcher.ts';

/**
 * @example
 * restoreText('Write to <EMAIL_K3F9A2>.', new Map([['<EMAIL_K3F9A2>', 'kim@example.com']]))
 * // 'Write to kim@example.com.'
 */
export function restoreText(text: string, reverse: ReadonlyMap<string, string>): string {
  if (reverse.size === 0 || text.length === 0) return text;
  const m = matcherFor(reverse);
  if (m.empty) return text;
  const matches: Match[] = [];
  scan(m, text, -1, true, matches);
  return splice(text, 0, text.length, matches, reverse, identity);
}

function identity(s: string): string {
  return s;
}

/** `text[from, to)` with each match replaced by `encode(value)`; unknown keys stay as written. */
export function splice(
  text: string,
  from: number,
  to: number,
  matches: readonly Match[],
  reverse: ReadonlyMap<string, string>,
  encode: (value: string) => string,
): string {
  if (matches.length === 0) return from === 0 && to === text.length ? text : text.slice(from, to);
  let out = '';
  let cursor = from;
  for (const mt of matches) {
    const value = reverse.get(mt.key);
    if (value === undefined) continue;
    out += text.slice(cursor, mt.start) + encode(value);
    cursor = mt.end;
  }
  return out + text.slice(cursor, to);
}
