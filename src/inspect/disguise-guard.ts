/**
 * @module inspect/disguise-guard
 * A fast, conservative "could this text hold a disguise?" test, run before `normalize.ts` is asked
 * for views. `needsNormalization` classifies every non-ASCII character one by one, which costs
 * several times a whole inspection of ordinary Korean text; two native regex scans and ICU's NFKC
 * quick check answer the same question for almost every text in a fraction of that.
 *
 * Contract: whenever `needsNormalization(text)` is true, `mayNeedNormalization(text)` is true
 * (a superset; a false alarm only costs the precise check). `disguise-guard.test.ts` checks this
 * for every Unicode code point and for random strings, so a change in `normalize.ts` that maps
 * new characters fails that test until this guard covers them.
 *
 * Order of the checks, cheapest first for ordinary text: line feeds (native `indexOf`), then one
 * native scan for any character outside ASCII and Hangul syllables; only a text holding one pays
 * for the character table and the NFKC quick check.
 */

/**
 * Characters `normalize.ts` drops or maps that NFKC leaves alone: zero-width and format
 * characters, bidi controls, dash look-alikes and ideographic full stops (U+200B–U+2015 is one
 * range: the dashes sit right after the zero-width characters).
 */
const DROPPED_OR_PUNCT = /[\u00ad\u180e\u200b-\u2015\u202a-\u202e\u2060-\u2069\u2212\u3002\ufe58\ufe63\ufeff\uff61]/;

/**
 * Characters that need neither the NFKC check nor the table above: ASCII and Hangul syllables
 * (precomposed syllables are their own NFKC form, and `normalize.ts` keeps them). Ordinary Korean
 * and English text is made of nothing else, and one native scan for anything outside them is
 * cheaper than the two checks that scan every character.
 */
const OUTSIDE_ASCII_HANGUL = /[^\x00-\x7f\uac00-\ud7a3]/;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Space, tab or carriage return: what may stand around the line feed of a wrapped number. */
const isPad = (c: number): boolean => c === 32 || c === 9 || c === 13;

/**
 * A line break between two digits (a number wrapped over lines), with spaces, tabs or carriage
 * returns around it: `\d[ \t\r]*\n[ \t\r]*\d`, found from the line feeds (native `indexOf`)
 * rather than tried at every digit. Each character is read at most twice (the padding between
 * two line feeds is read backwards from one and forwards from the other).
 */
function hasWrappedNumber(text: string): boolean {
  for (let lf = text.indexOf('\n'); lf >= 0; lf = text.indexOf('\n', lf + 1)) {
    let b = lf - 1;
    while (b >= 0 && isPad(text.charCodeAt(b))) b--;
    if (b < 0 || !isDigit(text.charCodeAt(b))) continue;
    let a = lf + 1;
    while (a < text.length && isPad(text.charCodeAt(a))) a++;
    if (a < text.length && isDigit(text.charCodeAt(a))) return true;
  }
  return false;
}

/** What the engine's one pass over the text already found out (`cue-scan.ts`). */
export interface DisguiseHints {
  /** A code unit outside ASCII and Hangul syllables occurs. */
  readonly outside: boolean;
  /** `\d[ \t\r]*\n[ \t\r]*\d` occurs. */
  readonly wrapped: boolean;
}

/**
 * False only when `normalize.ts` would find nothing to undo in `text`. With `hints` from the
 * engine's cue scan, the first two questions are already answered.
 * @example mayNeedNormalization('이번 분기 보고서') // false;  mayNeedNormalization('０１０') // true
 */
export function mayNeedNormalization(text: string, hints?: DisguiseHints): boolean {
  if (hints ? hints.wrapped : hasWrappedNumber(text)) return true;
  if (!(hints ? hints.outside : OUTSIDE_ASCII_HANGUL.test(text))) return false;
  // Every other character `normalize.ts` maps has an NFKC form different from itself (full-width
  // forms, exotic spaces, ligatures, circled digits, ...), so a text NFKC leaves unchanged has
  // none. ICU's quick check answers that natively without copying an already-normal text.
  return DROPPED_OR_PUNCT.test(text) || text.normalize('NFKC') !== text;
}
