/**
 * @module inspect/detectors/people/word-starts
 * Finds where any word of a fixed list begins in a text, for the English name detector's cue
 * words and given names (300-odd words) and the US street suffixes. Matching is literal and
 * case-sensitive, by UTF-16 code unit, like a regex without `i` and `u`.
 *
 * Why not one regex alternation of the words: V8 ran it about twice as slow as a plain
 * character-class pass over prose and code. A class pass on the first letters alone stops at
 * every capital ("The", "Math.round"), and a JavaScript check per stop cost as much again. The
 * pass here matches the words' first four units as a prefix tree, after the text's start or a
 * non-letter: V8 runs a tree that shallow about as fast as the class alone, and it rules out
 * nearly every capitalised word that starts no listed word. Each hit is then confirmed against
 * the few words sharing its first two units with `startsWith`.
 *
 * Several lists can share the pass (`compileWordStartLists`): a text is walked once for the union
 * and each hit is sorted to the lists whose words begin there. A list may ask for whole words
 * (`St` but not `Start`): the tree then checks the word's end where it is shallow enough, since
 * a bare `Pl` or `St` in it would stop at every `Please` and `State` and cost a JavaScript check each.
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

/** A word still to match: the units left, and whether it must end a word (no ASCII letter after it). */
interface Rest {
  readonly rest: string;
  readonly whole: boolean;
}

/** The words grouped by their first unit, each with the rest of its units. */
function byFirstUnit(words: readonly Rest[]): Map<number, Rest[]> {
  const next = new Map<number, Rest[]>();
  for (const { rest, whole } of words) {
    const rests = next.get(rest.charCodeAt(0)) ?? [];
    rests.push({ rest: rest.slice(1), whole });
    next.set(rest.charCodeAt(0), rests);
  }
  return next;
}

/** After a whole word: no ASCII letter (the end of the text counts). */
const WORD_END = '(?![A-Za-z])';

/**
 * A pattern matching the first `depth` units of any of `words` (fewer for a shorter word, then
 * the end of a whole word): a necessary condition for one of them to start here.
 */
