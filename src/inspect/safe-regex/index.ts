/**
 * @module inspect/safe-regex
 * Linear-time regular expressions for user-written policy patterns. A JavaScript RegExp
 * backtracks, so a pattern like `(a+)+$` can freeze the event loop on a crafted prompt; these
 * patterns instead run on a Pike VM (`vm.ts`) whose cost is O(text × pattern size).
 *
 * Supported: literals and escapes, `.`, classes `[...]` (ranges, negation, `\d\w\s` inside),
 * `\d \w \s \D \W \S \b \B`, `\p{...}` under `u`, groups `( )`, `(?: )`, `(?<name> )`,
 * alternation, `* + ? {m} {m,} {m,n}` (lazy forms accepted, matched as greedy), anchors `^ $`,
 * flags `i m s u`. Refused at load: backreferences, lookahead/lookbehind, bounds above 1000, and
 * programs above 50,000 steps once repetitions are expanded.
 *
 * @example
 *   checkSafeRegex('EMP-\\d{6}', 'i');           // null (fine)
 *   checkSafeRegex('(a)\\1', '');                // 'backreferences are not supported (at offset 3)'
 *   compileSafeRegex('EMP-\\d{6}', 'i').matchAll('id emp-123456'); // [[3, 13]]
 */
import { CharMatcherTable } from './charset.ts';
import { parse, SafeRegexError } from './parse.ts';
import { compile } from './program.ts';
import { PikeVM } from './vm.ts';

export interface SafeRegex {
  /** Leftmost-longest non-overlapping matches as [start, end) pairs (empty matches included). */
  matchAll(text: string): Array<[number, number]>;
}

/** Null if the pattern is usable, else a message naming the problem (never any matched text). */
export function checkSafeRegex(regex: string, flags: string): string | null {
  try {
    compileSafeRegex(regex, flags);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : 'invalid pattern';
  }
}

/** Compiles a pattern; throws an Error with a descriptive message if it is invalid or unsupported. */
export function compileSafeRegex(regex: string, flags: string): SafeRegex {
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) {
    throw new SafeRegexError('flags must be a combination of i, m, s and u');
  }
  try {
    // Let JavaScript's parser rule on syntax first (compiling never runs the pattern).
    new RegExp(regex, flags);
  } catch (e) {
    const detail = e instanceof Error ? e.message.replace(/^.*: /, '') : 'syntax error';
    throw new SafeRegexError(`not a valid regular expression: ${detail}`);
  }
  const table = new CharMatcherTable(flags);
  let prog;
  try {
    prog = compile(parse(regex, flags, table));
  } catch (e) {
    if (e instanceof SafeRegexError) throw e;
    throw new SafeRegexError('not a valid regular expression');
  }
  const vm = new PikeVM(prog, table.list, flags.includes('u'), flags.includes('m'));
  return { matchAll: (text) => vm.matchAll(text) };
}
