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
 */

/**
 * Characters `normalize.ts` drops or maps that NFKC leaves alone: zero-width and format
 * characters, bidi controls, dash look-alikes and ideographic full stops (U+200B–U+2015 is one
 * range: the dashes sit right after the zero-width characters).
 */
const DROPPED_OR_PUNCT = /[\u00ad\u180e\u200b-\u2015\u202a-\u202e\u2060-\u2069\u2212\u3002\ufe58\ufe63\ufeff\uff61]/;

/** A line break between two digits (a number wrapped over lines), with spaces or tabs around it. */
const WRAPPED_NUMBER = /\d[ \t\r]*\n[ \t\r]*\d/;

/**
 * False only when `normalize.ts` would find nothing to undo in `text`.
 * @example mayNeedNormalization('이번 분기 보고서') // false;  mayNeedNormalization('０１０') // true
 */
export function mayNeedNormalization(text: string): boolean {
  // Every other character `normalize.ts` maps has an NFKC form different from itself (full-width
  // forms, exotic spaces, ligatures, circled digits, ...), so a text NFKC leaves unchanged has
  // none. ICU's quick check answers that natively without copying an already-normal text.
  return DROPPED_OR_PUNCT.test(text) || WRAPPED_NUMBER.test(text) || text.normalize('NFKC') !== text;
}
