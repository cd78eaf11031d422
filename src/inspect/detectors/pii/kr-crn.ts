/**
 * @module inspect/detectors/pii/kr-crn
 * 법인등록번호 (corporate registration number), `NNNNNN-NNNNNNN` with the 1,2,1,2… weighted
 * check digit; a failing check digit drops the candidate. The shape is shared with RRNs, so:
 * `법인` nearby makes it 1.0; otherwise a number that cannot be a birth date (or only an 1800s one) scores 0.6 written
 * with a separator (0.4 without), and one that could also be an RRN/FRN scores 0.3, leaving it
 * to the person detectors under a default policy.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { analyse, scanId13 } from './kr-id13.ts';
import { finding } from './scan.ts';

const ID = 'kr_crn';
const TYPE = 'KR_CRN';

export const krCrnDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    for (const id of scanId13(text, ctx)) {
      const r = analyse(text, id);
      if (!r.crnChecksum) continue;
      let score: number;
      if (r.corporateContext) score = 1.0;
      else if ((!r.rrnShape && !r.frnShape) || r.born1800s) score = id.separated ? 0.6 : 0.4;
      else score = 0.3;
      out.push(finding(TYPE, id.start, id.end, score, ID));
    }
    return out;
  },
};
