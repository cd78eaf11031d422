/**
 * @module inspect/detectors/pii/phone-kr
 * Korean phone numbers: mobile (010, 011, 016–019), landlines (02, 031–033, 041–044, 051–055,
 * 061–064), 070 internet phones, 080 free-call, 060 and 0502–0508 safe numbers, representative
 * numbers (15xx, 16xx, 18xx-XXXX), and the same in +82 form (`+82 10-…`, `+82-2-…`,
 * `+82 (0)10 …`). Separators may be `-`, `.`, space or nothing.
 *
 * Scores: separated mobile numbers are distinctive (0.8); landlines 0.7; unseparated forms are
 * easily confused with other digit strings so they start low (0.6 mobile, 0.4 landline) and
 * need a context word to pass a default policy. A representative number (`1588-1234`) labelled
 * as another kind of number (`주문번호`, `tracking`; see `phone-label.ts`) drops below 0.5.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumbers, scanNumberStarts, type ClusterNeed } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasContext } from './context.ts';
import { numberLabel } from './phone-label.ts';
import { PHONE_CONTEXT } from './phone-words.ts';
import { fixedGroupsEnd, groupSeparator } from './number-readers.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'phone.kr';
const TYPE = 'PHONE';

// Groups: 1 = +82 prefix, 2 = parenthesised prefix, 3 = bare prefix, 4 = sep1, 5 = middle, 6 = sep2.
const PREFIX = '1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80';
const DOMESTIC = `0(?:${PREFIX}|60|50[2-8])`;
const KR_PHONE = new RegExp(
  `(?:(\\+82[ .-]?(?:\\(0\\)[ .-]?)?(?:${PREFIX}))|(\\(${DOMESTIC}\\))|(${DOMESTIC}))` +
    `([ .-]?)(\\d{3,4})([ .-]?)\\d{4}`,
  'g',
);
/**
 * 1588-1234 and kin: the 15xx/16xx/18xx nationwide numbers, `1[568]\d{2}([ .-]?)\d{4}`: `1`, one
 * of `568`, then read by `fixedGroupsEnd`.
 */
const REPRESENTATIVE_GROUPS = [4, 4] as const;
const REPRESENTATIVE_SEPARATORS = ' .-';
const YEARISH = /^(?:1[5-9]|20)\d\d$/;

function prefixDigits(m: RegExpExecArray): string {
  const raw = m[1] ?? m[2] ?? m[3] ?? '';
  if (m[1] !== undefined) {
    const tail = raw.replace(/^\+82[ .-]?(?:\(0\)[ .-]?)?/, '');
    return `0${tail}`;
  }
  return raw.replace(/[()]/g, '');
}

function scoreDomestic(m: RegExpExecArray): number {
  const prefix = prefixDigits(m);
  const sep1 = m[4] ?? '';
  const middle = m[5] ?? '';
  const sep2 = m[6] ?? '';
  const intl = m[1] !== undefined;
  const parens = m[2] !== undefined;
  const mobile = /^01[016789]$/.test(prefix);
  // 010 numbers always have a four-digit middle group.
  if (prefix === '010' && middle.length !== 4) return 0;
  // Landline exchanges never start with 0.
  if (!mobile && middle[0] === '0') return 0;
  // Mixed "separator / none" (0101234-5678) reads as an arbitrary digit string.
  const separated = sep2 !== '' && (sep1 !== '' || parens || intl);
  if (!separated && (sep1 !== '' || sep2 !== '')) return 0;
  if (intl) return 0.85;
  if (separated) return mobile ? 0.8 : 0.7;
  return mobile ? 0.6 : 0.4;
}

/** What a cluster needs before the regex is tried (one object per module, not one per call). */
const KR_PHONE_NEED: ClusterNeed = clusterNeed({ digits: 9, first: '0+(', firstGroup: (n: number): boolean => (n >= 2 && n <= 4) || n >= 9 });
const KR_REPRESENTATIVE_NEED: ClusterNeed = clusterNeed({ digits: 8, first: '1', firstGroup: (n: number): boolean => n === 4 || n >= 8 });

export const krPhoneDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumbers(KR_PHONE, text, ctx, KR_PHONE_NEED, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (gluedToNeighbour(text, start, end) || text.charCodeAt(start - 1) === 43 /* + */) return start + 1;
      let score = scoreDomestic(m);
      if (score === 0) return start + 1;
      if (hasContext(text, start, end, PHONE_CONTEXT, 24)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    scanNumberStarts(text, ctx, KR_REPRESENTATIVE_NEED, (start) => {
      const second = text.charCodeAt(start + 1);
      if (text.charCodeAt(start) !== 49 || (second !== 53 && second !== 54 && second !== 56)) return -1;
      const end = fixedGroupsEnd(text, start, REPRESENTATIVE_GROUPS, REPRESENTATIVE_SEPARATORS);
      if (end < 0) return -1;
      if (gluedToNeighbour(text, start, end)) return start + 1;
      const sep = groupSeparator(text, start, REPRESENTATIVE_GROUPS[0]);
      // "1850-1900" is a span of years far more often than a phone number.
      const yearRange = YEARISH.test(text.slice(end - 4, end));
      let score = (sep === '-' || sep === '.') && !yearRange ? 0.6 : 0.3;
      // Eight digits are a short code: labelled as an order or tracking number, that is what it is.
      if (numberLabel(text, start, PHONE_CONTEXT, 24) === 'other') score -= CONTEXT_BOOST;
      else if (hasContext(text, start, end, PHONE_CONTEXT, 24)) score += CONTEXT_BOOST;
      if (score >= 0.5) out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
