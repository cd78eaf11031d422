/**
 * @module inspect/cue-scan
 * One pass over a text that finds what the detectors need to know before they run, so that no
 * detector reads the whole text just to learn it has nothing to do:
 *
 * - **keywords**: which detectors' keyword prefilters hit (sixteen detectors list keywords; one
 *   native regex test each cost as much as sixteen passes over every text);
 * - **number clusters**: the stretches where number detectors can match (`text-scan.ts`), which
 *   took a regex pass plus a recount;
 * - **letter-digit joints**: digit runs right after an ASCII letter (where IBANs and passport
 *   numbers can start);
 * - **disguise hints** for `disguise-guard.ts`: a number wrapped over a line break, and any code
 *   unit outside ASCII and Hangul syllables.
 *
 * How: one automaton does it all, compiled to a dense table (one row per state, one column per
 * character class) so that each code unit costs one table step and one sign test. Its states pair
 * an Aho–Corasick state over all keywords of all detectors with the number cues' own small state
 * (how many digits and separators the current chain holds, whether a cluster is open, whether a
 * line feed follows a digit, whether an "outside" unit was seen). Whatever the cues must record (a
 * keyword's end, a cluster opening or closing, a digit right after a letter, a wrapped number, the
 * first "outside" unit) is an event of a transition, stored negated in the table so the loop leaves
 * its fast path only then. Digits and separators reset or barely move the keyword part, so the
 * pairs reachable from the start are few (714 for the built-in keywords, against 290 keyword
 * states). Reading every unit with `charCodeAt` is most of what the scan costs.
 *
 * Where keywords end, for the first `record` lists (detectors that search for their own keywords
 * again, `Detector.keywordPositions`): the pass stops at every keyword end anyway to note the hit,
 * so noting the position there too costs one push, and those detectors need not read the text.
 *
 * Keyword matching is the one the per-detector regexes had (`/…/i` without the `u` flag): keywords
 * are lower-cased, ASCII letters fold to lower case, and a non-ASCII keyword character also matches
 * the characters with the same canonical (single-unit upper-case) form (`é` and `É`); nothing
 * non-ASCII folds onto ASCII.
 */

export interface Cues {
  /** One entry per keyword list: 1 if one of its keywords occurs in the text, else 0. */
  readonly hits: Uint8Array;
  /** Whether the text holds a code unit outside ASCII and Hangul syllables. */
  readonly outside: boolean;
  /** Whether `\d[ \t\r]*\n[ \t\r]*\d` occurs (a number wrapped over a line break). */
  readonly wrapped: boolean;
  /** Number clusters as flat quadruples `start, end, digits, dots`, in text order (see `text-scan.ts`). */
  readonly clusters: readonly number[];
  /** Positions of digits preceded by an ASCII letter (`GB|82`, `M|12345678`), in text order. */
  readonly letterDigits: readonly number[];
  /**
   * For a recorded list (one of the first `record` given to `compileCueScanner`): the ascending
   * positions just past each occurrence of one of its keywords (an occurrence ending where another
   * of the list's keywords ends counts once). `undefined` for any other list, or when the text
   * held more than `cap` ends of recorded keywords (the detector then searches itself).
   */
  keywordEnds(list: number): readonly number[] | undefined;
}

export interface CueScannerOptions {
  /** How many of the first lists record where their keywords end (`Cues.keywordEnds`); default 0. */
  readonly record?: number;
  /**
   * Most keyword ends recorded per text (all recorded lists together), bounding the memory a text
   * dense with such keywords takes: default 65536 (512 KB); past it nothing is recorded.
   */
  readonly cap?: number;
}

/** The scanner's tables `Cues.keywordEnds` reads the recorded rows with. */
interface RecordTables {
  readonly record: number;
  /** Most `marks` entries: two per recorded end. */
  readonly limit: number;
  readonly recordAt: Int32Array;
  readonly outFlat: Int32Array;
}

const NO_POSITIONS: readonly number[] = Object.freeze([]);

/**
 * One text's cues. The scan notes a recorded keyword end as the pair (state row, end) and no more:
 * sorting the row's lists out per position in the loop made it too large for V8 to inline into
 * the engine's `collect`, which slowed every text; the few detectors asking sort them out here.
 */
class TextCues implements Cues {
  constructor(
    readonly hits: Uint8Array,
    readonly outside: boolean,
    readonly wrapped: boolean,
    readonly clusters: readonly number[],
    readonly letterDigits: readonly number[],
    /** Pairs (row of the state reached, position past the keyword), in text order. */
    private readonly marks: readonly number[],
    private readonly tables: RecordTables,
  ) {}

