/**
 * @module inspect/detectors/people/address-us
 * US-style street addresses: house number, optional direction, 1–4 street-name words and a
 * street suffix (St, Ave, Blvd, Rd, Ln, Dr, Ct, Way, Pl, Ter, Pkwy, Hwy…), then optionally a
 * unit (Apt/Suite/Unit/#), a city, a state abbreviation and a ZIP code. PO boxes too.
 * The suffix is what makes "12 Baker Street" an address and "12 Angry Men" not.
 *
 * Heuristic, English-only: addresses written in other countries' formats ("Rue de Virton 38",
 * "Koskikatu 25") are mostly missed; measured numbers are in the final report.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { scanNearAnchors, type AnchoredScan } from './anchored-scan.ts';
import { sharedWordStarts } from './shared-word-starts.ts';

const SUFFIX =
  'Street|St|Avenue|Ave|Av|Boulevard|Blvd|Road|Rd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|' +
  'Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Crescent|Cres|Alley|Aly|Plaza|Plz|Loop|Row|Path|Pike|Freeway|Fwy|' +
  'Expressway|Expy|Turnpike|Tpke|Causeway|Cswy|Route|Rte|Point|Pt|Ridge|Run|Walk|Close|Grove|Gardens|Gdns|Heights|Hts|' +
  'Crossing|Xing|Landing|Commons|Center|Ctr|Estates|Harbor|Hollow|Junction|Jct|Meadows|Mews|Park|Pass|Ranch|Station|Sta|View|Vista';

const STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|' +
  'RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP';

const SP = '[^\\S\\r\\n]{1,3}';
const WORD = "[A-Z0-9][A-Za-z0-9'’.-]{0,24}";
const STREET =
  `(?<![\\w-])\\d{1,6}(?:-\\d{1,4})?[A-Za-z]?${SP}` +
  `(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\\.?${SP})?` +
  `(?:${WORD}${SP}){0,3}?${WORD}${SP}(?:${SUFFIX})\\.?(?![A-Za-z])` +
  `(?:${SP}(?:N|S|E|W|NE|NW|SE|SW)\\.?(?![A-Za-z]))?`;
const UNIT = `(?:,?${SP}(?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|Floor|Fl|Bldg|Building|#)\\.?${SP}?#?[A-Za-z0-9-]{1,8})?`;
const CITY_STATE_ZIP =
  `(?:,?[^\\S\\r\\n]{0,3}\\r?\\n?[^\\S\\r\\n]{0,3}[A-Z][A-Za-z.'’-]{1,24}(?:${SP}[A-Z][A-Za-z.'’-]{1,24}){0,2},?${SP}(?:${STATES})(?:${SP}\\d{5}(?:-\\d{4})?)?(?![A-Za-z0-9]))?`;
const PO_BOX = `(?<![\\w])P\\.?[^\\S\\r\\n]?O\\.?${SP}Box${SP}\\d{1,6}`;

const PATTERN = new RegExp(`(?:${STREET}|${PO_BOX})${UNIT}${CITY_STATE_ZIP}`, 'y');
const FULL_STATE = new RegExp(`\\b(?:${STATES})$`);

const isWord = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A street suffix not followed by a letter, or `Box`: every match holds one. */
const ANCHOR = `(?:${SUFFIX})(?![A-Za-z])|Box`;

/**
 * A street address holds its suffix; a PO box holds `Box`. From the start of the house number to
 * the suffix is at most 139 characters (number, direction, four 25-character words and their
 * spaces); 144 leaves margin. The anchor leaves out the space before the suffix: an opening
 * whitespace class is tried at every space of the text and made this scan twice as slow, while a
 * suffix without its space only adds anchors where the full regex then fails.
 */
const SCAN: AnchoredScan = {
  anchor: new RegExp(ANCHOR, 'g'),
  before: 144,
  canStart(text, at) {
    const c = text.charCodeAt(at);
    const prev = at > 0 ? text.charCodeAt(at - 1) : 0;
    if (c >= 48 && c <= 57) return !isWord(prev) && prev !== 45; // (?<![\w-])\d
    return c === 80 && !isWord(prev); // (?<![\w])P
  },
  sticky: PATTERN,
};

/**
 * The anchors come from the word-start pass person.en runs on every text anyway
 * (shared-word-starts.ts), so this detector makes no pass of its own. A suffix as a whole word
 * there is the anchor regex's first branch; `Box` its second. That pass only reports words not
 * glued to a preceding ASCII letter, which loses no match: in every match the suffix or `Box`
 * follows whitespace (`SP`).
 */
const SUFFIX_STARTS = sharedWordStarts({ words: SUFFIX.split('|'), whole: true });
const BOX_STARTS = sharedWordStarts({ words: ['Box'] });

/** The ascending union of two ascending lists, each position once. */
function mergeAscending(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    out.push(Math.min(x, y));
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return out;
}

export const addressUs: Detector = {
  id: 'address.us',
  types: ['ADDRESS'],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    try {
      const anchors = mergeAscending(SUFFIX_STARTS.find(text, ctx), BOX_STARTS.find(text, ctx));
      // Most texts name no street at all: nothing more to do.
      if (anchors.length === 0) return out;
      scanNearAnchors(text, SCAN, (m) => {
        let value = m[0];
        // "10 Downing Street." — the full stop ends the sentence, unlike the one in "St.".
        if (/[A-Za-z]{5,}\.$/.test(value)) value = value.slice(0, -1);
        // With a state and ZIP the shape is unmistakable; a bare "12 Main St" is likelier prose.
        const full = /\b\d{5}(?:-\d{4})?$/.test(value) || FULL_STATE.test(value);
        out.push({ type: 'ADDRESS', start: m.index, end: m.index + value.length, score: full ? 0.85 : 0.6, detector: 'address.us' });
      }, anchors);
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out;
  },
};
