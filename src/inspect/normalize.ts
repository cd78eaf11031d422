/**
 * @module inspect/normalize
 * A matching view of a text that undoes common disguises, with a map back to the original.
 *
 * Detectors are written for plain ASCII forms (`a@b.co`, `900101-1234568`, `4111 1111 …`). A user
 * (or a pasted document) can hide such a value from them without changing how it reads: zero-width
 * characters inside it, full-width digits and `＠`, NBSP or ideographic spaces as separators, a soft
 * hyphen, exotic dashes, or a line break in the middle of a number. This module builds views where
 * those are undone, and maps every view index back to the original, so findings still point at the
 * ORIGINAL text and redaction replaces the disguised span itself.
 *
 * The mapping, per code point:
 * - dropped: zero-width and format characters (U+200B–U+200F, U+2060–U+2064, U+FEFF, U+00AD soft
 *   hyphen, U+180E, bidi embeddings/isolates U+202A–U+202E and U+2066–U+2069);
 * - `-`: dash look-alikes (U+2010–U+2015, U+2212, U+FE58, U+FE63);
 * - `.`: ideographic full stops (U+3002, U+FF61);
 * - anything whose NFKC form is plain ASCII: full-width forms (`０`→`0`, `＠`→`@`), NBSP and the
 *   U+2000–U+200A / U+202F / U+205F / U+3000 spaces (→ space), mathematical and circled digits;
 * - everything else is kept as is (Hangul, CJK, accented letters: NFKC would not make them ASCII).
 *
 * Line breaks between digits (`\n` or `\r\n`, with optional spaces or tabs around them) are
 * ambiguous: a wrapped `90010112\n34568` needs the break removed, a wrapped `4111 1111\n1111 1111`
 * needs it read as the group separator. So when a text has such breaks there are two views, one
 * per reading (`viewsForMatching`). Known cost: a column of numbers can read as one long number in
 * the first view; card, RRN and similar detectors still demand their checksums.
 *
 * Fast path: `needsNormalization` scans once and allocates nothing for plain ASCII or ordinary
 * Korean/CJK text, so the engine runs detectors on a view only when the view differs.
 */

/** A view of a text for matching; `text` differs from the original. */
export interface NormalizedView {
  readonly text: string;
  /**
   * The original span `[start, end)` behind the view span `[start, end)` (end exclusive, UTF-16
   * indices). Characters dropped inside the span are covered; dropped ones at its edges are not.
   */
  toOriginal(start: number, end: number): [number, number];
}

const DROP = new Set([0x00ad, 0x180e, 0xfeff]);
const DASH = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63]);
const DOT = new Set([0x3002, 0xff61]);

function isDropped(cp: number): boolean {
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || DROP.has(cp);
}

/** Scripts that are common in prompts and that NFKC never maps to ASCII: skipped without a lookup. */
function isPlainScript(cp: number): boolean {
  return (
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0x3040 && cp <= 0x30ff) || // kana
    (cp >= 0x0400 && cp <= 0x04ff) || // Cyrillic
    (cp >= 0x0590 && cp <= 0x06ff) // Hebrew, Arabic
  );
}

const nfkcCache = new Map<number, string | null>();
const NFKC_CACHE_MAX = 4096;

/** The ASCII replacement of a non-ASCII code point, '' to drop it, or null to keep it. */
function replacementFor(cp: number): string | null {
  if (isDropped(cp)) return '';
  if (DASH.has(cp)) return '-';
  if (DOT.has(cp)) return '.';
  if (isPlainScript(cp)) return null;
  const hit = nfkcCache.get(cp);
  if (hit !== undefined) return hit;
  const n = String.fromCodePoint(cp).normalize('NFKC');
  // Only ASCII results: the detectors match ASCII, and a non-ASCII NFKC form adds nothing for them.
  // Control characters from a mapping would be a new kind of separator, so they are refused too.
  let ascii = n.length > 0;
  for (let i = 0; i < n.length && ascii; i++) {
    const c = n.charCodeAt(i);
    if (c >= 0x80 || c < 0x20) ascii = false;
  }
  const out = ascii ? n : null;
  if (nfkcCache.size < NFKC_CACHE_MAX) nfkcCache.set(cp, out);
  return out;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Digit-like in the original: an ASCII digit or a code point that normalizes to one. */
function digitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (isDigit(c)) return true;
  if (c < 0x80 || Number.isNaN(c)) return false;
  const r = replacementFor(text.codePointAt(i)!);
  return r !== null && r.length === 1 && isDigit(r.charCodeAt(0));
}

