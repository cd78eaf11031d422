/**
 * @module inspect/detectors/pii/kr-frn
 * 외국인등록번호 (alien registration number): the RRN shape with gender digit 5–8. Its check
 * digit variant ((11 − sum mod 11) mod 10 + 2) mod 10 is a booster only, as for RRNs. Scores
 * mirror `kr-rrn`; `외국인`/`FRN` nearby adds 0.35.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { CONTEXT_BOOST, hasOwnContext } from './context.ts';
import { analyse, FRN_CONTEXT, isKoreanBarcode, RRN_CONTEXT, scanId13 } from './kr-id13.ts';
import { finding } from './scan.ts';

const ID = 'kr_frn';
const TYPE = 'KR_FRN';
/** "주민등록번호" labels are used for foreigners' numbers too. */
const CONTEXT = [...FRN_CONTEXT, ...RRN_CONTEXT];

export const krFrnDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    for (const id of scanId13(text, ctx)) {
      const r = analyse(text, id);
      if (!r.frnShape) continue;
      let score: number;
      if (r.corporateContext && r.crnChecksum) score = 0.3;
      else if (id.separated) score = r.frnChecksum ? 1.0 : 0.6;
      else if (isKoreanBarcode(id.digits)) score = 0.3;
      else score = r.frnChecksum ? 0.45 : 0.35;
      if (score > 0.3 && hasOwnContext(text, id.start, CONTEXT, 32)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, id.start, id.end, score, ID));
    }
    return out;
  },
};
