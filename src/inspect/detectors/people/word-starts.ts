/**
 * @module inspect/detectors/people/word-starts
 * Finds where any word of a fixed list begins in a text, for the English name detector's cue
 * words and given names (300-odd words). Matching is literal and case-sensitive, by UTF-16 code
 * unit, like a regex without `i` and `u`.
 *
 * Why not one regex alternation of the words: V8 ran it about twice as slow as a plain
 * character-class pass over prose and code. A class pass on the first letters alone stops at
 * every capital ("The", "Math.round"), and a JavaScript check per stop cost as much again. The
 * pass here matches the words' first four units as a prefix tree, after the text's start or a
 * non-letter: V8 runs a tree that shallow about as fast as the class alone, and it rules out
 * nearly every capitalised word that starts no listed word. Each hit is then confirmed against
 * the few words sharing its first two units with `startsWith`.
 */

export interface WordStarts {
  /** Ascending positions where one of the words begins and the unit before is not an ASCII letter. */
  find(text: string): number[];
  /** Whether one of the words begins at `at` (whatever precedes it). */
  at(text: string, at: number): boolean;
}

/** The first two units of a position as one number (NaN past the end becomes 0). */
const key2 = (text: string, at: number): number => text.charCodeAt(at) * 65536 + (text.charCodeAt(at + 1) || 0);

/** A code unit in a regex, written as `\uXXXX` so that no unit needs escaping. */
const unit = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;

/** Units of the prefix tree: three let common capitalised words through (`The`, `Mat`); more ran no faster. */
const TREE_DEPTH = 4;

/** The words grouped by their first unit, each with the rest of its units. */
function byFirstUnit(words: readonly string[]): Map<number, string[]> {
  const next = new Map<number, string[]>();
  for (const w of words) {
    const rests = next.get(w.charCodeAt(0)) ?? [];
    rests.push(w.slice(1));
    next.set(w.charCodeAt(0), rests);
  }
  return next;
}

/**
 * A pattern matching the first `depth` units of any of `words` (fewer for a shorter word): a
 * necessary condition for one of them to start here.
 */
function prefixTree(words: readonly string[], depth: number): string {
  const alts: string[] = [];
  const leaves: number[] = [];
  for (const [c, rests] of byFirstUnit(words)) {
    // A word ending here, or the tree deep enough: any continuation may follow.
    if (depth === 1 || rests.includes('')) leaves.push(c);
    else alts.push(unit(c) + prefixTree(rests, depth - 1));
  }
  if (leaves.length > 0) alts.push(leaves.length === 1 ? unit(leaves[0] as number) : `[${leaves.map(unit).join('')}]`);
  return alts.length === 1 ? (alts[0] as string) : `(?:${alts.join('|')})`;
}

/**
 * The pass: the prefix tree after the text's start or after a unit that is not an ASCII letter.
 * Consuming that unit ran a quarter faster in V8 than a look-behind for it, and the tree's units
 * are consumed too rather than checked in a look-ahead, so V8 tests each branch's first units with
 * one comparison. A match opens with the unit before the word, except at the text's start.
 */
function passPattern(words: readonly string[]): RegExp {
  // No `u` flag: code units, as the lookup compares them; no `m` flag: `^` is the text's start.
  return new RegExp(`(?:^|[^A-Za-z])${prefixTree(words, TREE_DEPTH)}`, 'g');
}

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Compiles the finder for `words`, each at least two units long and opening with an ASCII
 * letter (any other throws here, at module load: the pass relies on both).
 * @example
 *   compileWordStarts(['Dr', 'Dear']).find('Dear Dr. x, Drat'); // [0, 5, 12]
 */
export function compileWordStarts(words: readonly string[]): WordStarts {
  const byKey = new Map<number, string[]>();
  const unique = [...new Set(words)];
  for (const w of unique) {
    // The pass tells a word's start from the unit before it by that unit not being a letter.
    if (w.length < 2 || !isAsciiLetter(w.charCodeAt(0))) throw new Error('word-starts needs words of two units or more, opening with an ASCII letter');
    const k = key2(w, 0);
    const list = byKey.get(k) ?? [];
    list.push(w);
    byKey.set(k, list);
  }
  const pass = passPattern(unique);

  const at = (text: string, p: number): boolean => {
    const list = byKey.get(key2(text, p));
    if (list === undefined) return false;
    for (const w of list) if (text.startsWith(w, p)) return true;
    return false;
  };

  return {
    at,
    find(text: string): number[] {
      const out: number[] = [];
      const re = pass;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        // Words open with a letter, so a match opening with one is the text's start.
        const p = isAsciiLetter(text.charCodeAt(m.index)) ? m.index : m.index + 1;
        if (at(text, p)) out.push(p);
        // The next start needs a non-letter before it, at p + 1 or later: resuming there does not
        // skip a word that begins inside this one's prefix (`Good Mr`).
        re.lastIndex = p + 1;
      }
      return out;
    },
  };
}
