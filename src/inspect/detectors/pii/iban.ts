/**
 * @module inspect/detectors/pii/iban
 * International Bank Account Numbers (ISO 13616): country code, two check digits and the BBAN,
 * written solid or in groups of four separated by single spaces, in either case. The length must
 * match the country's registered length and the ISO 7064 MOD 97-10 check must pass; anything
 * else is dropped, so a passing IBAN scores 1.0.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { scanOf } from '../../text-scan.ts';
import { ibanMod97Valid } from './checksums.ts';
import { codeAt, finding, isAsciiLetter, isWordChar, scanAtStarts } from './scan.ts';

const ID = 'iban';
const TYPE = 'IBAN';

/** IBAN lengths by country, from the SWIFT IBAN Registry. */
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Country, check digits, then up to 30 BBAN characters with optional single spaces. */
const CANDIDATE = /[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}/y;

/**
 * Where a match can begin, in text order: two letters before a digit that follows a letter. The
 * check digits always are such a digit, and the shared scan lists those (`letterDigits`), so no
 * regex has to be tried at every letter pair of the text.
 */
function candidateStarts(text: string, ctx: DetectContext | undefined): number[] {
  const out: number[] = [];
  for (const d of scanOf(text, ctx).letterDigits()) {
    if (d >= 2 && isAsciiLetter(text.charCodeAt(d - 2))) out.push(d - 2);
  }
  return out;
}

/** Judges the candidate `m` at `start`; returns where the scan goes on (past an accepted IBAN). */
function visit(text: string, m: RegExpExecArray, start: number, out: Finding[]): number {
  if (isWordChar(codeAt(text, start - 1))) return start + 1;
  const raw = m[0];
  const want = LENGTHS[raw.slice(0, 2).toUpperCase()];
  if (want === undefined) return start + 1;
  // Take exactly the country's length in characters, allowing spaces between them.
  let count = 0;
  let i = 0;
  while (i < raw.length && count < want) {
    if (raw[i] !== ' ') count++;
    i++;
  }
  if (count < want) return start + 1;
  const end = start + i;
  if (isWordChar(codeAt(text, end))) return start + 1;
  const span = raw.slice(0, i);
  if (span.includes(' ')) {
    const groups = span.split(' ');
    for (let g = 0; g < groups.length - 1; g++) if (groups[g]!.length !== 4) return start + 1;
  }
  const compact = span.replace(/ /g, '');
  // One case throughout: "Gb82West…" is prose-like, not a printed IBAN.
  if (compact !== compact.toUpperCase() && compact !== compact.toLowerCase()) return start + 1;
  if (!ibanMod97Valid(compact)) return start + 1;
  out.push(finding(TYPE, start, end, 1.0, ID));
  return end;
}

export const ibanDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanAtStarts(CANDIDATE, text, candidateStarts(text, ctx), (m, start) => visit(text, m, start, out));
    return out;
  },
};
