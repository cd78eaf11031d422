/**
 * @module inspect/detectors/pii/kr-id13
 * The shared reading of thirteen-digit Korean identifiers, `NNNNNN-NNNNNNN`: 주민등록번호
 * (RRN), 외국인등록번호 (FRN) and 법인등록번호 (CRN) all have this shape. Each of the three
 * detectors scans with `scanId13` and then asks `analyse` what the number could be, so they
 * agree on who should win when one number fits two of them:
 *
 * - a valid birth date with gender digit 1–4/9/0 reads as an RRN, 5–8 as an FRN;
 * - a valid CRN check digit with `법인` nearby (and no `주민` nearby) reads as a CRN, and the
 *   RRN/FRN detectors step back below the default threshold;
 * - a valid CRN check digit with no valid birth date, or only an 1800s one, reads as a CRN.
 */
import { crnChecksumValid, frnChecksumValid, isValidDate, rrnChecksumValid } from './checksums.ts';
import { hasOwnContext } from './context.ts';
import { gluedToNeighbour } from './scan.ts';
import type { DetectContext } from '../../types.ts';
import { clusterNeed, scanNumberStarts, scanOf, type ClusterNeed } from '../../text-scan.ts';
import { fixedGroupsEnd, groupSeparator } from './number-readers.ts';

/** Digits 6 + 7 with a dash, en dash, a space, or nothing between: `\d{6}([-\u2013 ]?)\d{7}`, read by `fixedGroupsEnd`. */
const ID13_GROUPS = [6, 7] as const;
const ID13_SEPARATORS = '-\u2013 ';

/** What a cluster needs before a candidate is read (one object per module, not one per call). */
const ID13_NEED: ClusterNeed = clusterNeed({ digits: 13, firstGroup: (n: number): boolean => n === 6 || n >= 13 });

export const RRN_CONTEXT = ['주민', 'rrn', 'resident registration', '생년월일', '신분증'];
export const FRN_CONTEXT = ['외국인', 'frn', 'alien registration', 'foreign registration', '체류', 'residence card'];
const PERSON_CONTEXT = [...RRN_CONTEXT, ...FRN_CONTEXT];
export const CRN_CONTEXT = ['법인', 'corporate registration', 'corporation registration', 'crn', '등기'];

export interface Id13 {
  start: number;
  end: number;
  digits: string;
  /** Written with a separator between the two halves (the way people write these numbers). */
  separated: boolean;
}

/** The thirteen-digit candidates in `text`, found once per text and shared by RRN, FRN and CRN. */
export function scanId13(text: string, ctx?: DetectContext): readonly Id13[] {
  return scanOf(text, ctx).cached('kr-id13', () => findId13(text, ctx));
}

function findId13(text: string, ctx: DetectContext | undefined): Id13[] {
  const out: Id13[] = [];
  scanNumberStarts(text, ctx, ID13_NEED, (start) => {
    const end = fixedGroupsEnd(text, start, ID13_GROUPS, ID13_SEPARATORS);
    if (end < 0) return -1;
    if (gluedToNeighbour(text, start, end)) return start + 1;
    const sep = groupSeparator(text, start, ID13_GROUPS[0]);
    const raw = text.slice(start, end);
    out.push({ start, end, digits: sep === '' ? raw : raw.replace(sep, ''), separated: sep !== '' });
    return end;
  });
  return out;
}

/** Full birth year from YY and the gender/century digit, or 0 if the digit is not a person's. */
function birthYear(yy: number, g: number): number {
  if (g === 9 || g === 0) return 1800 + yy;
  if (g === 1 || g === 2 || g === 5 || g === 6) return 1900 + yy;
  // 3/4/7/8: born 2000 or later; a year after 2049 cannot be a living person's yet.
  return yy <= 49 ? 2000 + yy : 0;
}

export interface Id13Reading {
  /** Birth date valid and gender digit 1–4, 9 or 0. */
  rrnShape: boolean;
  /**
   * RRN shape with gender digit 9/0 (born in the 1800s). Valid, but nobody writing today has one,
   * while every Seoul-registered company's 법인등록번호 (`110111-0…`) reads like one.
   */
  born1800s: boolean;
  /** Birth date valid and gender digit 5–8. */
  frnShape: boolean;
  rrnChecksum: boolean;
  frnChecksum: boolean;
  crnChecksum: boolean;
  /** `법인` (or similar) nearby and no `주민`/`외국인` nearby. */
  corporateContext: boolean;
}

/** Readings by candidate: RRN, FRN and CRN each ask about the same candidates of a text. */
const readings = new WeakMap<Id13, Id13Reading>();

/** What the candidate `id` (found in `text` by `scanId13`) could be; read once per candidate. */
export function analyse(text: string, id: Id13): Id13Reading {
  let r = readings.get(id);
  if (r === undefined) {
    r = read(text, id);
    readings.set(id, r);
  }
  return r;
}

function read(text: string, id: Id13): Id13Reading {
  const d = id.digits;
  const yy = Number(d.slice(0, 2));
  const mm = Number(d.slice(2, 4));
  const dd = Number(d.slice(4, 6));
  const g = d.charCodeAt(6) - 48;
  const year = birthYear(yy, g);
  const dateOk = year > 0 && isValidDate(year, mm, dd);
  const person = hasOwnContext(text, id.start, PERSON_CONTEXT, 32);
  return {
    rrnShape: dateOk && (g <= 4 || g === 9),
    born1800s: dateOk && (g === 0 || g === 9),
    frnShape: dateOk && g >= 5 && g <= 8,
    rrnChecksum: rrnChecksumValid(d),
    frnChecksum: frnChecksumValid(d),
    crnChecksum: crnChecksumValid(d),
    corporateContext: !person && hasOwnContext(text, id.start, CRN_CONTEXT, 32),
  };
}

/** Valid EAN-13 (GS1) check digit; Korean product barcodes start 880 and can look like RRNs. */
export function isKoreanBarcode(digits: string): boolean {
  if (!digits.startsWith('880') || digits.length !== 13) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(12) - 48;
}
