/**
 * @module inspect/text-scan
 * Work shared by every detector that runs on one text, done once per `inspect` call instead of
 * once per detector: the lower-cased copy (context words), the number clusters (where any of
 * the dozen number detectors could start a match), where the keywords of detectors that search
 * for them again end (`keywordEnds`, recorded by the cue pass) and a memo for results several
 * detectors share (the thirteen-digit reading behind RRN, FRN and CRN).
 *
 * Why number clusters: cards, phones, national IDs, SSNs and IPv4 addresses each used to run their
 * own regex over the whole text; on prose, code and logs those scans found nothing but still cost
 * a full pass each. Every such match is made of digits and the separators `( ) + . - – space`,
 * holds at least four digits, and never has more than a few separator characters between two
 * digits. One regex pass finds those stretches (`CLUSTER`; the engine's cue pass hands them over
 * instead); each detector then tries its own regex, anchored (sticky), only at the token starts
 * inside clusters holding enough digits for it (`scanNumbers`), or reads its candidate there by
 * hand (`scanNumberStarts`, for the detectors tried at most starts). All of it is computed
 * lazily: a text no number detector looks at pays nothing. Detectors register their needs
 * (`clusterNeed`), and one walk per text lists, for every registered need, the starts it accepts,
 * so a dozen detectors do not each walk every start.
 *
 * Equivalence with a full scan: a detector that rejects any match glued to a preceding letter,
 * digit or `_` (all number detectors do) can only accept a match at a token start, so trying
 * only token starts, in order and past each accepted match, yields the same findings.
 */
import type { DetectContext } from './types.ts';
import type { Cues } from './cue-scan.ts';

/**
 * Four digits, each followed by at most four separator characters: the smallest piece of any
 * number a detector reports (`1.2.3.4`, `+82 (0)10`, `(555) 123`). Bounded quantifiers only, so
 * each start position costs constant work.
 */
const CLUSTER = /(?:\d[().+\-\u2013 ]{0,4}){3}\d/g;

/** A maximal stretch of digits and number separators holding at least four digits. */
export interface NumberCluster {
  readonly start: number;
  readonly end: number;
  readonly digits: number;
  readonly dots: number;
  /** Positions where a match may begin: a digit, `+` or `(` not glued to a preceding word character. */
  readonly starts: readonly number[];
  /**
   * Per start: digits from it to the cluster's end. A match is made of cluster characters only,
   * so a detector needing N digits cannot match at a start with fewer left; these only shrink
   * along the cluster, so the first start with too few ends the cluster for that detector.
   */
  readonly tailDigits: readonly number[];
  /** Per start: dots from it to the cluster's end (IPv4 needs three). */
  readonly tailDots: readonly number[];
  /**
   * Per start: the length of the digit run it begins (its first group: `3` for `555-123-4567`,
   * `10` for `0212345678`), 0 at a `+` or `(`. Each number detector's regex fixes what its first
   * group can be, so this one number rules most starts out before any regex runs.
   */
  readonly firstGroup: readonly number[];
}

