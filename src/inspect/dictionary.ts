/**
 * @module inspect/dictionary
 * Company dictionaries (project codenames, customer names) matched in one pass over the text with
 * an Aho–Corasick automaton, so the cost grows with the text and the total term length, never with
 * text × terms.
 *
 * Case folding is per UTF-16 code unit (`toLowerCase` of that unit when it stays one unit long),
 * so offsets in the folded text equal offsets in the original. Caveats of that choice: characters
 * whose lower case is longer (`İ` → `i̇`) or which fold only in context (final sigma) are compared
 * as-is, and no Unicode normalisation is applied (a decomposed `é` does not match a composed one).
 *
 * Boundaries: a term that starts (ends) with a Latin letter or digit must not have a Latin letter
 * or digit right before (after) it, so `Falcon` does not match inside `Falconry`. A term starting
 * with Hangul must not follow another Hangul syllable, but nothing is required after Hangul or
 * after any term followed by Hangul, because Korean particles attach directly: `삼성전자는` and
 * `Falcon은` both match. Other scripts have no boundary rule.
 *
 * @example
 *   const d = compileDictionary({ name: 'clients', type: 'CLIENT', terms: ['삼성전자', 'Falcon'] });
 *   d.detect('삼성전자는 Falcon 건을…', {}); // two CLIENT findings, detector `dictionary.clients`
 */
import type { Detector, Finding } from './types.ts';

let FOLD: Uint16Array | undefined;

/** Per-code-unit lower-case table, built once on first use (65,536 entries). */
function foldTable(): Uint16Array {
  if (FOLD) return FOLD;
  const t = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    // Surrogates have no case; calling toLowerCase on a lone one is harmless but pointless.
    if (c >= 0xd800 && c <= 0xdfff) { t[c] = c; continue; }
    const l = String.fromCharCode(c).toLowerCase();
    t[c] = l.length === 1 ? l.charCodeAt(0) : c;
  }
  FOLD = t;
  return t;
}

/** Latin letters (ASCII and Latin-1/Extended-A/B) and ASCII digits: the class `Falconry` needs. */
function isLatinWord(c: number): boolean {
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7;
}

function isHangul(c: number): boolean {
  return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f);
}

export interface DictionarySpec { name: string; type: string; terms: readonly string[] }

/** Boundary requirement flags per term. */
const LEFT_LATIN = 1, RIGHT_LATIN = 2, LEFT_HANGUL = 4;

/**
 * The automaton. Transitions live in one Map keyed `state * 65536 + codeUnit` (compact for tens of
 * thousands of terms); the root additionally has a dense table because most steps restart there.
 */
export class AhoCorasick {
  private readonly next = new Map<number, number>();
  private readonly rootNext: Int32Array = new Int32Array(65536).fill(0);
  private fail: Int32Array = new Int32Array(1);
  /** Length of the longest term ending at this state, or 0. */
  private termLen: number[] = [0];
  private termFlags: number[] = [0];
  /** Nearest state on the failure chain (excluding self) that ends a term, or -1. */
  private outLink: Int32Array = new Int32Array(1);
  private states = 1;

  constructor(terms: readonly string[]) {
    const fold = foldTable();
    for (const term of terms) {
      let s = 0;
      for (let i = 0; i < term.length; i++) {
        const c = fold[term.charCodeAt(i)]!;
        const key = s * 65536 + c;
        let n = this.next.get(key);
        if (n === undefined) {
          n = this.states++;
          this.next.set(key, n);
          this.termLen.push(0);
          this.termFlags.push(0);
        }
        s = n;
      }
      if (term.length === 0) continue;
      const first = term.charCodeAt(0), last = term.charCodeAt(term.length - 1);
      this.termLen[s] = term.length;
      this.termFlags[s] =
        (isLatinWord(first) ? LEFT_LATIN : 0) | (isLatinWord(last) ? RIGHT_LATIN : 0) | (isHangul(first) ? LEFT_HANGUL : 0);
    }
    this.build();
  }

