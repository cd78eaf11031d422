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

function buildView(text: string, reading: BreakReading): NormalizedView {
  const parts: string[] = [];
  // For view index j: origStart[j] is where its source code point starts, origEnd[j] where it ends.
  const origStart: number[] = [];
  const origEnd: number[] = [];
  const emit = (s: string, from: number, to: number) => {
    parts.push(s);
    for (let k = 0; k < s.length; k++) {
      origStart.push(from);
      origEnd.push(to);
    }
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if ((c === 0x0a || c === 0x0d || c === 0x20 || c === 0x09) && prevIsDigit(text, i)) {
      const end = digitBreakEnd(text, i);
      if (end >= 0) {
        if (reading === 'space') emit(' ', i, end);
        i = end;
        continue;
      }
    }
    if (c < 0x80) {
      emit(text[i]!, i, i + 1);
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const r = replacementFor(cp);
    if (r === null) emit(text.slice(i, i + width), i, i + width);
    else if (r !== '') emit(r, i, i + width);
    i += width;
  }
  const view = parts.join('');
  return {
    text: view,
    toOriginal(start, end) {
      if (end <= start) {
        const at = start < origStart.length ? origStart[start]! : text.length;
        return [at, at];
      }
      return [origStart[start]!, origEnd[end - 1]!];
    },
  };
}

/**
 * The views of `text` that differ from it: none for ordinary text, one when only characters are
 * mapped, two when a line break sits between digits (joined and read as a space).
 * @example
 * const [v] = viewsForMatching('a\u200b@ｅxample.com');
 * v.text;                 // 'a@example.com'
 * v.toOriginal(0, 13);    // [0, 14]
 */
export function viewsForMatching(text: string): NormalizedView[] {
  if (!needsNormalization(text)) return [];
  const out: NormalizedView[] = [];
  const seen = new Set<string>([text]);
  for (const reading of ['join', 'space'] as const) {
    const v = buildView(text, reading);
    if (!seen.has(v.text)) {
      seen.add(v.text);
      out.push(v);
    }
  }
  return out;
}