function isSeparator(c: number): boolean {
  // ( ) + - . space en-dash
  return c === 40 || c === 41 || c === 43 || c === 45 || c === 46 || c === 32 || c === 0x2013;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordCode(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The per-start rows of one text's clusters, four numbers per start (position, digits left, dots
 * left, first group: see `NumberCluster`), in one array the clusters share. A cluster appends its
 * rows on first use: most clusters in logs and code (`2024-03-12`, `31.118`) hold too few digits
 * or dots for any detector to look at their starts. Four small arrays per cluster cost more than
 * the scan that found the clusters; appending to one array per text costs a fraction of it.
 */
const ROW = 4;

class Cluster implements NumberCluster {
  /** Index of this cluster's first row in `rows`, -1 until built; and its number of rows. */
  at = -1;
  count = 0;

  constructor(
    private readonly text: string,
    /** Shared by the clusters of one text. */
    private readonly rows: number[],
    readonly start: number,
    readonly end: number,
    readonly digits: number,
    readonly dots: number,
  ) {}

  /** The shared rows, this cluster's built (from `at`, `count` rows of `ROW`). */
  table(): readonly number[] {
    if (this.at < 0) this.build();
    return this.rows;
  }

  get starts(): readonly number[] { return this.column(0); }
  get tailDigits(): readonly number[] { return this.column(1); }
  get tailDots(): readonly number[] { return this.column(2); }
  get firstGroup(): readonly number[] { return this.column(3); }

  private column(k: number): number[] {
    const t = this.table();
    const out: number[] = [];
    for (let q = this.at + k, end = this.at + this.count * ROW; q < end; q += ROW) out.push(t[q]!);
    return out;
  }

  private build(): void {
    const { text, start, end, rows } = this;
    const at = rows.length;
    const buf = rowBuffer(end - start);
    const n = readRows(text, start, end, buf);
    for (let q = 0; q < n; q += ROW) rows.push(buf[q]!, readDigits - buf[q + 1]!, readDots - buf[q + 2]!, buf[q + 3]!);
    this.at = at;
    this.count = (rows.length - at) / ROW;
  }
}

function fromCues(text: string, flat: readonly number[]): Cluster[] {
  const out: Cluster[] = [];
  const rows: number[] = [];
  for (let i = 0; i < flat.length; i += 4) out.push(new Cluster(text, rows, flat[i]!, flat[i + 1]!, flat[i + 2]!, flat[i + 3]!));
  return out;
}

/** The clusters by regex, for a text without cues (the cue scan finds the same ones in its pass). */
export function findClusters(text: string): NumberCluster[] {
  return regexClusters(text);
}

function regexClusters(text: string): Cluster[] {
  const out: Cluster[] = [];
  const rows: number[] = [];
  const re = new RegExp(CLUSTER);
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    let start = m.index;
    const before = start > 0 ? text.charCodeAt(start - 1) : 0;
    // A match may open with `+` (country code) or `(` (area code) just before the first digit.
    if (before === 43 || before === 40) start--;
    let end = m.index + m[0].length;
    let digits = 0;
    let dots = 0;
    for (let i = m.index; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isDigitCode(c)) digits++;
      else if (c === 46) dots++;
    }
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (isDigitCode(c)) digits++;
      else if (c === 46) dots++;
      else if (!isSeparator(c)) break;
      end++;
    }
    out.push(new Cluster(text, rows, start, end, digits, dots));
    re.lastIndex = end;
  }
  return out;
}

/** Digits right after an ASCII letter, for a text the engine's cue scan did not read. */
const LETTER_DIGIT = /(?<=[A-Za-z])\d/g;

/**
 * Per-text shared analysis; every getter computes on first use and caches. The engine passes the
 * cues its one pass over the text found (`cue-scan.ts`), so the clusters cost nothing more; built
 * without them (a detector called on its own), the same answers come from regex scans.
 */