  /** Breadth-first failure links; children are found by scanning the transition map once. */
  private build(): void {
    const children: number[][] = Array.from({ length: this.states }, () => []);
    const label = new Uint16Array(this.states);
    for (const [key, n] of this.next) {
      const parent = Math.floor(key / 65536);
      children[parent]!.push(n);
      label[n] = key % 65536;
    }
    this.fail = new Int32Array(this.states);
    this.outLink = new Int32Array(this.states).fill(-1);
    for (const n of children[0]!) this.rootNext[label[n]!] = n;
    const queue: number[] = [...children[0]!];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const n of children[s]!) {
        const c = label[n]!;
        let f = this.fail[s]!;
        let target = 0;
        for (;;) {
          const t = f === 0 ? this.rootNext[c]! : this.next.get(f * 65536 + c);
          if (t !== undefined && t !== 0 && t !== n) { target = t; break; }
          if (f === 0) break;
          f = this.fail[f]!;
        }
        this.fail[n] = target;
        this.outLink[n] = this.termLen[target]! > 0 ? target : this.outLink[target]!;
        queue.push(n);
      }
    }
  }

  private step(s: number, c: number): number {
    for (;;) {
      const t = s === 0 ? this.rootNext[c]! : this.next.get(s * 65536 + c);
      if (t !== undefined && (t !== 0 || s === 0)) return t;
      s = this.fail[s]!;
    }
  }

  /**
   * Leftmost-longest non-overlapping matches that pass the boundary rules, as [start, end) pairs.
   */
  matches(text: string): Array<[number, number]> {
    const fold = foldTable();
    const n = text.length;
    // For every start position, the farthest valid end seen (only allocated once something matches).
    let bestEnd: Map<number, number> | undefined;
    let s = 0;
    for (let i = 0; i < n; i++) {
      s = this.step(s, fold[text.charCodeAt(i)]!);
      for (let o = this.termLen[s]! > 0 ? s : this.outLink[s]!; o > 0; o = this.outLink[o]!) {
        const len = this.termLen[o]!;
        const start = i + 1 - len, end = i + 1;
        if (!this.boundaryOk(text, start, end, this.termFlags[o]!)) continue;
        bestEnd ??= new Map();
        const prev = bestEnd.get(start);
        if (prev === undefined || end > prev) bestEnd.set(start, end);
      }
    }
    if (!bestEnd) return [];
    const starts = [...bestEnd.keys()].sort((a, b) => a - b);
    const out: Array<[number, number]> = [];
    let covered = 0;
    for (const st of starts) {
      if (st < covered) continue;
      const e = bestEnd.get(st)!;
      out.push([st, e]);
      covered = e;
    }
    return out;
  }

  private boundaryOk(text: string, start: number, end: number, flags: number): boolean {
    const before = start > 0 ? text.charCodeAt(start - 1) : -1;
    const after = end < text.length ? text.charCodeAt(end) : -1;
    if (flags & LEFT_LATIN && before >= 0 && isLatinWord(before)) return false;
    if (flags & LEFT_HANGUL && before >= 0 && isHangul(before)) return false;
    if (flags & RIGHT_LATIN && after >= 0 && isLatinWord(after)) return false;
    return true;
  }
}

/** Builds the detector for one policy dictionary. Throws (naming the dictionary) if it has no usable term. */
export function compileDictionary(spec: DictionarySpec): Detector {
  const terms = spec.terms.filter((t) => t.length > 0);
  if (terms.length === 0) throw new Error(`dictionary '${spec.name}' has no non-empty terms`);
  const ac = new AhoCorasick(terms);
  const id = `dictionary.${spec.name}`;
  const type = spec.type;
  return {
    id,
    types: [type],
    detect(text: string): Finding[] {
      return ac.matches(text).map(([start, end]) => ({ type, start, end, score: 1, detector: id }));
    },
  };
}