/**
 * If a digit-to-digit line break starts at `i` (after a digit), returns the index after it
 * (the next digit); else -1. Skipped on either side: spaces, tabs and dropped format characters.
 */
function digitBreakEnd(text: string, i: number): number {
  let j = i;
  let breaks = 0;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x0a) {
      if (++breaks > 1) return -1;
    } else if (c === 0x0d) {
      if (text.charCodeAt(j + 1) !== 0x0a) return -1;
    } else if (c !== 0x20 && c !== 0x09 && !(c >= 0x80 && isDropped(c))) break;
    j++;
  }
  return breaks === 1 && j < text.length && digitAt(text, j) ? j : -1;
}

/** True when the last code point before `i` (skipping dropped format chars) is digit-like. */
function prevIsDigit(text: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && text.charCodeAt(k) >= 0x80 && isDropped(text.charCodeAt(k))) k--;
  if (k < 0) return false;
  // A low surrogate: look at the whole code point.
  const c = text.charCodeAt(k);
  if (c >= 0xdc00 && c <= 0xdfff && k > 0) return digitAt(text, k - 1);
  return digitAt(text, k);
}

/** True when the line feed at `i` sits in a digit-to-digit line break. */
function digitBreakAround(text: string, i: number): boolean {
  let k = i;
  while (k > 0) {
    const c = text.charCodeAt(k - 1);
    if (c === 0x20 || c === 0x09 || c === 0x0d || (c >= 0x80 && isDropped(c))) k--;
    else break;
  }
  return prevIsDigit(text, k) && digitBreakEnd(text, k) >= 0;
}

/**
 * True when some view would differ from the text. One pass, no allocation on the common paths.
 * @example needsNormalization('mail a@b.co') // false;  needsNormalization('a\u200b@b.co') // true
 */
export function needsNormalization(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x0a && digitBreakAround(text, i)) return true;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (replacementFor(cp) !== null) return true;
  }
  return false;
}

/** How a digit-to-digit line break reads in a view. */
type BreakReading = 'join' | 'space';

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The changes a view makes, in text order: original `[from[k], to[k])` reads as `by[k]`. */
interface Changes { from: number[]; to: number[]; by: string[] }

/** Every change of the given reading, found by classifying each character. */
function changesOf(text: string, reading: BreakReading): Changes {
  const ch: Changes = { from: [], to: [], by: [] };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if ((c === 0x0a || c === 0x0d || c === 0x20 || c === 0x09) && prevIsDigit(text, i)) {
      const end = digitBreakEnd(text, i);
      if (end >= 0) {
        ch.from.push(i); ch.to.push(end); ch.by.push(reading === 'space' ? ' ' : '');
        i = end;
        continue;
      }
    }
    if (c < 0x80) {
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const r = replacementFor(cp);
    if (r !== null) { ch.from.push(i); ch.to.push(i + width); ch.by.push(r); }
    i += width;
  }
  return ch;
}

/**
 * A digit-to-digit line break as `digitBreakEnd` reads it, for text made only of ASCII and Hangul
 * syllables (no dropped format characters can sit in it): spaces, tabs and carriage returns that
 * end a line before the line feed, spaces and tabs after it (a carriage return after it would
 * start a second line break).
 */
const PLAIN_BREAK = /(?<=\d)(?:[ \t]|\r(?=\n))*\n[ \t]*(?=\d)/g;

/** The changes in text of ASCII and Hangul only: its digit-to-digit line breaks, found natively. */
function plainChangesOf(text: string, reading: BreakReading): Changes {
  const ch: Changes = { from: [], to: [], by: [] };
  for (const m of text.matchAll(PLAIN_BREAK)) {
    ch.from.push(m.index); ch.to.push(m.index + m[0].length); ch.by.push(reading === 'space' ? ' ' : '');
  }
  return ch;
}

