/**
 * @module inspect/detectors/pii/us-ssn
 * US Social Security numbers, `AAA-GG-SSSS` (dashes or spaces; nine plain digits only next to a
 * context word such as "SSN"). Numbers the SSA never issues are rejected: area 000, 666 or
 * 900–999, group 00, serial 0000, and the well-known advertising/sample numbers.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumberStarts, type ClusterNeed } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasOwnContext } from './context.ts';
import { fixedGroupsEnd, groupSeparator } from './number-readers.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'us_ssn';
const TYPE = 'US_SSN';
const CONTEXT = ['ssn', 'social security', 'social sec', 'ss#', 'ss #', 'taxpayer', '사회보장'];
/** Candidates: `\d{3}([ -]?)\d{2}\1\d{4}`, read by `fixedGroupsEnd`. */
const GROUPS = [3, 2, 4] as const;
const SEPARATORS = ' -';
/** Woolworth's wallet card, SSA's advertising number, and the textbook example. */
const NEVER = new Set(['078051120', '219099999', '123456789']);

function issuable(d: string): boolean {
  const area = d.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return false;
  if (NEVER.has(d) || /^(\d)\1{8}$/.test(d)) return false;
  return true;
}

/** What a cluster needs before a candidate is read (one object per module, not one per call). */
const CANDIDATE_NEED: ClusterNeed = clusterNeed({ digits: 9, firstGroup: (n: number): boolean => n === 3 || n >= 9 });

export const usSsnDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumberStarts(text, ctx, CANDIDATE_NEED, (start) => {
      const end = fixedGroupsEnd(text, start, GROUPS, SEPARATORS);
      if (end < 0) return -1;
      if (gluedToNeighbour(text, start, end)) return start + 1;
      const sep = groupSeparator(text, start, GROUPS[0]);
      const raw = text.slice(start, end);
      const digits = sep === '' ? raw : raw.split(sep).join('');
      if (!issuable(digits)) return start + 1;
      const context = hasOwnContext(text, start, CONTEXT, 32);
      if (sep === '' && !context) return start + 1;
      const base = sep === '-' ? 0.5 : sep === ' ' ? 0.35 : 0.25;
      out.push(finding(TYPE, start, end, base + (context ? CONTEXT_BOOST + 0.1 : 0), ID));
      return end;
    });
    return out;
  },
};