  keywordEnds(list: number): readonly number[] | undefined {
    const { record, limit, recordAt, outFlat } = this.tables;
    const marks = this.marks;
    if (!(list >= 0 && list < record) || marks.length > limit) return undefined;
    if (this.hits[list] === 0) return NO_POSITIONS;
    const out: number[] = [];
    for (let q = 0; q < marks.length; q += 2) {
      for (let j = recordAt[marks[q]!]!, end = j + 1 + outFlat[j]!; ++j < end;) {
        if (outFlat[j] === list) { out.push(marks[q + 1]!); break; }
      }
    }
    return out;
  }
}

export interface CueScanner {
  scan(text: string): Cues;
}

/** What a code unit means to the number cues (a character class's flags). */
const DIGIT = 1, SEP = 2, DOT = 4, PAD = 8, LF = 16, OUTSIDE = 32, LETTER = 64;

/** Events of a transition: what the scan records besides stepping. */
const KEYWORD = 1, LETTER_DIGIT = 2, OPEN = 4, CLOSE = 8, WRAPPED = 16, OUT = 32, RECORD = 64;

/** Number separators of `text-scan.ts`: `( ) + - . space en-dash`. */
const SEPARATORS = [40, 41, 43, 45, 46, 32, 0x2013];

const isAsciiOrHangul = (c: number): boolean => c < 0x80 || (c >= 0xac00 && c <= 0xd7a3);

/**
 * The unit a case-insensitive non-Unicode regex compares (ECMAScript `Canonicalize`): the
 * single-unit upper case, except that nothing non-ASCII maps onto ASCII.
 */
function canonical(c: number): number {
  const u = String.fromCharCode(c).toUpperCase();
  if (u.length !== 1) return c;
  const v = u.charCodeAt(0);
  return c >= 0x80 && v < 0x80 ? c : v;
}

function flagsOf(c: number): number {
  let f = 0;
  if (c >= 48 && c <= 57) f |= DIGIT;
  if (SEPARATORS.includes(c)) f |= SEP;
  if (c === 46) f |= DOT;
  if (c === 32 || c === 9 || c === 13) f |= PAD;
  if (c === 10) f |= LF;
  if (!isAsciiOrHangul(c)) f |= OUTSIDE;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) f |= LETTER;
  return f;
}

/**
 * The number cues' state between two units, as the regex `(?:\d[sep]{0,4}){3}\d` scanning left
 * to right sees it: `mode` 0 = no chain of digits; `1 + (c - 1) * 5 + g` = a chain of `c` (1–3)
 * digits, then `g` (0–4) separators; `CLUSTER` = inside a cluster (a chain reached four digits,
 * and the stretch of digits and separators goes on). `wrap`: 0; 1 after a digit (and padding); 2
 * after a digit, padding and a line feed (and padding). `seen`: an "outside" unit occurred.
 */
const CLUSTER = 16, MODES = 17;
const numberState = (mode: number, wrap: number, seen: number): number => (mode * 3 + wrap) * 2 + seen;

/** One unit of class flags `f` read in number state `num`: the next number state and its events. */
function numberStep(num: number, f: number, afterLetter: boolean): { num: number; ev: number } {
  const seen = num & 1, wrap = (num >> 1) % 3, mode = Math.floor(num / 6);
  let ev = 0;
  if (f & DIGIT) {
    if (afterLetter) ev |= LETTER_DIGIT;
    if (wrap === 2) ev |= WRAPPED;
    if (mode === CLUSTER) return { num: numberState(CLUSTER, 1, seen), ev };
    // A digit extends the chain if at most four separators came since its last digit.
    const c = mode === 0 ? 1 : Math.floor((mode - 1) / 5) + 2;
    if (c === 4) return { num: numberState(CLUSTER, 1, seen), ev: ev | OPEN };
    return { num: numberState(1 + (c - 1) * 5, 1, seen), ev };
  }
  let next = 0;
  if (f & SEP) {
    if (mode === CLUSTER) next = CLUSTER;
    else if (mode !== 0 && (mode - 1) % 5 < 4) next = mode + 1;
  } else if (mode === CLUSTER) ev |= CLOSE;
  const w = f & LF ? (wrap === 1 ? 2 : 0) : f & PAD ? wrap : 0;
  if (f & OUTSIDE && !seen) ev |= OUT;
  return { num: numberState(next, w, seen | (f & OUTSIDE ? 1 : 0)), ev };
}

/**
 * The scanner for `lists` (one keyword list per detector; `undefined` or empty = not gated, never
 * reported as hit); the first `options.record` of them also report where their keywords end.
 * @example
 *   const s = compileCueScanner([['sk-'], undefined, ['pass', '비밀번호']]);
 *   s.scan('My PASSWORD 4111 1111').hits;  // Uint8Array [0, 0, 1]
 *   compileCueScanner([['동', '로']], { record: 1 }).scan('역삼동 테헤란로').keywordEnds(0);  // [3, 8]
 */
