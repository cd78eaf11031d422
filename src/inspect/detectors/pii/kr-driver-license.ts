/**
 * @module inspect/detectors/pii/kr-driver-license
 * Korean driver's licence numbers, `RR-NN-NNNNNN-NN`: a region code (11–26, or 28 for northern
 * Gyeonggi), the issue year, a serial and a check pair. Older licences print the region as a
 * name (`서울 12-345678-90`); both are matched. Twelve plain digits are reported only next to
 * `운전면허`/`면허번호`/"driver". There is no public check-digit algorithm, so the region code
 * and the 2-2-6-2 shape carry the precision: 0.6 dashed, 0.7 with a region name, +0.35 context.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumbers, type ClusterNeed } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasOwnContext } from './context.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'kr_driver_license';
const TYPE = 'KR_DRIVER_LICENSE';
const CONTEXT = ['운전면허', '면허번호', '면허', 'driver', 'licence', 'license'];
const REGION_NAMES = '서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|경기북부';
// Groups: 1 = numeric region, 2 = separator.
const NUMERIC = /(1[1-9]|2[0-68])([- ]?)\d{2}\2\d{6}\2\d{2}/g;
/** The digits after a region name; the name itself is looked up just before them. */
const NAMED_DIGITS = /\d{2}-\d{6}-\d{2}/g;
const REGIONS = REGION_NAMES.split('|').sort((a, b) => b.length - a.length);

/** Start of the region name (and optional space) written right before `at`, or -1. */
function regionStart(text: string, at: number): number {
  const end = text.charCodeAt(at - 1) === 32 ? at - 1 : at;
  for (const r of REGIONS) if (end >= r.length && text.startsWith(r, end - r.length)) return end - r.length;
  return -1;
}

/** What a cluster needs before the regex is tried (one object per module, not one per call). */
const NUMERIC_NEED: ClusterNeed = clusterNeed({ digits: 12, first: '12', firstGroup: (n: number): boolean => n === 2 || n >= 12 });
const NAMED_DIGITS_NEED: ClusterNeed = clusterNeed({ digits: 10, firstGroup: (n: number): boolean => n === 2 });

export const krDriverLicenseDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumbers(NUMERIC, text, ctx, NUMERIC_NEED, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (gluedToNeighbour(text, start, end)) return start + 1;
      const sep = m[2] ?? '';
      const context = hasOwnContext(text, start, CONTEXT, 32);
      let score = sep === '-' ? 0.6 : sep === ' ' ? 0.4 : 0.2;
      if (context) score += CONTEXT_BOOST;
      if (score < 0.3) return start + 1;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    // Named form (`서울 12-345678-90`): found from its digits, the region name looked up before them.
    scanNumbers(NAMED_DIGITS, text, ctx, NAMED_DIGITS_NEED, (m) => {
      const start = regionStart(text, m.index);
      if (start < 0) return m.index + 1;
      const end = m.index + m[0].length;
      if (gluedToNeighbour(text, start, end)) return m.index + 1;
      let score = 0.7;
      if (hasOwnContext(text, start, CONTEXT, 32)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
