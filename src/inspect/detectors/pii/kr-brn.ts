/**
 * @module inspect/detectors/pii/kr-brn
 * 사업자등록번호 (business registration number), `NNN-NN-NNNNN`: tax office code (101–999),
 * business type (01–99), serial and the National Tax Service check digit. A failing check digit
 * drops the candidate unless `사업자` (or "business registration") is written just before it.
 *
 * Scores: dashed and valid 0.8; space-separated and valid 0.5; unseparated ten-digit runs are
 * reported only with context. Context adds 0.35.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumberStarts, type ClusterNeed } from '../../text-scan.ts';
import { brnChecksumValid } from './checksums.ts';
import { CONTEXT_BOOST, hasOwnContext } from './context.ts';
import { fixedGroupsEnd, groupSeparator } from './number-readers.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'kr_brn';
const TYPE = 'KR_BRN';
const CONTEXT = ['사업자', 'business registration', 'business number', 'brn', '상호'];
/** Candidates: `\d{3}([- ]?)\d{2}\1\d{5}`, read by `fixedGroupsEnd`. */
const GROUPS = [3, 2, 5] as const;
const SEPARATORS = '- ';

/** What a cluster needs before a candidate is read (one object per module, not one per call). */
const CANDIDATE_NEED: ClusterNeed = clusterNeed({ digits: 10, firstGroup: (n: number): boolean => n === 3 || n >= 10 });

export const krBrnDetector: Detector = {
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
      if (Number(digits.slice(0, 3)) < 101 || digits.slice(3, 5) === '00') return start + 1;
      const context = hasOwnContext(text, start, CONTEXT, 32);
      const valid = brnChecksumValid(digits);
      let score: number;
      if (valid) score = sep === '-' ? 0.8 : sep === ' ' ? 0.5 : 0.3;
      else if (context && sep !== '') score = 0.15;
      else return start + 1;
      if (context) score += CONTEXT_BOOST;
      if (score < 0.3) return start + 1;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
