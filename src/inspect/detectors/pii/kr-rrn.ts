/**
 * @module inspect/detectors/pii/kr-rrn
 * 주민등록번호 (resident registration number), `YYMMDD-GNNNNNN`: a real birth date and a gender
 * digit of 1–4 (or 9/0 for people born in the 1800s). The weighted check digit only raises
 * confidence: numbers issued since October 2020 have random trailing digits and must still be
 * found. An 1800s number (gender digit 9/0) that is also a valid 법인등록번호 scores 0.4: it is
 * almost certainly the company number. Scores: written with a separator 0.6, or 1.0 with a valid check digit; unseparated
 * 0.35 / 0.45, so they need `주민`/`RRN` nearby (+0.35): bare thirteen-digit runs are far more
 * often millisecond timestamps (`1704176055486`) and barcodes than RRNs.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { CONTEXT_BOOST, hasOwnContext } from './context.ts';
import { analyse, isKoreanBarcode, RRN_CONTEXT, scanId13 } from './kr-id13.ts';
import { finding } from './scan.ts';

const ID = 'kr_rrn';
const TYPE = 'KR_RRN';

export const krRrnDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    for (const id of scanId13(text, ctx)) {
      const r = analyse(text, id);
      if (!r.rrnShape) continue;
      let score: number;
      if (r.corporateContext && r.crnChecksum) score = 0.3;
      else if (r.born1800s && r.crnChecksum) score = 0.4;
      else if (id.separated) score = r.rrnChecksum ? 1.0 : 0.6;
      else if (isKoreanBarcode(id.digits)) score = 0.3;
      else score = r.rrnChecksum ? 0.45 : 0.35;
      if (score > 0.3 && hasOwnContext(text, id.start, RRN_CONTEXT, 32)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, id.start, id.end, score, ID));
    }
    return out;
  },
};
