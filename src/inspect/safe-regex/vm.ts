/**
 * @module inspect/safe-regex/vm
 * Pike-VM simulation of the compiled NFA: every text position is visited with at most one thread
 * per instruction, so one search costs O(text × program) however the pattern is written; there is
 * no backtracking for `(a+)+$` to explode on.
 *
 * Semantics are leftmost-longest (POSIX) rather than JavaScript's leftmost-first: among matches
 * starting at the leftmost possible position the longest is reported, then the search resumes at
 * its end. For redaction this is the safer choice (it covers more), and it is why lazy
 * quantifiers behave like greedy ones here.
 *
 * Threads are kept in order of their start position; when two threads reach the same instruction
 * the earlier-starting one wins, which is exactly what leftmost-longest needs. After a match the
 * next search restarts at its end; text already scanned past that end is scanned again, which for
 * contrived patterns could add up to quadratic work, so total scanning is capped at
 * `RESCAN_FACTOR × text length`. Past the cap, searches continue from where the previous one stopped
 * (still linear, may miss a match that begins inside the re-scan window; see docs/detectors.md).
 */
import type { CharMatcher } from './charset.ts';
import * as P from './program.ts';
import type { Program } from './program.ts';

// Local copies: module bindings can compile to getters (tsx/vitest), too slow for the inner loop.
const OP_CHAR = P.OP_CHAR, OP_SPLIT = P.OP_SPLIT, OP_JMP = P.OP_JMP, OP_MATCH = P.OP_MATCH, OP_ASSERT = P.OP_ASSERT;

export const RESCAN_FACTOR = 16;

function isWordUnit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

export class PikeVM {
  private readonly mark: Int32Array;
  private gen = 0;
  private readonly stack: Int32Array;
  // Two thread lists (pc, start) swapped every step.
  private cPc: Int32Array; private cSt: Int32Array; private cN = 0;
  private nPc: Int32Array; private nSt: Int32Array; private nN = 0;
  private bestStart = -1;
  private bestEnd = -1;
  /** Per instruction, the CHAR/ASSERT/MATCH instructions its epsilon closure reaches (null if too big to tabulate). */
  private readonly closures: Int32Array[] | null;
  /** Matchers one of which must accept the first character of any match, or null if a match can be empty/asserted. */
  private readonly firstSet: CharMatcher[] | null;

  constructor(
    private readonly prog: Program,
    private readonly matchers: readonly CharMatcher[],
    private readonly unicode: boolean,
    private readonly multiline: boolean,
  ) {
    const n = prog.length;
    this.closures = precomputeClosures(prog);
    this.firstSet = firstMatchers(prog, this.closures, matchers);
    this.mark = new Int32Array(n);
    this.stack = new Int32Array(n + 1);
    this.cPc = new Int32Array(n); this.cSt = new Int32Array(n);
    this.nPc = new Int32Array(n); this.nSt = new Int32Array(n);
  }

  /** All leftmost-longest, non-overlapping matches (empty ones included) as [start, end). */
  matchAll(text: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const n = text.length;
    const budget = RESCAN_FACTOR * (n + 1) + 65536;
    let scanned = 0;
    let from = 0;
    while (from <= n) {
      const stoppedAt = this.search(text, from);
      scanned += stoppedAt - from + 1;
      if (this.bestStart < 0) break;
      const s = this.bestStart, e = this.bestEnd;
      out.push([s, e]);
      let next = e > s ? e : e + this.width(text, e);
      if (scanned > budget) next = Math.max(next, stoppedAt);
      if (e === n && e === s) break;
      from = next;
    }
    return out;
  }

  private width(text: string, i: number): number {
    if (!this.unicode || i >= text.length) return 1;
    return text.codePointAt(i)! > 0xffff ? 2 : 1;
  }

  /** One leftmost-longest search from `from`; sets bestStart/bestEnd; returns the last position looked at. */
  private search(text: string, from: number): number {
    const n = text.length;
    const { op, x } = this.prog;
    this.bestStart = -1; this.bestEnd = -1;
    this.cN = 0;
    this.gen++;
    let i = from;
    for (;;) {
      // Seed a new thread at i unless a match is already known (later starts cannot win then).
      if (this.bestStart < 0) this.add(0, i, i, text, true);
      if (i >= n) return i;
      let c: number, w: number;
      if (this.unicode) { c = text.codePointAt(i)!; w = c > 0xffff ? 2 : 1; } else { c = text.charCodeAt(i); w = 1; }
      if (this.cN === 0) {
        if (this.bestStart >= 0) return i;
        // Nothing alive (e.g. a failed assertion): move on and seed at the next position.
        i += w;
        this.gen++;
        continue;
      }
      if (this.firstSet !== null && this.bestStart < 0 && this.onlySeeds(i)) {
        // Only the fresh seed is alive: skip positions where no match can begin.
        const j = this.skipTo(text, i);
        if (j !== i) {
          i = j;
          this.gen++;
          this.cN = 0;
          continue;
        }
      }
      this.gen++;
      this.nN = 0;
      for (let t = 0; t < this.cN; t++) {
        const pc = this.cPc[t]!, st = this.cSt[t]!;
        if (this.bestStart >= 0 && st > this.bestStart) continue;
        if (op[pc] === OP_CHAR && this.matchers[x[pc]!]!.test(c)) this.add(pc + 1, st, i + w, text, false);
      }
      // swap lists
      const p = this.cPc, s = this.cSt;
      this.cPc = this.nPc; this.cSt = this.nSt; this.cN = this.nN;
      this.nPc = p; this.nSt = s;
      i += w;
      if (this.cN === 0 && this.bestStart >= 0) return i;
    }
  }

