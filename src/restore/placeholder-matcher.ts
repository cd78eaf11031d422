/**
 * @module restore/placeholder-matcher
 * The one scanner behind every restore path (whole text, JSON, streaming), so that streamed and
 * non-streamed restores cannot drift apart. It finds issued placeholders in a text under the
 * tolerance rule of docs/pseudonymization.md:
 *
 * - bracketed `<TYPE_TAG>`: letters compared case-insensitively, up to two spaces anywhere
 *   inside the brackets ignored (`<email_k3f9a2>`, `<EMAIL_ K3F9A2>`);
 * - bare `TYPE_TAG` (brackets dropped): exact case only, and only between non-word characters
 *   (word = ASCII `[A-Za-z0-9_]`, so Korean particles right after a bare placeholder still match).
 *
 * A match is accepted only if, after removing the tolerated noise, it equals a placeholder in the
 * reverse map exactly; the scanner never guesses, so it cannot restore a wrong value.
 *
 * The scan is decided left to right, each position only from the text after it (and the one
 * character before it). With `final = false` it stops at the first position whose outcome still
 * depends on text not yet seen: that position is where a stream must start holding back.
 */

/** Trie edges are the key alphabet `[0-9A-Z_]`, i.e. char codes 48..95, indexed from 48. */
const EDGE_BASE = 48;
const EDGE_COUNT = 48;

interface Node {
  next: (Node | undefined)[];
  /** The full placeholder (reverse-map key) if the path from the root spells one. */
  key: string | undefined;
}

export interface Matcher {
  readonly root: Node;
  /** `startsBare[c] === 1` if a bare placeholder can start with char code c (< 128). */
  readonly startsBare: Uint8Array;
  /** Longest placeholder, plus the tolerated spaces: the most a stream ever holds back. */
  readonly maxHold: number;
  readonly empty: boolean;
}

export interface Match {
  start: number;
  end: number;
  key: string;
}

const LT = 60; // <
const GT = 62; // >
const SPACE = 32;
const MAX_SPACES = 2;
/** Keys the restorer understands; anything else in a reverse map is ignored, never half-matched. */
const KEY_SHAPE = /^<[A-Z][A-Z0-9_]*_[A-Z0-9]+>$/;

const cache = new WeakMap<ReadonlyMap<string, string>, { size: number; matcher: Matcher }>();

/**
 * Compiled once per reverse map and reused while it keeps its size (sessions only ever add).
 * A stale cache entry can only miss a newer key: values are looked up at match time, so a
 * match always yields the value the map holds now, or nothing.
 */
export function matcherFor(reverse: ReadonlyMap<string, string>): Matcher {
  const hit = cache.get(reverse);
  if (hit && hit.size === reverse.size) return hit.matcher;
  const matcher = compile(reverse.keys());
  cache.set(reverse, { size: reverse.size, matcher });
  return matcher;
}

export function compile(keys: Iterable<string>): Matcher {
  const root = newNode();
  const startsBare = new Uint8Array(128);
  let longest = 0;
  let count = 0;
  for (const key of keys) {
    if (!KEY_SHAPE.test(key)) continue;
    count++;
    longest = Math.max(longest, key.length);
    let node = root;
    for (let i = 1; i < key.length - 1; i++) {
      const e = key.charCodeAt(i) - EDGE_BASE;
      let child = node.next[e];
      if (!child) {
        child = newNode();
        node.next[e] = child;
      }
      node = child;
    }
    node.key = key;
    startsBare[key.charCodeAt(1)] = 1;
  }
  return { root, startsBare, maxHold: count === 0 ? 0 : longest + MAX_SPACES, empty: count === 0 };
}

function newNode(): Node {
  return { next: new Array<Node | undefined>(EDGE_COUNT).fill(undefined), key: undefined };
}

/** Child of `node` along char code `c`, or undefined (also for any char outside the alphabet). */
function step(node: Node, c: number): Node | undefined {
  const e = c - EDGE_BASE;
  return e >= 0 && e < EDGE_COUNT ? node.next[e] : undefined;
}

export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Scratch slot for the matched key; scanning is synchronous, so one per module is enough. */
const keyOut = { key: '' };

const FAIL = -1;
const MORE = -2;

/** After `<` at s[j-1]: end index past `>` of a match, FAIL, or MORE (undecided at end of s). */
function tryBracket(m: Matcher, s: string, j: number, final: boolean, out: { key: string }): number {
  let node = m.root;
  let spaces = 0;
  for (let k = j; ; k++) {
    if (k === s.length) return final ? FAIL : MORE;
    let c = s.charCodeAt(k);
    if (c === SPACE) {
      if (++spaces > MAX_SPACES) return FAIL;
      continue;
    }
    if (c === GT) {
      if (node.key === undefined) return FAIL;
      out.key = node.key;
      return k + 1;
    }
    if (c >= 97 && c <= 122) c -= 32;
    const child = step(node, c);
    if (!child) return FAIL;
    node = child;
  }
}

/** Bare placeholder starting at s[i] (left boundary already checked). */
function tryBare(m: Matcher, s: string, i: number, final: boolean, out: { key: string }): number {
  let node = m.root;
  for (let k = i; ; k++) {
    if (k === s.length) {
      if (!final) return MORE;
      if (node.key === undefined) return FAIL;
      out.key = node.key;
      return k;
    }
    const c = s.charCodeAt(k);
    const child = step(node, c);
    if (child) {
      node = child;
      continue;
    }
    // Trie edges are word chars, so a key followed by a word char is a longer token: no match.
    if (node.key === undefined || isWordChar(c)) return FAIL;
    out.key = node.key;
    return k;
  }
}

/**
 * Scan `s` (whose preceding character is `prev`, or -1 at the start of the text), pushing
 * matches into `matches`. Returns how many characters are decided: all of `s` when `final`,
 * otherwise up to the first position whose outcome needs more text.
 */
export function scan(m: Matcher, s: string, prev: number, final: boolean, matches: Match[]): number {
  const starts = m.startsBare;
  const out = keyOut;
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    let r = FAIL;
    if (c === LT) {
      r = tryBracket(m, s, i + 1, final, out);
    } else if (c < 128 && starts[c] === 1) {
      const before = i > 0 ? s.charCodeAt(i - 1) : prev;
      if (before < 0 || !isWordChar(before)) r = tryBare(m, s, i, final, out);
    }
    if (r === MORE) return i;
    if (r > i) {
      matches.push({ start: i, end: r, key: out.key });
      i = r;
    } else {
      i++;
    }
  }
  return n;
}