export class TextScan {
  private lowerText: string | undefined;
  private clusters: Cluster[] | undefined;
  private bounds: readonly number[] | undefined;
  private joints: readonly number[] | undefined;
  private starts: { lists: number[][]; count: number } | undefined;
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly text: string,
    private readonly cues?: Cues,
    /** Detector hint lists (by identity) to their index in `cues.hits`. */
    private readonly hintLists?: ReadonlyMap<readonly string[], number>,
    /** Keyword lists (by identity) whose ends the cue pass recorded, to their index in `cues.hits`. */
    private readonly recordLists?: ReadonlyMap<readonly string[], number>,
  ) {}

  /**
   * Ascending positions just past each occurrence of one of `keywords` (a detector's `keywords`
   * array, with `keywordPositions` set), case folded as the cue pass folds it (ASCII letters;
   * callers confirm case where it matters); undefined when the pass did not record them (no cues,
   * a list it does not know, or more than its cap), and the detector must search itself.
   */
  keywordEnds(keywords: readonly string[]): readonly number[] | undefined {
    const i = this.recordLists?.get(keywords);
    if (i === undefined || this.cues === undefined) return undefined;
    return this.cues.keywordEnds(i);
  }

  /**
   * Whether one of `hints` (a detector's `hints` array, lower-case) occurs in the text, ignoring
   * ASCII case, as the cue pass found; undefined when the pass did not look for them.
   */
  hinted(hints: readonly string[]): boolean | undefined {
    const i = this.hintLists?.get(hints);
    if (i === undefined || this.cues === undefined) return undefined;
    return this.cues.hits[i] === 1;
  }

  /** `text.toLowerCase()`, computed once. Used for context words, never for offsets. */
  get lower(): string {
    this.lowerText ??= this.text.toLowerCase();
    return this.lowerText;
  }

  /** Number clusters in text order. */
  numberClusters(): readonly NumberCluster[] {
    return this.clusterList();
  }

  /** The clusters with their per-start rows (for `scanNumbers`). */
  clusterList(): readonly Cluster[] {
    this.clusters ??= this.cues ? fromCues(this.text, this.cues.clusters) : regexClusters(this.text);
    return this.clusters;
  }

  /**
   * The clusters as flat quadruples `start, end, digits, dots`, in text order: what the cue pass
   * hands over, read without making an object per cluster (most are never looked into).
   */
  clusterBounds(): readonly number[] {
    if (this.bounds === undefined) {
      if (this.cues) this.bounds = this.cues.clusters;
      else {
        const flat: number[] = [];
        for (const c of this.clusterList()) flat.push(c.start, c.end, c.digits, c.dots);
        this.bounds = flat;
      }
    }
    return this.bounds;
  }

  /**
   * The starts where `need`'s checks pass (see `clusterNeed`), from one walk shared by all
   * registered needs; undefined for a need that is not shared (or was registered after the walk).
   */
  startsFor(need: ClusterNeed): readonly number[] | undefined {
    const i = sharedIndex.get(need);
    if (i === undefined) return undefined;
    this.starts ??= sharedStarts(this.clusterBounds(), this.text);
    return i < this.starts.count ? this.starts.lists[i] : undefined;
  }

  /** Positions of digits right after an ASCII letter (`GB|82…`, `M|123…`), in text order. */
  letterDigits(): readonly number[] {
    if (this.joints === undefined) {
      if (this.cues) this.joints = this.cues.letterDigits;
      else {
        const out: number[] = [];
        for (const m of this.text.matchAll(LETTER_DIGIT)) out.push(m.index);
        this.joints = out;
      }
    }
    return this.joints;
  }

  /** A value computed once per text under `key` (callers pick keys unique to their module). */
  cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const v = compute();
    this.memo.set(key, v);
    return v;
  }
}

/** The shared scan for `text` from the context, or a fresh one (detectors called on their own). */
export function scanOf(text: string, ctx: DetectContext | undefined): TextScan {
  const s = ctx?.scan;
  return s !== undefined && s.text === text ? s : new TextScan(text);
}

/** What a detector needs in a cluster before trying its regex there. */
export interface ClusterNeed {
  /** Fewest digits any match it accepts can hold. */
  readonly digits: number;
  /** Fewest dots (IPv4 needs three). */
  readonly dots?: number;
  /** Characters a match can begin with, when the regex allows only a few (`0+(` for KR phones). */
  readonly first?: string;
  /**
   * Whether a match the detector can accept may begin with a digit run of this length (asked
   * only at digit starts). Skipping a start is safe when every regex match there is one the
   * detector rejects while continuing at the next position (`return start + 1`).
   */
  readonly firstGroup?: (length: number) => boolean;
  /**
   * Starts the shared walk may leave out: those of a cluster glued on the right to an ASCII letter
   * or `_` (other than `except`) that is a plain chain, digit runs joined by single separators
   * from `separators`, with at most `maxRuns` runs and every run after the first at least
   * `minRun` digits long. Declare it only when, from any start there, the detector's candidate
   * either fails or ends glued to a digit or to the letter after the cluster, and is rejected
   * (`return start + 1`).
   */
  readonly gluedChain?: { readonly separators: string; readonly maxRuns: number; readonly minRun: number; readonly except: string };
}

/**
 * Needs shared by one walk per text. Each number detector used to walk every start of every
 * cluster and ask its own questions there (digits and dots left, first character, first-group
 * length through a closure); a dozen detectors asked them a dozen times. A registered need is
 * answered for all detectors at once: its answer depends only on four small numbers per start
 * (first-group length, digits left, dots left, first character), so a table built once per
 * registry maps those to a bit per need, and one walk per text hands each need the list of its
 * starts. A need the table cannot express exactly is not shared (it keeps the per-detector walk).
 */
