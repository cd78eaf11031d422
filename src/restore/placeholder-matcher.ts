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
 * depends on text not yet seen: that position is where a stream must start holding back. The
 * candidate starting there is returned as a `Candidate` (its trie node and spaces so far), so a
 * stream can carry it on over the next piece with `resume` instead of re-reading what it held.
 */

/**
 * Trie edges are the key alphabet `[0-9A-Z_]`: 37 symbols. `EDGE[c]` maps a char code (< 128) to
 * its symbol, or NO_EDGE. The trie is one flat typed array (node × EDGES), so compiling it for a
 * fresh reverse map is a single zero-filled allocation: this is on the time to first token.
 */
const EDGES = 37;
const NO_EDGE = 255;
const EDGE = new Uint8Array(128).fill(NO_EDGE);
for (let c = 48; c <= 57; c++) EDGE[c] = c - 48;
for (let c = 65; c <= 90; c++) EDGE[c] = c - 55;
EDGE[95] = 36;

export interface Matcher {
  /** Child of node `n` along symbol `e` at `next[n * EDGES + e]`; 0 = none (the root, node 0, is nobody's child). */
  readonly next: Uint16Array | Uint32Array;
  /** `keyAt[n]`: the full placeholder (reverse-map key) if the path to node n spells one, else ''. */
  readonly keyAt: readonly string[];
  /** `starts[c]` (c < 128): BRACKET for `<`, BARE for an issued type's initial, 0 for anything else. */
  readonly starts: Uint8Array;
  /** Longest placeholder, plus the tolerated spaces: the most a stream ever holds back. */
  readonly maxHold: number;
  /**
   * Every placeholder, mangled or not, has `_` after its type's first word, so in a text with no
   * `_` a candidate can read at most this many characters (`<`, two spaces, the longest such
   * word) before it fails: only a suffix this long can still be undecided.
   */
  readonly maxHead: number;
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
const BRACKET = 1;
const BARE = 2;
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
  const valid: string[] = [];
  let bound = 1;
  let longest = 0;
  let head = 0;
  for (const key of keys) {
    if (!KEY_SHAPE.test(key)) continue;
    valid.push(key);
    bound += key.length - 2;
    longest = Math.max(longest, key.length);
    head = Math.max(head, key.indexOf('_') - 1);
  }
  const next = bound * EDGES <= 0xffff ? new Uint16Array(bound * EDGES) : new Uint32Array(bound * EDGES);
  const keyAt: string[] = [''];
  const starts = new Uint8Array(128);
  starts[LT] = BRACKET;
  for (const key of valid) {
    let node = 0;
    for (let i = 1; i < key.length - 1; i++) {
      const slot = node * EDGES + EDGE[key.charCodeAt(i)]!;
      let child = next[slot]!;
      if (child === 0) {
        child = keyAt.length;
        keyAt.push('');
        next[slot] = child;
      }
      node = child;
    }
    keyAt[node] = key;
    starts[key.charCodeAt(1)] = BARE;
  }
  const empty = valid.length === 0;
  return { next, keyAt, starts, maxHold: empty ? 0 : longest + MAX_SPACES, maxHead: 1 + MAX_SPACES + head, empty };
}

export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * A placeholder candidate: on MORE, where its walk stopped (`kind`, trie `node`, `spaces` seen);
 * on a match, the matched `key`. Plain numbers and a string, so a stream keeps one and reuses it.
 */
export interface Candidate {
  kind: number;
  node: number;
  spaces: number;
  key: string;
}

export function newCandidate(): Candidate {
  return { kind: 0, node: 0, spaces: 0, key: '' };
}

/** Scratch candidate for `scan`; scanning is synchronous, so one per module is enough. */
const scratch = newCandidate();

/** `scan`/`resume` outcomes besides an end index: no match here, or undecided until more text. */
export const FAIL = -1;
export const MORE = -2;

/**
 * Bracketed candidate, from s[j] on (after `<`, or resumed), at trie `node` with `spaces` seen:
 * end index past `>` of a match (key in `out.key`), FAIL, or MORE (state saved in `out`).
 */
function tryBracket(m: Matcher, s: string, j: number, final: boolean, out: Candidate, node: number, spaces: number): number {
  const next = m.next;
  for (let k = j; ; k++) {
    if (k === s.length) {
      if (final) return FAIL;
      out.node = node;
      out.spaces = spaces;
      return MORE;
    }
    let c = s.charCodeAt(k);
    if (c === SPACE) {
      if (++spaces > MAX_SPACES) return FAIL;
      continue;
    }
    if (c === GT) {
      const key = m.keyAt[node]!;
      if (key === '') return FAIL;
      out.key = key;
      return k + 1;
    }
    if (c >= 97 && c <= 122) c -= 32;
    if (c >= 128) return FAIL;
    const e = EDGE[c]!;
    if (e === NO_EDGE) return FAIL;
    node = next[node * EDGES + e]!;
    if (node === 0) return FAIL;
  }
}