export function compileCueScanner(
  lists: readonly (readonly string[] | undefined)[],
  options: CueScannerOptions = {},
): CueScanner {
  const record = Math.min(options.record ?? 0, lists.length);
  const cap = options.cap ?? 65536;
  const keywords: { word: string; list: number }[] = [];
  lists.forEach((l, list) => {
    for (const k of l ?? []) if (k.length > 0) keywords.push({ word: k.toLowerCase(), list });
  });

  // Character classes: one per distinct (folded) keyword unit; every other unit shares a class
  // with the units of the same flags (0: units that matter to nothing here).
  const cls = new Uint16Array(65536);
  let classes = 1;
  const classOf = new Map<number, number>();
  const foldsWith = new Map<number, number>();
  for (const { word } of keywords) {
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (classOf.has(c)) continue;
      const k = classes++;
      classOf.set(c, k);
      cls[c] = k;
      if (c >= 97 && c <= 122) cls[c - 32] = k;
      else if (c >= 0x80 && (canonical(c) !== c || String.fromCharCode(c).toLowerCase() !== String.fromCharCode(c))) {
        foldsWith.set(canonical(c), k);
      }
    }
  }
  // Non-ASCII keyword letters with case: every unit with the same canonical form shares the class.
  if (foldsWith.size > 0) {
    for (let c = 0x80; c < 65536; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const k = foldsWith.get(canonical(c));
      if (k !== undefined && cls[c] === 0) cls[c] = k;
    }
  }
  // A keyword class carries its units' flags. Its units always share them: an ASCII letter and its
  // capital, one other unit, or non-ASCII units of one canonical form (all "outside").
  const classFlags: number[] = new Array<number>(classes).fill(0);
  const byFlags = new Map<number, number>([[0, 0]]);
  for (let c = 0; c < 65536; c++) {
    const f = flagsOf(c);
    const k = cls[c]!;
    if (k !== 0) { classFlags[k] = f; continue; }
    let shared = byFlags.get(f);
    if (shared === undefined) {
      shared = classes++;
      byFlags.set(f, shared);
      classFlags.push(f);
    }
    cls[c] = shared;
  }

  // The keyword automaton over classes: trie, then breadth-first failure links.
  const goto: Map<number, number>[] = [new Map()];
  const out: number[][] = [[]];
  /** The class every transition into a state reads (-1 for the root, entered by any). */
  const entry: number[] = [-1];
  for (const { word, list } of keywords) {
    let s = 0;
    for (let i = 0; i < word.length; i++) {
      const k = classOf.get(word.charCodeAt(i))!;
      let n = goto[s]!.get(k);
      if (n === undefined) {
        n = goto.length;
        goto.push(new Map());
        out.push([]);
        entry.push(k);
        goto[s]!.set(k, n);
      }
      s = n;
    }
    if (!out[s]!.includes(list)) out[s]!.push(list);
  }
  const kwStates = goto.length;
  const kwNext = new Int32Array(kwStates * classes);
  const fail = new Int32Array(kwStates);
  const queue: number[] = [];
  for (let k = 0; k < classes; k++) {
    const n = goto[0]!.get(k) ?? 0;
    kwNext[k] = n;
    if (n !== 0) queue.push(n);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    const f = fail[s]!;
    for (const l of out[f]!) if (!out[s]!.includes(l)) out[s]!.push(l);
    for (let k = 0; k < classes; k++) {
      const n = goto[s]!.get(k);
      if (n === undefined) kwNext[s * classes + k] = kwNext[f * classes + k]!;
      else {
        fail[n] = kwNext[f * classes + k]!;
        kwNext[s * classes + k] = n;
        queue.push(n);
      }
    }
  }

  // The scan's automaton: pairs of a keyword state and a number state, only those reachable from
  // the start, numbered as found (the start is 0). Whether the unit before was an ASCII letter
  // (for the letter-digit joints) follows from the keyword state, since every other state is
  // entered by one class; only the root is split in two: `afterLetter` is the root entered by a
  // letter.
  const afterLetter = kwStates;
  const pairKw: number[] = [0];
  const pairNum: number[] = [0];
  const pairOf = new Map<number, number>([[0, 0]]);
  const NUMBER_STATES = MODES * 6;
  const next: number[] = [];
  const events: number[] = [];
  for (let s = 0; s < pairKw.length; s++) {
    const kw = pairKw[s]!, num = pairNum[s]!;
    const letterBefore = num >> 1 === 0 && (kw === afterLetter || (kw !== 0 && (classFlags[entry[kw]!]! & LETTER) !== 0));
    for (let k = 0; k < classes; k++) {
      let t = kwNext[(kw === afterLetter ? 0 : kw) * classes + k]!;
      if (t === 0 && (classFlags[k]! & LETTER) !== 0) t = afterLetter;
      const step = numberStep(num, classFlags[k]!, letterBefore);
      const key = t * NUMBER_STATES + step.num;
      let to = pairOf.get(key);
      if (to === undefined) {
        to = pairKw.length;
        pairOf.set(key, to);
        pairKw.push(t);
        pairNum.push(step.num);
      }
      next.push(to);
      const kwEvents = t === afterLetter || out[t]!.length === 0 ? 0 : out[t]!.some((l) => l < record) ? KEYWORD | RECORD : KEYWORD;
      events.push(step.ev | kwEvents);
    }
  }
  const states = pairKw.length;
  /** Transitions as the row (state × classes) they lead to, stored negated when they raise events. */
  const delta = new Int32Array(states * classes);
  for (let i = 0; i < delta.length; i++) {
    const row = next[i]! * classes;
    delta[i] = events[i] !== 0 ? ~row : row;
  }
  const ev = Uint8Array.from(events);
  const limit = 2 * cap;
  // Per row: where its keyword lists start in `outFlat` (a count, then the lists), where those of
  // them that record their ends do (0: none), and whether the state is inside a cluster (which
  // the end of the text closes).
  const outAt = new Int32Array(states * classes);
  const recordAt = new Int32Array(states * classes);
  const inCluster = new Uint8Array(states * classes);
  const flat: number[] = [0];
  for (let s = 0; s < states; s++) {
    if (Math.floor(pairNum[s]! / 6) === CLUSTER) inCluster[s * classes] = 1;
    const kw = pairKw[s]!;
    if (kw === afterLetter || out[kw]!.length === 0) continue;
    outAt[s * classes] = flat.length;
    flat.push(out[kw]!.length, ...out[kw]!);
    const recorded = out[kw]!.filter((l) => l < record).sort((a, b) => a - b);
    if (recorded.length === 0) continue;
    recordAt[s * classes] = flat.length;
    flat.push(recorded.length, ...recorded);
  }
  const outFlat = Int32Array.from(flat);
  const tables: RecordTables = { record, limit, recordAt, outFlat };

  return {
    scan(text: string): Cues {
      const hits = new Uint8Array(lists.length);
      const clusters: number[] = [];
      const letterDigits: number[] = [];
      const marks: number[] = [];
      let outside = false;
      let wrapped = false;
      let clusterStart = 0;
      let row = 0;
      const n = text.length;
      // This function's bytecode (453 bytes) sits just under V8's inlining limit (460): the
      // engine's `collect` inlines it, and a version over the limit ran measurably slower. Keep
      // the loop small; rarely needed work belongs after the scan (see `TextCues`).
      // Each call below has a single call site that ordinary texts reach early: V8 deoptimizes a
      // scan on a call it never saw run (a separate close after the loop did so again and again
      // in the benchmark). So the end of the text, which closes a cluster running to it, goes
      // through the same close as any other unit.
      for (let i = 0; ; i++) {
        let e: number;
        if (i < n) {
          const k = cls[text.charCodeAt(i)]!;
          const r = delta[row + k]!;
          if (r >= 0) { row = r; continue; }
          e = ev[row + k]!;
          row = ~r;
        } else if (inCluster[row] === 1) e = CLOSE;
        else break;
        if (e & LETTER_DIGIT) {
          letterDigits.push(i);
          // The most frequent event (hex ids in logs), on its own.
          if (e === LETTER_DIGIT) continue;
        }
        if (e & KEYWORD) {
          for (let j = outAt[row]!, end = j + 1 + outFlat[j]!; ++j < end;) hits[outFlat[j]!] = 1;
          // One pair past the limit tells `keywordEnds` that the text held too many.
          if (e & RECORD && marks.length <= limit) marks.push(row, i + 1);
        }
        if (e & OPEN) clusterStart = startOfCluster(text, i);
        else if (e & CLOSE) {
          pushCluster(text, clusterStart, i, clusters);
          if (i === n) break;
        }
        if (e & WRAPPED) wrapped = true;
        if (e & OUT) outside = true;
      }
      return new TextCues(hits, outside, wrapped, clusters, letterDigits, marks, tables);
    },
  };
}

/**
 * Where the cluster whose fourth digit is at `i` starts: its chain's first digit, three digits
 * back (only separators lie between them), or the `+` (country code) or `(` (area code) just
 * before it.
 */
function startOfCluster(text: string, i: number): number {
  let j = i;
  for (let digits = 1; digits < 4;) {
    const c = text.charCodeAt(--j);
    if (c >= 48 && c <= 57) digits++;
  }
  const before = j > 0 ? text.charCodeAt(j - 1) : 0;
  return before === 43 || before === 40 ? j - 1 : j;
}

/** Appends the cluster `[start, end)` with its digits and dots, counted now it is complete. */
function pushCluster(text: string, start: number, end: number, clusters: number[]): void {
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46) dots++;
  }
  clusters.push(start, end, digits, dots);
}
