/**
 * @module inspect/detectors/pii/kr-driver-license
 * Korean driver's licence numbers, `RR-NN-NNNNNN-NN`: a region code (11–26, or 28 for northern
 * Gyeonggi), the issue year, a serial and a check pair. Older licences print the region as a
 * name (`서울 12-345678-90`); both are matched. Twelve plain digits are reported only next to
 * `운전면허`/`면허번호`/"driver". There is no public check-digit algorithm, so the region code
 * and the 2-2-6-2 shape carry the precision: 0.6 dashed, 0.7 with a region name, +0.35 context.
 */
import type { Detector, Finding } from '../../types.ts';
import { CONTEXT_BOOST, hasOwnContext } from './context.ts';
import { finding, gluedToNeighbour, scanAll } from './scan.ts';

const ID = 'kr_driver_license';
const TYPE = 'KR_DRIVER_LICENSE';
const CONTEXT = ['운전면허', '면허번호', '면허', 'driver', 'licence', 'license'];
const REGION_NAMES = '서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|경기북부';
// Groups: 1 = numeric region, 2 = separator, 3 = region name.
const NUMERIC = /(1[1-9]|2[0-68])([- ]?)\d{2}\2\d{6}\2\d{2}/g;
const NAMED = new RegExp(`(${REGION_NAMES})[ ]?\\d{2}-\\d{6}-\\d{2}`, 'g');

export const krDriverLicenseDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    scanAll(NUMERIC, text, (m) => {
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
    scanAll(NAMED, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (gluedToNeighbour(text, start, end)) return start + 1;
      let score = 0.7;
      if (hasOwnContext(text, start, CONTEXT, 32)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