const FG_CAP = 16; // first-group lengths from 16 up answer alike (checked at registration)
const DIGITS_CAP = 16;
const DOTS_CAP = 3;
/** First characters a need can tell apart: `0`, `1`, `2`, another digit, `+`, `(`. */
const FIRST_KINDS = ['0', '1', '2', '3', '+', '('] as const;
const MAX_SHARED = 31;

const shared: ClusterNeed[] = [];
const sharedIndex = new Map<ClusterNeed, number>();
let maskTable: Uint32Array | undefined;
/** Per dots count (capped), the fewest digits any shared need with at most that many dots needs. */
let minDigitsByDots: number[] = [];

const kindOf = (c: number): number => (c === 48 ? 0 : c === 49 ? 1 : c === 50 ? 2 : c === 43 ? 4 : c === 40 ? 5 : 3);
const keyOf = (firstGroup: number, digits: number, dots: number, kind: number): number =>
  ((Math.min(firstGroup, FG_CAP) * (DIGITS_CAP + 1) + Math.min(digits, DIGITS_CAP)) * (DOTS_CAP + 1) + Math.min(dots, DOTS_CAP)) *
    FIRST_KINDS.length + kind;

/** What `scanNumbers`' own checks answer for `need` at a start with these numbers. */
function accepts(need: ClusterNeed, firstGroup: number, digits: number, dots: number, ch: string): boolean {
  if (digits < need.digits || dots < (need.dots ?? 0)) return false;
  if (need.first !== undefined && !need.first.includes(ch)) return false;
  return need.firstGroup === undefined || firstGroup === 0 || need.firstGroup(firstGroup);
}

/** Whether the capped table answers `need` exactly as its own checks would. */
function shareable(need: ClusterNeed): boolean {
  if (need.digits > DIGITS_CAP || (need.dots ?? 0) > DOTS_CAP) return false;
  // `3` stands for every digit from 3 to 9, so `first` must hold all of them or none.
  if (need.first !== undefined) {
    const others = [...'3456789'].filter((d) => need.first!.includes(d)).length;
    if (others !== 0 && others !== 7) return false;
  }
  const g = need.firstGroup;
  if (g !== undefined) {
    // A sample, not a proof: `clusterNeed` documents that the answer may not change past 16.
    for (let n = FG_CAP + 1; n <= 256; n++) if (g(n) !== g(FG_CAP)) return false;
    for (let n = 512; n <= 1 << 20; n *= 2) if (g(n) !== g(FG_CAP)) return false;
  }
  return true;
}

function buildMaskTable(): void {
  const t = new Uint32Array((FG_CAP + 1) * (DIGITS_CAP + 1) * (DOTS_CAP + 1) * FIRST_KINDS.length);
  for (let fg = 0; fg <= FG_CAP; fg++) {
    for (let d = 0; d <= DIGITS_CAP; d++) {
      for (let o = 0; o <= DOTS_CAP; o++) {
        for (let k = 0; k < FIRST_KINDS.length; k++) {
          // A `+` or `(` start begins no digit run: its first group is 0.
          if (k >= 4 && fg !== 0) continue;
          let mask = 0;
          shared.forEach((need, i) => { if (accepts(need, fg, d, o, FIRST_KINDS[k]!)) mask |= 1 << i; });
          t[keyOf(fg, d, o, k)] = mask >>> 0;
        }
      }
    }
  }
  maskTable = t;
  minDigitsByDots = [];
  for (let o = 0; o <= DOTS_CAP; o++) {
    let min = Infinity;
    for (const need of shared) if ((need.dots ?? 0) <= o) min = Math.min(min, need.digits);
    minDigitsByDots.push(min);
  }
}

/**
 * Registers `need` for the shared walk (call once, at module level, for a constant need) and
 * returns it. Its `firstGroup` must answer every length from 16 up alike (the table caps lengths
 * at 16; a sample of lengths is checked). Needs the table cannot express, or past the 31st, are
 * returned unregistered.
 */