  /** True if every thread in the current list was seeded at `i` (nothing older is alive). */
  private onlySeeds(i: number): boolean {
    for (let t = 0; t < this.cN; t++) if (this.cSt[t] !== i) return false;
    return true;
  }

  /** First position ≥ i whose character some first-matcher accepts (text.length if none). */
  private skipTo(text: string, i: number): number {
    const set = this.firstSet!;
    const n = text.length;
    if (set.length === 1) {
      const m = set[0]!;
      while (i < n) {
        const c = this.unicode ? text.codePointAt(i)! : text.charCodeAt(i);
        if (m.test(c)) return i;
        i += c > 0xffff ? 2 : 1;
      }
      return n;
    }
    while (i < n) {
      const c = this.unicode ? text.codePointAt(i)! : text.charCodeAt(i);
      for (let k = 0; k < set.length; k++) if (set[k]!.test(c)) return i;
      i += c > 0xffff ? 2 : 1;
    }
    return n;
  }

  /** Adds the epsilon closure of `pc0` at position `at` to the current (seed) or next list. */
  private add(pc0: number, start: number, at: number, text: string, current: boolean): void {
    const { op, x, y } = this.prog;
    const mark = this.mark, gen = this.gen, stack = this.stack, closures = this.closures;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const top = stack[--sp]!;
      if (closures !== null) {
        // Tabulated closure: visit its CHAR/ASSERT/MATCH targets in order.
        const list = closures[top]!;
        for (let k = 0; k < list.length; k++) {
          const pc = list[k]!;
          if (mark[pc] === gen) continue;
          mark[pc] = gen;
          const o = op[pc];
          if (o === OP_CHAR) {
            if (current) { this.cPc[this.cN] = pc; this.cSt[this.cN++] = start; }
            else { this.nPc[this.nN] = pc; this.nSt[this.nN++] = start; }
          } else if (o === OP_MATCH) this.recordMatch(start, at);
          else if (this.assertion(x[pc]!, text, at)) stack[sp++] = pc + 1;
        }
        continue;
      }
      const pc = top;
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      switch (op[pc]) {
        case OP_JMP: stack[sp++] = x[pc]!; break;
        case OP_SPLIT: stack[sp++] = y[pc]!; stack[sp++] = x[pc]!; break;
        case OP_ASSERT: if (this.assertion(x[pc]!, text, at)) stack[sp++] = pc + 1; break;
        case OP_MATCH: this.recordMatch(start, at); break;
        default:
          if (current) { this.cPc[this.cN] = pc; this.cSt[this.cN++] = start; }
          else { this.nPc[this.nN] = pc; this.nSt[this.nN++] = start; }
      }
    }
  }

  private recordMatch(start: number, at: number): void {
    if (this.bestStart < 0 || start < this.bestStart || (start === this.bestStart && at > this.bestEnd)) {
      this.bestStart = start; this.bestEnd = at;
    }
  }

  private assertion(kind: number, text: string, at: number): boolean {
    const n = text.length;
    switch (kind) {
      case 0: return at === 0 || (this.multiline && isLineTerminator(text.charCodeAt(at - 1)));
      case 1: return at === n || (this.multiline && isLineTerminator(text.charCodeAt(at)));
      default: {
        const a = at > 0 && isWordUnit(text.charCodeAt(at - 1));
        const b = at < n && isWordUnit(text.charCodeAt(at));
        return kind === 2 ? a !== b : a === b;
      }
    }
  }
}

/** Above this many tabulated entries the VM walks SPLIT/JMP at run time instead. */
const MAX_CLOSURE_ENTRIES = 1 << 18;

/**
 * For each instruction, the non-epsilon instructions (CHAR, ASSERT, MATCH) reachable through
 * SPLIT/JMP only. Assertions stay dynamic: they depend on the text around the position.
 */
function precomputeClosures(prog: Program): Int32Array[] | null {
  const { op, x, y, length } = prog;
  const out: Int32Array[] = new Array(length);
  const seen = new Int32Array(length).fill(-1);
  const stack: number[] = [];
  let total = 0;
  for (let s = 0; s < length; s++) {
    const list: number[] = [];
    stack.length = 0;
    stack.push(s);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (seen[pc] === s) continue;
      seen[pc] = s;
      if (op[pc] === OP_JMP) stack.push(x[pc]!);
      else if (op[pc] === OP_SPLIT) stack.push(y[pc]!, x[pc]!);
      else list.push(pc);
    }
    total += list.length;
    if (total > MAX_CLOSURE_ENTRIES) return null;
    out[s] = Int32Array.from(list);
  }
  return out;
}

/** The matchers that can consume the first character of a match, if every match needs one. */
function firstMatchers(prog: Program, closures: Int32Array[] | null, matchers: readonly CharMatcher[]): CharMatcher[] | null {
  if (closures === null) return null;
  const idx: number[] = [];
  for (const pc of closures[0]!) {
    if (prog.op[pc] !== OP_CHAR) return null; // an assertion or an empty match at the start
    idx.push(prog.x[pc]!);
  }
  return idx.length > 0 ? [...new Set(idx)].map((k) => matchers[k]!) : null;
}
