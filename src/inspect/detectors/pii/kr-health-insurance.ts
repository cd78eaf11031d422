/**
 * @module inspect/detectors/pii/kr-health-insurance
 * 건강보험증 번호 (National Health Insurance card number). The card number is eleven digits and
 * has no published check digit; it is printed solid or split once (`1-2345678901`,
 * `12345-678901`). Shape chosen here: 10–11 digits, solid or in up to three groups separated by
 * dashes or spaces. That shape is far too common to report on its own, so a candidate is
 * reported only with `건강보험`, `보험증`, `건보`, `의료보험` or "health insurance" within 24
 * characters before it (score 0.75).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumbers, type ClusterNeed } from '../../text-scan.ts';
import { hasOwnContext } from './context.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'kr_health_insurance';
const TYPE = 'KR_HEALTH_INSURANCE';
const CONTEXT = ['건강보험', '보험증', '건보', '의료보험', 'health insurance', 'nhis'];
const CANDIDATE = /\d{1,11}(?:[- ]\d{1,10}){0,2}/g;

/** What a cluster needs before the regex is tried (one object per module, not one per call). */
const CANDIDATE_NEED: ClusterNeed = clusterNeed({ digits: 10, firstGroup: (n: number): boolean => n <= 11 });

export const krHealthInsuranceDetector: Detector = {
  id: ID,
  types: [TYPE],
  // Every finding needs one of these words just before it, so a text without any is skipped by the
  // engine's keyword prefilter (one native scan) before any number is looked at.
  keywords: CONTEXT,
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    // Every ten-digit candidate is checked for its own label (`hasOwnContext` below); looking the
    // words up around each candidate costs less than finding every occurrence of them first.
    scanNumbers(CANDIDATE, text, ctx, CANDIDATE_NEED, (m: RegExpExecArray): number => {
      const start = m.index;
      const end = start + m[0].length;
      if (gluedToNeighbour(text, start, end)) return start + 1;
      const raw = m[0];
      const digits = raw.replace(/[- ]/g, '');
      if (digits.length < 10 || digits.length > 11) return start + 1;
      if (raw.includes('-') && raw.includes(' ')) return start + 1;
      if (!hasOwnContext(text, start, CONTEXT, 24)) return start + 1;
      out.push(finding(TYPE, start, end, 0.75, ID));
      return end;
    });
    return out;
  },
};