export function clusterNeed(need: ClusterNeed): ClusterNeed {
  if (sharedIndex.has(need) || shared.length >= MAX_SHARED || !shareable(need)) return need;
  sharedIndex.set(need, shared.length);
  if (need.gluedChain !== undefined) {
    gluedChainBits |= 1 << shared.length;
    let bits = 0;
    for (let k = 0; k < need.gluedChain.separators.length; k++) bits |= separatorBit(need.gluedChain.separators.charCodeAt(k));
    chainSeparatorBits[shared.length] = bits;
  }
  shared.push(need);
  maskTable = undefined;
  return need;
}

/**
 * One walk over the clusters (flat `start, end, digits, dots` quadruples) for every shared need:
 * per need, the starts its checks accept, in text order. One pass per cluster, reading each digit
 * run once: a start's first group is the run it opens, and the digits and dots left from it are
 * the cluster's totals minus what the pass has passed. A cluster stops being read as soon as too
 * few digits are left for any need (most clusters in logs and code, e.g. `88213 200 37`, offer one
 * usable start at most), unless a need with `gluedChain` has a start in it: then the pass reads
 * on to tell whether the cluster is such a chain (`2024-03-12T…`, `…/88213 200 37ms`), whose
 * starts that need never has to try. No cluster object or row table is made.
 */
function sharedStarts(flat: readonly number[], text: string): { lists: number[][]; count: number } {
  if (maskTable === undefined) buildMaskTable();
  const table = maskTable!;
  const minByDots = minDigitsByDots;
  const count = shared.length;
  const chainBits = gluedChainBits;
  const lists: number[][] = [];
  for (let k = 0; k < count; k++) lists.push([]);
  for (let i = 0; i < flat.length; i += 4) {
    // Digits and dots from position `p` to the cluster's end.
    let digits = flat[i + 2]!;
    let dots = flat[i + 3]!;
    if (digits < minByDots[dots < DOTS_CAP ? dots : DOTS_CAP]!) continue;
    const start = flat[i]!;
    const end = flat[i + 1]!;
    // The cluster's starts and their masks, held until its end (a chain need may drop them).
    const held = heldBuffer(end - start);
    let n = 0;
    let chained = 0;
    // The chain's shape so far: separators seen (`separatorBit`), whether two separators touched
    // or one stands at an edge (1 << 8), the runs and the shortest run after the first.
    let seps = 0;
    let runs = 0;
    let shortest = 1 << 30;
    let p = start;
    let prev = p > 0 ? text.charCodeAt(p - 1) : 0;
    let listing = true;
    while (p < end) {
      const ch = text.charCodeAt(p);
      let mask = 0;
      const at = p;
      if (ch >= 48 && ch <= 57) {
        let q = p + 1;
        while (q < end && isDigitCode(text.charCodeAt(q))) q++;
        if (listing && !isWordCode(prev)) mask = table[keyOf(q - p, digits, dots, kindOf(ch))]!;
        if (runs > 0 && q - p < shortest) shortest = q - p;
        runs++;
        digits -= q - p;
        prev = 48;
        p = q;
      } else {
        if (listing && (ch === 43 || ch === 40) && !isWordCode(prev)) mask = table[keyOf(0, digits, dots, kindOf(ch))]!;
        else if (ch === 46) dots--;
        seps |= !isDigitCode(prev) || p === start ? 1 << 8 : separatorBit(ch);
        prev = ch;
        p++;
      }
      if (mask !== 0) {
        held[n++] = at;
        held[n++] = mask;
        chained |= mask & chainBits;
      }
      // Too few digits left for any need: no later start in this cluster can be listed.
      if (listing && digits < minByDots[dots < DOTS_CAP ? dots : DOTS_CAP]!) {
        if (chained === 0) break;
        listing = false;
      }
    }
    let drop = 0;
    if (chained !== 0 && p >= end) {
      // A trailing separator is one not followed by a digit.
      if (!isDigitCode(prev)) seps |= 1 << 8;
      drop = gluedChainDrops(chained, text, end, seps, runs, shortest);
    }
    for (let q = 0; q < n; q += 2) {
      let mask = held[q + 1]! & ~drop;
      const pos = held[q]!;
      while (mask !== 0) {
        const bit = 31 - Math.clz32(mask & -mask);
        lists[bit]!.push(pos);
        mask &= mask - 1;
      }
    }
  }
  return { lists, count };
}