/**
 * Assembles one view in pieces: runs of unchanged text are copied with one `slice` (view and
 * original offsets then differ by a constant) and only the changes are recorded, so `toOriginal`
 * is a binary search over the pieces. (Building per-character offset tables made a 1 MB text with
 * one wrapped number cost ten times its inspection.)
 */
function assemble(text: string, ch: Changes): NormalizedView {
  const parts: string[] = [];
  // Piece k: view [vStart[k], vStart[k + 1]) comes from original [oStart[k], oEnd[k]); a copied
  // piece maps one to one, a changed one maps each of its view units to the whole source span.
  const vStart: number[] = [];
  const oStart: number[] = [];
  const oEnd: number[] = [];
  const copied: boolean[] = [];
  let viewLength = 0;
  const piece = (s: string, from: number, to: number, copy: boolean) => {
    parts.push(s);
    vStart.push(viewLength);
    oStart.push(from);
    oEnd.push(to);
    copied.push(copy);
    viewLength += s.length;
  };
  let runStart = 0;
  for (let k = 0; k < ch.from.length; k++) {
    const from = ch.from[k]!;
    if (from > runStart) piece(text.slice(runStart, from), runStart, from, true);
    if (ch.by[k] !== '') piece(ch.by[k]!, from, ch.to[k]!, false);
    runStart = ch.to[k]!;
  }
  if (text.length > runStart) piece(text.slice(runStart), runStart, text.length, true);
  const view = parts.join('');


  /** Index of the piece holding view index `j` (0 <= j < view length). */
  const pieceOf = (j: number): number => {
    let lo = 0;
    let hi = vStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (vStart[mid]! <= j) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // A kept surrogate pair maps as one code point: both halves to the whole pair.
  const startOf = (j: number): number => {
    const k = pieceOf(j);
    if (!copied[k]) return oStart[k]!;
    const p = oStart[k]! + j - vStart[k]!;
    return p > oStart[k]! && isLow(text.charCodeAt(p)) && isHigh(text.charCodeAt(p - 1)) ? p - 1 : p;
  };
  const endOf = (j: number): number => {
    const k = pieceOf(j);
    if (!copied[k]) return oEnd[k]!;
    const p = oStart[k]! + j - vStart[k]!;
    return p + 1 < oEnd[k]! && isHigh(text.charCodeAt(p)) && isLow(text.charCodeAt(p + 1)) ? p + 2 : p + 1;
  };
  return {
    text: view,
    toOriginal(start, end) {
      if (end <= start) {
        const at = start < view.length ? startOf(start) : text.length;
        return [at, at];
      }
      return [startOf(start), endOf(end - 1)];
    },
  };
}

/**
 * The views of `text` that differ from it: none for ordinary text, one when only characters are
 * mapped, two when a line break sits between digits (joined and read as a space). Pass
 * `asciiOrHangulOnly` only when `text` holds nothing but ASCII and Hangul syllables.
 * @example
 * const [v] = viewsForMatching('a\u200b@ｅxample.com');
 * v.text;                 // 'a@example.com'
 * v.toOriginal(0, 13);    // [0, 14]
 */
export function viewsForMatching(text: string, asciiOrHangulOnly = false): NormalizedView[] {
  // Text of ASCII and Hangul syllables only (the engine's cue scan knows) can differ from its
  // views only at digit-to-digit line breaks, which one native scan finds.
  const plain = asciiOrHangulOnly;
  if (plain ? !PLAIN_BREAK.test(text) : !needsNormalization(text)) return [];
  PLAIN_BREAK.lastIndex = 0;
  const out: NormalizedView[] = [];
  const seen = new Set<string>([text]);
  for (const reading of ['join', 'space'] as const) {
    const v = assemble(text, plain ? plainChangesOf(text, reading) : changesOf(text, reading));
    if (!seen.has(v.text)) {
      seen.add(v.text);
      out.push(v);
    }
  }
  return out;
}
