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
import type { Detector, Finding } from '../../types.ts';

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

const PATTERN = new RegExp(`(?:${STREET}|${PO_BOX})${UNIT}${CITY_STATE_ZIP}`, 'g');

export const addressUs: Detector = {
  id: 'address.us',
  types: ['ADDRESS'],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    try {
      const re = new RegExp(PATTERN);
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        let value = m[0];
        // "10 Downing Street." — the full stop ends the sentence, unlike the one in "St.".
        if (/[A-Za-z]{5,}\.$/.test(value)) value = value.slice(0, -1);
        // With a state and ZIP the shape is unmistakable; a bare "12 Main St" is likelier prose.
        const full = /\b\d{5}(?:-\d{4})?$/.test(value) || new RegExp(`\\b(?:${STATES})$`).test(value);
        out.push({ type: 'ADDRESS', start: m.index, end: m.index + value.length, score: full ? 0.85 : 0.6, detector: 'address.us' });
      }
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out;
  },
};