/** Bare candidate from s[i] on (a fresh one at its first letter, left boundary checked), at trie `node`. */
function tryBare(m: Matcher, s: string, i: number, final: boolean, out: Candidate, node: number): number {
  const next = m.next;
  for (let k = i; ; k++) {
    if (k === s.length) {
      if (!final) {
        out.node = node;
        return MORE;
      }
      const key = m.keyAt[node]!;
      if (key === '') return FAIL;
      out.key = key;
      return k;
    }
    const c = s.charCodeAt(k);
    const e = c < 128 ? EDGE[c]! : NO_EDGE;
    const child = e === NO_EDGE ? 0 : next[node * EDGES + e]!;
    if (child !== 0) {
      node = child;
      continue;
    }
    // Trie edges are word chars, so a key followed by a word char is a longer token: no match.
    const key = m.keyAt[node]!;
    if (key === '' || isWordChar(c)) return FAIL;
    out.key = key;
    return k;
  }
}

/**
 * Whether a start character `c` (`starts[c] !== 0`) is already ruled out by the character before
 * it (`before`, -1 at the start of the text) and the one after it (`d`, -1 if not seen yet): a
 * bare initial inside a word or followed by a letter no issued type continues with (`Please`,
 * `Each`), `<` followed by a character no placeholder starts with (`<b>`). A cheap pre-check for
 * the stream's fast path; `scan` decides everything else, and agrees with it.
 */
export function ruledOut(m: Matcher, c: number, d: number, before: number): boolean {
  if (c === LT) {
    if (d < 0 || d === SPACE) return false;
    if (d >= 97 && d <= 122) d -= 32;
    return d >= 128 || EDGE[d] === NO_EDGE || m.next[EDGE[d]!] === 0;
  }
  if (before >= 0 && isWordChar(before)) return true;
  if (d < 0) return false;
  const node = m.next[EDGE[c]!]!;
  return d >= 128 || EDGE[d] === NO_EDGE || m.next[node * EDGES + EDGE[d]!] === 0;
}

/**
 * Scan `s` from index `from` (the character before `s[from]` is `s[from - 1]`, or `prev` when
 * `from` is 0; -1 at the start of the text), pushing matches into `matches`. Returns how many
 * characters are decided: all of `s` when `final`, otherwise up to the first position whose
 * outcome needs more text.
 */
export function scan(m: Matcher, s: string, prev: number, final: boolean, matches: Match[], from = 0, held?: Candidate): number {
  const starts = m.starts;
  const out = scratch;
  const n = s.length;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    const kind = c < 128 ? starts[c]! : 0;
    if (kind === 0) {
      i++;
      continue;
    }
    let r = FAIL;
    if (kind === BRACKET) {
      r = tryBracket(m, s, i + 1, final, out, 0, 0);
    } else {
      const before = i > 0 ? s.charCodeAt(i - 1) : prev;
      if (before < 0 || !isWordChar(before)) r = tryBare(m, s, i, final, out, 0);
    }
    if (r === MORE) {
      if (held) {
        held.kind = kind;
        held.node = out.node;
        held.spaces = kind === BRACKET ? out.spaces : 0;
      }
      return i;
    }
    if (r > i) {
      matches.push({ start: i, end: r, key: out.key });
      i = r;
    } else {
      i++;
    }
  }
  return n;
}

/**
 * Carry on the candidate `c` that `scan` left undecided (its `held` argument) over the text that
 * followed, `s`, read from its start: exactly what `scan` would decide for that candidate on the
 * held text + `s`, without re-reading the held text. Returns the match's end in `s` (key in
 * `c.key`; 0 when a bare match ended with the held text), FAIL, or MORE (`c` updated to carry on).
 */
export function resume(m: Matcher, s: string, final: boolean, c: Candidate): number {
  return c.kind === BRACKET ? tryBracket(m, s, 0, final, c, c.node, c.spaces) : tryBare(m, s, 0, final, c, c.node);
}

/**
 * Set `c` to the candidate that a start character `ch` (`starts[ch] !== 0`, left boundary
 * checked) is on its own at the end of the text: what `scan` leaves held for it, without a scan.
 */
export function startCandidate(m: Matcher, ch: number, c: Candidate): void {
  c.kind = m.starts[ch]!;
  c.node = c.kind === BRACKET ? 0 : m.next[EDGE[ch]!]!;
  c.spaces = 0;
}