/** A bit per separator unit a `gluedChain` can name (the cluster separators); bit 7 for any other. */
function separatorBit(c: number): number {
  switch (c) {
    case 32: return 1;
    case 46: return 2;
    case 45: return 4;
    case 40: return 8;
    case 41: return 16;
    case 43: return 32;
    case 0x2013: return 64;
    default: return 128;
  }
}

/** Shared needs with a `gluedChain`, as bits, and each one's separators as `separatorBit` bits. */
let gluedChainBits = 0;
const chainSeparatorBits: number[] = [];

/**
 * The bits of the `chained` needs whose `gluedChain` a cluster ending at `end` fits, given its
 * separator bits (`1 << 8`: two touching, or one at an edge), runs and shortest later run.
 */
function gluedChainDrops(chained: number, text: string, end: number, seps: number, runs: number, shortest: number): number {
  const after = end < text.length ? text.charCodeAt(end) : -1;
  if (!((after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95)) return 0;
  let drop = 0;
  let bits = chained;
  while (bits !== 0) {
    const k = 31 - Math.clz32(bits & -bits);
    bits &= bits - 1;
    const chain = shared[k]!.gluedChain!;
    if ((seps & ~chainSeparatorBits[k]!) !== 0) continue;
    if (runs > chain.maxRuns || (runs > 1 && shortest < chain.minRun)) continue;
    if (codesInclude(chain.except, after)) continue;
    drop |= 1 << k;
  }
  return drop;
}

function codesInclude(s: string, c: number): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === c) return true;
  return false;
}

/** Held (start, mask) pairs of the cluster being walked, grown as needed and kept between texts. */
let held = new Int32Array(256);

function heldBuffer(length: number): Int32Array {
  if (held.length < length * 2) held = new Int32Array(length * 4);
  return held;
}

/** Row buffer of `readRows`' callers, grown as needed and kept between texts. */
let scratch = new Int32Array(1024);

function rowBuffer(length: number): Int32Array {
  if (scratch.length < length * ROW) scratch = new Int32Array(length * ROW * 2);
  return scratch;
}

/** Digits and dots of the cluster `readRows` read last (module state: no object per cluster). */
let readDigits = 0;
let readDots = 0;

/**
 * The rows of the cluster `[start, end)` into `rows` from 0, four numbers per start: position,
 * digits and dots seen before it, and the length of the digit run it opens (0 for `+`/`(`).
 * Returns the number of slots written; the cluster's totals are left in `readDigits`/`readDots`.
 * One loop for `Cluster.build` (which turns the counts into "left from here") and the shared walk.
 */
function readRows(text: string, start: number, end: number, rows: Int32Array): number {
  let n = 0;
  let digits = 0;
  let dots = 0;
  // The digit run being read, and the row waiting for its length.
  let runStart = -1;
  let open = -1;
  let prev = start > 0 ? text.charCodeAt(start - 1) : 0;
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    const digit = isDigitCode(ch);
    if (!digit && runStart >= 0) {
      if (open >= 0) rows[open + 3] = i - runStart;
      runStart = -1;
      open = -1;
    }
    if ((digit || ch === 43 || ch === 40) && !isWordCode(prev)) {
      if (digit) open = n;
      rows[n] = i;
      rows[n + 1] = digits;
      rows[n + 2] = dots;
      rows[n + 3] = 0;
      n += ROW;
    }
    if (digit) {
      digits++;
      if (runStart < 0) runStart = i;
    } else if (ch === 46) dots++;
    prev = ch;
  }
  if (open >= 0) rows[open + 3] = end - runStart;
  readDigits = digits;
  readDots = dots;
  return n;
}

const stickyCache = new WeakMap<RegExp, RegExp>();

/** A sticky, non-global copy of `re` (same source and other flags), made once per regex. */
function stickyOf(re: RegExp): RegExp {
  let s = stickyCache.get(re);
  if (!s) {
    s = new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'y');
    stickyCache.set(re, s);
  }
  return s;
}

