/**
 * @module inspect/detectors/secrets/assignment-starts
 * Where a `name = value` / `"name": value` assignment can begin, found from its operator.
 *
 * The generic rule's regex opens with the name (`[A-Za-z_][A-Za-z0-9_.-]{0,40}`), so a global
 * scan tries it at every word of the text, and each try reads the whole word before failing
 * at the missing operator. Operators are rare by comparison and `indexOf` finds them natively;
 * from each one, the names that could end right before it are read backwards.
 *
 * Why backwards is exact: the name's characters exclude quotes, white space, `=` and `:`, so a
 * name tried at position p is always the whole run of name characters from p (a shorter one
 * would be followed by another name character, not by the quote, space or operator the regex
 * needs next). Between the name and the operator there is at most one quote and then at most
 * four horizontal spaces, all outside that alphabet. So an assignment with its operator at o
 * begins inside the run of name characters ending right before `quote? space{0,4} o`, at most
 * 41 characters before its end, where the regex's look-behind and first character allow it.
 */

/** `[^\S\r\n]`: JavaScript white space except the line breaks `\r` and `\n`. */
export function isHorizontalSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** `[A-Za-z0-9_.-]`: the name's characters. */
const isNameChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95 || c === 46 || c === 45;
/** `[A-Za-z_]`: a name's first character. */
const isNameStart = (c: number): boolean => isLetter(c) || c === 95;
/** `[A-Za-z0-9_.]`: what the look-behind `(?<![A-Za-z0-9_.])` refuses before a name. */
const gluesBefore = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95 || c === 46;
/** The quotes the regex allows after a name. */
const isQuote = (c: number): boolean => c === 34 || c === 39 || c === 96;

/** Longest name the regex accepts: `[A-Za-z_][A-Za-z0-9_.-]{0,40}`. */
const MAX_NAME = 41;
/** Most horizontal spaces between the name (or its quote) and the operator. */
const MAX_SPACES = 4;
/** Shortest value the rule reads. */
const MIN_VALUE = 16;

/**
 * Appends to `out`, ascending, every position where `name["'`]?[^\S\r\n]{0,4}(?:=>|:=|:|=)` can
 * begin with its operator in `[from, to)`, a name of the generic rule's alphabet and room for a
 * value after it (a superset of where that rule's regex matches there).
 */
export function assignmentStarts(text: string, from = 0, to = text.length, out: number[] = []): number[] {
  let eq = text.indexOf('=', from);
  let colon = text.indexOf(':', from);
  if (eq >= to) eq = -1;
  if (colon >= to) colon = -1;
  // Both operator characters in text order: every operator (`=>`, `:=`, `:`, `=`) begins with one.
  while (eq >= 0 || colon >= 0) {
    let op: number;
    if (colon < 0 || (eq >= 0 && eq < colon)) {
      op = eq;
      eq = text.indexOf('=', eq + 1);
      if (eq >= to) eq = -1;
    } else {
      op = colon;
      colon = text.indexOf(':', colon + 1);
      if (colon >= to) colon = -1;
    }
    const before = out.length;
    namesBefore(text, op, out);
    // Most operators in code and logs (`x = 0;`, `12:30:01`, `ua="Mozilla/5.0"`) have no room
    // for a value after them: their names are dropped before any regex runs.
    if (out.length > before && !valueAfter(text, op)) out.length = before;
  }
  return out;
}

/**
 * Whether the word at `at` can lie inside a name that an operator follows: name characters from
 * it to at most 41 characters past it, then a quote or not, at most four spaces and `=` or `:`.
 */
export function inAssignedName(text: string, at: number): boolean {
  let e = at;
  while (e < text.length && isNameChar(text.charCodeAt(e))) if (++e - at > MAX_NAME) return false;
  if (isQuote(text.charCodeAt(e))) e++;
  const op = skipSpaces(text, e, 0);
  if (op < 0) return false;
  const c = text.charCodeAt(op);
  return c === 61 || c === 58;
}

/** Appends the starts of the names that can precede the operator at `op`, ascending. */
function namesBefore(text: string, op: number, out: number[]): void {
  let q = op - 1;
  for (let spaces = 0; q >= 0 && isHorizontalSpace(text.charCodeAt(q)); q--) {
    if (++spaces > MAX_SPACES) return;
  }
  if (q >= 0 && isQuote(text.charCodeAt(q))) q--;
  const lowest = Math.max(0, q + 1 - MAX_NAME);
  // One walk back over the name characters. Inside the run the look-behind only lets a name
  // start after a `-`; the run's first character needs the look-behind checked against the
  // character before it. Starts are collected last to first.
  const at = out.length;
  let next = -1; // character code at p + 1
  let p = q;
  for (; p >= lowest; p--) {
    const c = text.charCodeAt(p);
    if (!isNameChar(c)) break;
    if (c === 45 && isNameStart(next)) out.push(p + 1);
    next = c;
  }
  if (p + 1 <= q && isNameStart(next) && (p < 0 || !gluesBefore(text.charCodeAt(p)))) out.push(p + 1);
  reverseFrom(out, at);
}

function reverseFrom(a: number[], from: number): void {
  for (let i = from, j = a.length - 1; i < j; i++, j--) {
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** The regex's optional scheme word before a value: `(?:Bearer|Basic|Token|token)`. */
const SCHEMES = ['Bearer', 'Basic', 'Token', 'token'];

/**
 * Whether a value can follow the operator at `op`: the regex reads the operator (one or two
 * characters), up to four spaces, a quote if there is one (the value cannot begin with one), an
 * optional scheme word with one to four spaces, then 16 or more characters of which none is
 * white space, a quote or a backslash (both of its value forms exclude them).
 */
function valueAfter(text: string, op: number): boolean {
  const c = text.charCodeAt(op + 1);
  const twoChars = (text.charCodeAt(op) === 61 && c === 62) || (text.charCodeAt(op) === 58 && c === 61); // => :=
  return valueFrom(text, op + 1) || (twoChars && valueFrom(text, op + 2));
}

function valueFrom(text: string, at: number): boolean {
  let i = skipSpaces(text, at, 0);
  if (i < 0) return false;
  if (isQuote(text.charCodeAt(i))) i++;
  if (valueRun(text, i)) return true;
  const c = text.charCodeAt(i);
  if (c !== 66 && c !== 84 && c !== 116) return false; // B, T, t: no scheme word here
  for (const scheme of SCHEMES) {
    if (!text.startsWith(scheme, i)) continue;
    const v = skipSpaces(text, i + scheme.length, 1);
    return v >= 0 && valueRun(text, v);
  }
  return false;
}

/** The end of the horizontal spaces from `at` when there are `min` to four of them, else -1. */
function skipSpaces(text: string, at: number, min: number): number {
  let i = at;
  while (isHorizontalSpace(text.charCodeAt(i))) if (++i - at > MAX_SPACES) return -1;
  return i - at >= min ? i : -1;
}

/** Whether the 16 characters from `at` could all be value characters. */
function valueRun(text: string, at: number): boolean {
  if (at + MIN_VALUE > text.length) return false;
  for (let i = at; i < at + MIN_VALUE; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 || isQuote(c) || c === 10 || c === 13 || isHorizontalSpace(c)) return false;
  }
  return true;
}
