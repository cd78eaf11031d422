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
 * How: all keywords of all detectors go into one Aho–Corasick automaton compiled to a dense table
 * (one row per state, one column per character class), and digits, number separators, line feeds,
 * padding and "outside" units get classes of their own with flags. Prose costs one table step per
 * code unit; the number bookkeeping runs only from a digit (or an "outside" unit) to the next
 * ordinary unit.
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
}

export interface CueScanner {
  scan(text: string): Cues;
}

const DIGIT = 1, SEP = 2, DOT = 4, PAD = 8, LF = 16, OUTSIDE = 32;

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
  return f;
}

/**
 * The scanner for `lists` (one keyword list per detector; `undefined` or empty = not gated, never
 * reported as hit).
 * @example
 *   const s = compileCueScanner([['sk-'], undefined, ['pass', '비밀번호']]);
 *   s.scan('My PASSWORD 4111 1111').hits;  // Uint8Array [0, 0, 1]
 */
export function compileCueScanner(lists: readonly (readonly string[] | undefined)[]): CueScanner {
  const keywords: { word: string; list: number }[] = [];
  lists.forEach((l, list) => {
    for (const k of l ?? []) if (k.length > 0) keywords.push({ word: k.toLowerCase(), list });
  });

  // Character classes: 0 for units that matter to nothing here; then one per distinct (folded)
  // keyword unit; then one per flagged unit (digits, separators, padding, line feed); then one
  // for all other units outside ASCII and Hangul.
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
  // capital (no flags), one other unit, or non-ASCII units of one canonical form (all "outside").
  const classFlags: number[] = new Array<number>(classes).fill(0);
  for (let c = 0; c < 65536; c++) {
    const k = cls[c]!;
    if (k !== 0) classFlags[k] = flagsOf(c);
  }
  for (const c of [...SEPARATORS, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 9, 10, 13]) {
    if (cls[c] !== 0) continue;
    cls[c] = classes++;
    classFlags.push(flagsOf(c));
  }
  const outsideClass = classes++;
  classFlags.push(OUTSIDE);
  for (let c = 0x80; c < 65536; c++) if (cls[c] === 0 && !isAsciiOrHangul(c)) cls[c] = outsideClass;
  // Renumber the classes so that those of digits and "outside" units come last: the scan's first
  // loop then tells where it must stop by comparing the class it already holds, without loading
  // the class's flags.
  const stops = (k: number): number => ((classFlags[k]! & (DIGIT | OUTSIDE)) !== 0 ? 1 : 0);
  const byNew = Array.from({ length: classes }, (_, k) => k).sort((a, b) => stops(a) - stops(b) || a - b);
  const newOf = new Array<number>(classes);
  byNew.forEach((k, to) => { newOf[k] = to; });
  for (let c = 0; c < 65536; c++) cls[c] = newOf[cls[c]!]!;
  for (const [c, k] of classOf) classOf.set(c, newOf[k]!);
  const flags = Uint8Array.from(byNew, (k) => classFlags[k]!);
  /** Classes from here on are digits' and "outside" units'. */
  const firstStop = classes - byNew.filter((k) => stops(k) === 1).length;

  // Trie, then breadth-first failure links, then the dense transition table.
  const goto: Map<number, number>[] = [new Map()];
  const out: number[][] = [[]];
  for (const { word, list } of keywords) {
    let s = 0;
    for (let i = 0; i < word.length; i++) {
      const k = classOf.get(word.charCodeAt(i))!;
      let n = goto[s]!.get(k);
      if (n === undefined) {
        n = goto.length;
        goto.push(new Map());
        out.push([]);
        goto[s]!.set(k, n);
      }
      s = n;
    }
    if (!out[s]!.includes(list)) out[s]!.push(list);
  }
  const states = goto.length;
  const delta = new Int32Array(states * classes);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let k = 0; k < classes; k++) {
    const n = goto[0]!.get(k) ?? 0;
    delta[k] = n * classes;
    if (n !== 0) queue.push(n);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    const f = fail[s]!;
    for (const l of out[f]!) if (!out[s]!.includes(l)) out[s]!.push(l);
    for (let k = 0; k < classes; k++) {
      const n = goto[s]!.get(k);
      if (n === undefined) delta[s * classes + k] = delta[f * classes + k]!;
      else {
        fail[n] = delta[f * classes + k]! / classes;
        delta[s * classes + k] = n * classes;
        queue.push(n);
      }
    }
  }
  // A transition into a state where keywords end is stored negated (`~row`), so the scan tests
  // one sign instead of loading a second table. `outAt[row]` points into `outFlat`: a count, then
  // the lists whose keywords end in that state.
  const outAt = new Int32Array(states * classes);
  const flat: number[] = [];
  for (let st = 0; st < states; st++) {
    if (out[st]!.length === 0) continue;
    outAt[st * classes] = flat.length;
    flat.push(out[st]!.length, ...out[st]!);
  }
  const outFlat = Int32Array.from(flat);
  for (let i = 0; i < delta.length; i++) {
    const r = delta[i]!;
    if (out[r / classes]!.length > 0) delta[i] = ~r;
  }

  return {
    scan(text: string): Cues {
      const hits = new Uint8Array(lists.length);
      const clusters: number[] = [];
      const letterDigits: number[] = [];
      let row = 0;
      let outside = false;
      let wrapped = false;
      // Wrapped number: 1 after a digit (and padding), 2 after digit, padding, line feed, padding.
      let wrap = 0;
      // Cluster search, as the regex `(?:\d[sep]{0,4}){3}\d` scanning left to right: a chain of
      // digits with at most four separators between neighbours; at its fourth digit a cluster
      // opens and runs to the end of the digits-and-separators stretch.
      let chain = 0;
      let chainStart = 0;
      let chainDots = 0;
      let gap = 0;
      let inCluster = false;
      let cStart = 0;
      let cDigits = 0;
      let cDots = 0;
      let prevDigit = false;
      // Two loops. While no digit is pending (the number state is clear), only a digit or an
      // "outside" unit changes anything but the automaton: a separator, space or line feed there
      // leaves every number cue as it is. So the first loop steps the automaton and stops only at
      // those two; the second also keeps the number cues, unit by unit, and hands back at the next
      // unit without flags (which clears the state). One loop doing both cost more than twice the
      // automaton alone, most of it on the spaces between words.
      const n = text.length;
      let i = 0;
      let k = 0;
      let f = 0;
      for (;;) {
        // The number state is clear here (at the start, or reset by the unit that led back).
        for (; i < n; i++) {
          k = cls[text.charCodeAt(i)]!;
          row = delta[row + k]!;
          if (row < 0 || k >= firstStop) break;
        }
        if (i >= n) break;
        if (row < 0) {
          // A keyword ends here.
          row = ~row;
          const at = outAt[row]!;
          for (let j = at + 1, end = at + 1 + outFlat[at]!; j < end; j++) hits[outFlat[j]!] = 1;
          if (k < firstStop) { i++; continue; }
        }
        f = flags[k]!;
        // Unit `i` is a digit or an "outside" unit, already stepped.
        for (;;) {
          if (f & DIGIT) {
            if (inCluster) cDigits++;
            else {
              if (chain > 0 && gap <= 4) chain++;
              else { chain = 1; chainStart = i; chainDots = 0; }
              gap = 0;
              if (chain === 4) {
                inCluster = true;
                const before = chainStart > 0 ? text.charCodeAt(chainStart - 1) : 0;
                // A cluster may open with `+` (country code) or `(` (area code) before its first digit.
                cStart = before === 43 || before === 40 ? chainStart - 1 : chainStart;
                cDigits = 4;
                cDots = chainDots;
              }
            }
            if (!prevDigit && i > 0) {
              const p = text.charCodeAt(i - 1) | 0x20;
              if (p >= 97 && p <= 122) letterDigits.push(i);
            }
            prevDigit = true;
            if (wrap === 2) wrapped = true;
            wrap = 1;
          } else {
            prevDigit = false;
            if (f & SEP) {
              if (inCluster) { if (f & DOT) cDots++; }
              else if (chain > 0) { gap++; if (f & DOT) chainDots++; }
            } else {
              if (inCluster) { clusters.push(cStart, i, cDigits, cDots); inCluster = false; }
              chain = 0;
            }
            if (f & LF) wrap = wrap === 1 ? 2 : 0;
            else if (!(f & PAD)) wrap = 0;
            if (f & OUTSIDE) outside = true;
          }
          i++;
          // The end of the text ends a stretch like an ordinary unit (`f` 0), through the same code.
          if (i < n) {
            k = cls[text.charCodeAt(i)]!;
            row = delta[row + k]!;
            if (row < 0) {
              row = ~row;
              const at = outAt[row]!;
              for (let j = at + 1, end = at + 1 + outFlat[at]!; j < end; j++) hits[outFlat[j]!] = 1;
            }
            f = flags[k]!;
          } else f = 0;
          if (f === 0) {
            // An ordinary unit (or the end): the end of any stretch of digits and separators.
            if (inCluster) { clusters.push(cStart, i, cDigits, cDots); inCluster = false; }
            chain = 0;
            wrap = 0;
            prevDigit = false;
            i++;
            break;
          }
        }
      }
      return { hits, outside, wrapped, clusters, letterDigits };
    },
  };
}