/**
 * Runs `re` anchored at each token start of the clusters that satisfy `need` (with enough digits
 * and dots left from that start to the cluster's end), in text order,
 * calling `visit` per match like a `lastIndex` scan: `visit` may return where to continue (after an
 * accepted span, or `m.index + 1` to retry), else scanning continues after the match. Starts
 * listed in `within` ranges only, when given (sorted, disjoint `[from, to)`). A need registered
 * with `clusterNeed` reads its starts from the text's shared walk; any other walks the clusters.
 */
export function scanNumbers(
  re: RegExp,
  text: string,
  ctx: DetectContext | undefined,
  need: ClusterNeed,
  visit: (m: RegExpExecArray) => number | void,
  within?: readonly (readonly [number, number])[],
): void {
  const sticky = stickyOf(re);
  const scan = scanOf(text, ctx);
  const listed = scan.startsFor(need);
  execAtStarts(sticky, text, listed ?? ownStarts(scan, text, need), within, visit);
}

/**
 * The same walk for a detector that reads its candidates by hand instead of with a regex: calls
 * `tryAt(p)` at each start `need` accepts, in text order, skipping starts inside the last accepted
 * match. `tryAt` returns where the scan continues (the end of an accepted match, `p + 1` after a
 * rejected one), or -1 when nothing matches at `p`, as a sticky regex failing there.
 */
export function scanNumberStarts(text: string, ctx: DetectContext | undefined, need: ClusterNeed, tryAt: (p: number) => number): void {
  const scan = scanOf(text, ctx);
  const starts = scan.startsFor(need) ?? ownStarts(scan, text, need);
  let floor = 0;
  for (let k = 0; k < starts.length; k++) {
    const p = starts[k]!;
    if (p < floor) continue;
    const next = tryAt(p);
    if (next > p) floor = next;
  }
}

/** `re` (any flags) tried anchored at `at`: for the starts a hand-written reader leaves to the regex. */
export function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  const sticky = stickyOf(re);
  sticky.lastIndex = at;
  const m = sticky.exec(text);
  sticky.lastIndex = 0;
  return m;
}

/** The starts of `scan`'s clusters that `need` accepts, in text order (the unshared walk). */
function ownStarts(scan: TextScan, text: string, need: ClusterNeed): number[] {
  const out: number[] = [];
  const minDigits = need.digits;
  const minDots = need.dots ?? 0;
  const first = need.first;
  const group = need.firstGroup;
  for (const c of scan.clusterList()) {
    if (c.digits < minDigits || c.dots < minDots) continue;
    const rows = c.table();
    for (let q = c.at, qEnd = c.at + c.count * ROW; q < qEnd; q += ROW) {
      // Too few digits (dots) left in the cluster for any match from here on.
      if (rows[q + 1]! < minDigits) break;
      if (rows[q + 2]! < minDots) break;
      const p = rows[q]!;
      if (first !== undefined && !first.includes(text.charAt(p))) continue;
      const firstGroup = rows[q + 3]!;
      if (group !== undefined && firstGroup > 0 && !group(firstGroup)) continue;
      out.push(p);
    }
  }
  return out;
}

/**
 * Tries the sticky `re` at each of the sorted `starts` (inside `within`, when given) like a
 * `lastIndex` scan: a start inside the last accepted match is skipped; `visit` may return where
 * to continue, else scanning continues after the match. One loop for shared and own starts.
 */
function execAtStarts(
  sticky: RegExp,
  text: string,
  starts: readonly number[],
  within: readonly (readonly [number, number])[] | undefined,
  visit: (m: RegExpExecArray) => number | void,
): void {
  let floor = 0;
  let w = 0;
  for (let k = 0; k < starts.length; k++) {
    const p = starts[k]!;
    if (p < floor) continue;
    if (within) {
      while (w < within.length && within[w]![1] <= p) w++;
      if (w >= within.length) break;
      if (p < within[w]![0]) continue;
    }
    sticky.lastIndex = p;
    const m = sticky.exec(text);
    if (m === null) continue;
    const after = m.index + Math.max(1, m[0].length);
    const next = visit(m);
    floor = typeof next === 'number' && next > m.index ? next : after;
  }
  sticky.lastIndex = 0;
}