function prefixTree(words: readonly Rest[], depth: number): string {
  const alts: string[] = [];
  const leaves: number[] = [];
  for (const [c, rests] of byFirstUnit(words)) {
    // A word (not whole) ending here, or the tree deep enough: any continuation may follow.
    if (depth === 1 || rests.some((r) => r.rest === '' && !r.whole)) {
      leaves.push(c);
      continue;
    }
    // Whole words ending here: only a non-letter may follow (`Pl` in `Pl.`, not in `Please`).
    const longer = rests.filter((r) => r.rest !== '');
    const ends = longer.length < rests.length;
    const sub = longer.length > 0 ? prefixTree(longer, depth - 1) : '';
    alts.push(unit(c) + (ends ? (sub === '' ? WORD_END : `(?:${sub}|${WORD_END})`) : sub));
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
function passPattern(words: readonly Rest[]): RegExp {
  // No `u` flag: code units, as the lookup compares them; no `m` flag: `^` is the text's start.
  return new RegExp(`(?:^|[^A-Za-z])${prefixTree(words, TREE_DEPTH)}`, 'g');
}

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** One of the lists `compileWordStartLists` takes. */
export interface WordList {
  readonly words: readonly string[];
  /** Only whole words count: no ASCII letter may follow (`St` in `St.`, not in `Start`). */
  readonly whole?: boolean;
}

/** Per word list: the ascending positions where one of its words begins (see `WordStarts.find`). */
export interface WordStartLists {
  find(text: string): number[][];
}

/** A distinct word with the bit sets of the lists holding it, as a prefix and as a whole word. */
interface Entry {
  readonly word: string;
  prefixOf: number;
  wholeOf: number;
}

/** The distinct words by their first two units. */
function wordTable(lists: readonly WordList[]): Map<number, Entry[]> {
  if (lists.length > 30) throw new Error('word-starts takes at most 30 lists');
  const byKey = new Map<number, Entry[]>();
  lists.forEach(({ words, whole }, i) => {
    for (const w of words) {
      // The pass tells a word's start from the unit before it by that unit not being a letter.
      if (w.length < 2 || !isAsciiLetter(w.charCodeAt(0))) throw new Error('word-starts needs words of two units or more, opening with an ASCII letter');
      const k = key2(w, 0);
      const entries = byKey.get(k) ?? [];
      let e = entries.find((x) => x.word === w);
      if (e === undefined) entries.push((e = { word: w, prefixOf: 0, wholeOf: 0 }));
      if (whole === true) e.wholeOf |= 1 << i;
      else e.prefixOf |= 1 << i;
      byKey.set(k, entries);
    }
  });
  return byKey;
}

/** The tree's words: each distinct word once, whole only if no list takes it as a prefix. */
function treeWords(byKey: Map<number, Entry[]>): Rest[] {
  return [...byKey.values()].flat().map((e) => ({ rest: e.word, whole: e.prefixOf === 0 }));
}

/**
 * Walks the pass's hits in `text`, calling `hit(p, mask)` where some words begin at `p` (`mask`:
 * the bits of the lists they count for).
 */
function walk(text: string, pass: RegExp, byKey: Map<number, Entry[]>, hit: (p: number, mask: number) => void): void {
  const re = pass;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    // Words open with a letter, so a match opening with one is the text's start.
    const p = isAsciiLetter(text.charCodeAt(m.index)) ? m.index : m.index + 1;
    const entries = byKey.get(key2(text, p));
    if (entries !== undefined) {
      let mask = 0;
      for (const e of entries) {
        if (((e.prefixOf | e.wholeOf) & ~mask) === 0 || !text.startsWith(e.word, p)) continue;
        mask |= e.prefixOf;
        if (e.wholeOf !== 0 && !isAsciiLetter(text.charCodeAt(p + e.word.length))) mask |= e.wholeOf;
      }
      if (mask !== 0) hit(p, mask);
    }
    // The next start needs a non-letter before it, at p + 1 or later: resuming there does not
    // skip a word that begins inside this one's prefix (`Good Mr`).
    re.lastIndex = p + 1;
  }
}

/**
 * Compiles the finder for `words`, each at least two units long and opening with an ASCII
 * letter (any other throws here, at module load: the pass relies on both).
 * @example
 *   compileWordStarts(['Dr', 'Dear']).find('Dear Dr. x, Drat'); // [0, 5, 12]
 */
export function compileWordStarts(words: readonly string[]): WordStarts {
  const byKey = wordTable([{ words }]);
  const pass = passPattern(treeWords(byKey));
  return {
    at(text: string, p: number): boolean {
      const entries = byKey.get(key2(text, p));
      if (entries === undefined) return false;
      for (const e of entries) if (text.startsWith(e.word, p)) return true;
      return false;
    },
    find(text: string): number[] {
      const out: number[] = [];
      walk(text, pass, byKey, (p) => out.push(p));
      return out;
    },
  };
}

/**
 * Compiles one finder for several word lists (same rules for the words as `compileWordStarts`):
 * one pass over the union, its hits handed to each list whose words begin there.
 * @example
 *   compileWordStartLists([{ words: ['Dr', 'Dear'] }, { words: ['Dr', 'Drive'], whole: true }])
 *     .find('Dear Dr. Drives'); // [[0, 5, 9], [5]]
 */
export function compileWordStartLists(lists: readonly WordList[]): WordStartLists {
  const byKey = wordTable(lists);
  const words = treeWords(byKey);
  // No words at all: the tree would be empty and match everywhere.
  const pass = words.length > 0 ? passPattern(words) : undefined;
  return {
    find(text: string): number[][] {
      const out: number[][] = lists.map(() => []);
      if (pass !== undefined) walk(text, pass, byKey, (p, mask) => {
        for (let i = 0; i < out.length; i++) if ((mask & (1 << i)) !== 0) out[i]?.push(p);
      });
      return out;
    },
  };
}
