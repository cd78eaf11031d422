/**
 * @module inspect/detectors/pii/number-readers
 * Hand-written readers for the number detectors' candidate regexes: each returns where the regex,
 * tried anchored (sticky) at a start, would end its match, or -1 where it fails. The detectors
 * try their candidates at every number start a text holds (`text-scan.ts`); a regex call there
 * costs far more than reading a few digit groups, and most candidates are rejected right after.
 *
 * Each regex is written beside its reader (`*_SOURCE`; `number-readers.test.ts` checks the two
 * agree on random digit-and-separator text). They read alike: groups of digits taken greedily,
 * joined by single separators, where nothing after a group can make it give digits back; so
 * the regex engine's first choice is its only one, and a loop replays it.
 */

/** ASCII digit. */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The code unit at `i` (>= 0), or -1 past the end. Reading only in bounds keeps every read a small
 * integer for the optimizer (an out-of-bounds `charCodeAt` is NaN): the readers run twice as fast.
 */
function unitAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}

/**
 * How many ASCII digits run from `i`, counting at most `max`: what a greedy `\d{1,max}` takes
 * there (0 when `i` is not a digit or is past the end).
 */
export function digitRun(text: string, i: number, max: number): number {
  const end = Math.min(text.length, i + max);
  let j = i;
  while (j < end && isDigit(text.charCodeAt(j))) j++;
  return j - i;
}

/** The international phone detector's chain body (its `m[3]`), at a digit. */
export const CHAIN_BODY_SOURCE = String.raw`\d{1,15}(?:[ .-]\d{1,15}){1,7}|\d{7,15}`;

/**
 * Where `CHAIN_BODY_SOURCE` matched at `p` ends, or -1. With no separated group after the first,
 * the `\d{7,15}` alternative is the first group alone (a run longer than 15 digits is cut at 15
 * either way, since a digit, not a separator, follows the cut).
 */
export function chainBodyEnd(text: string, p: number): number {
  // One flat loop (no helper calls): it runs at every start of every number cluster.
  const len = text.length;
  let i = p;
  let limit = Math.min(len, p + 15);
  while (i < limit && isDigit(text.charCodeAt(i))) i++;
  const first = i;
  let groups = 0;
  while (groups < 7 && i + 1 < len) {
    const sep = text.charCodeAt(i);
    if (sep !== 32 && sep !== 46 && sep !== 45) break;
    let j = i + 1;
    limit = Math.min(len, j + 15);
    while (j < limit && isDigit(text.charCodeAt(j))) j++;
    if (j === i + 1) break;
    i = j;
    groups++;
  }
  if (groups > 0) return i;
  return first - p >= 7 ? first : -1;
}

/** The chain's optional extension, case-insensitive (`x12`, ` ext. 34`). */
export const CHAIN_EXTENSION_SOURCE = String.raw`(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?`;

/**
 * Where `CHAIN_EXTENSION_SOURCE` (flag `i`) ends after `at`: `at` itself when there is no
 * extension. Each optional piece is taken when present; giving one back never lets the rest
 * match, so the regex's first choice is its only one.
 */
export function chainExtensionEnd(text: string, at: number): number {
  let i = at;
  if (unitAt(text, i) === 32) i++;
  // `| 32` folds ASCII capitals to lower case; under `/i` without `u`, nothing else folds onto them.
  const c = unitAt(text, i) | 32;
  if (c === 120 /* x */) i++;
  else if (c === 101 /* e */ && (unitAt(text, i + 1) | 32) === 120 && (unitAt(text, i + 2) | 32) === 116 /* t */) {
    i += 3;
    if (unitAt(text, i) === 46) i++;
  } else return at;
  if (unitAt(text, i) === 32) i++;
  const run = digitRun(text, i, 6);
  return run > 0 ? i + run : at;
}

/** The Korean bank account detector's candidate. */
export const BANK_CANDIDATE_SOURCE = String.raw`\d{2,14}(?:[- ]\d{2,8}){0,4}`;

/** Where `BANK_CANDIDATE_SOURCE` matched at `p` ends, or -1. A group under two digits ends the match before its separator. */
export function bankCandidateEnd(text: string, p: number): number {
  const first = digitRun(text, p, 14);
  if (first < 2) return -1;
  let end = p + first;
  for (let g = 0; g < 4; g++) {
    const sep = unitAt(text, end);
    if (sep !== 45 && sep !== 32) break;
    const run = digitRun(text, end + 1, 8);
    if (run < 2) break;
    end += 1 + run;
  }
  return end;
}

/** The card detector's candidate. */
export const CARD_CANDIDATE_SOURCE = String.raw`\d(?:[ -]?\d){11,22}`;

/**
 * Where `CARD_CANDIDATE_SOURCE` matched at `p` ends, or -1: a digit, then up to 22 more, each
 * after at most one space or dash; fewer than 11 more is no match.
 */
export function cardCandidateEnd(text: string, p: number): number {
  if (!isDigit(unitAt(text, p))) return -1;
  let end = p + 1;
  let more = 0;
  while (more < 22) {
    const c = unitAt(text, end);
    if (isDigit(c)) end++;
    else if ((c === 32 || c === 45) && isDigit(unitAt(text, end + 1))) end += 2;
    else break;
    more++;
  }
  return more >= 11 ? end : -1;
}

/**
 * Where digit groups of exactly `lengths` matched at `p` end, or -1, when all are joined by the
 * same one of `seps` or all by nothing: the shape `\d{3}([ -]?)\d{2}\1\d{4}` of SSNs (and of
 * business, resident and representative numbers) written as a regex. A separator after the
 * first group decides the rest: without it, the second group would have to start at a non-digit.
 */
export function fixedGroupsEnd(text: string, p: number, lengths: readonly number[], seps: string): number {
  const first = lengths[0]!;
  if (digitRun(text, p, first) < first) return -1;
  let i = p + first;
  const s = unitAt(text, i);
  let sep = -1;
  for (let k = 0; k < seps.length; k++) if (seps.charCodeAt(k) === s) sep = s;
  for (let g = 1; g < lengths.length; g++) {
    if (sep >= 0) {
      if (unitAt(text, i) !== sep) return -1;
      i++;
    }
    const n = lengths[g]!;
    if (digitRun(text, i, n) < n) return -1;
    i += n;
  }
  return i;
}

/**
 * The separator `fixedGroupsEnd` read after a first group of `first` digits at `p`: that unit as
 * a string, or '' when the groups are joined by nothing (the regexes' `m[1]`).
 */
export function groupSeparator(text: string, p: number, first: number): string {
  const c = unitAt(text, p + first);
  return isDigit(c) ? '' : text.charAt(p + first);
}
