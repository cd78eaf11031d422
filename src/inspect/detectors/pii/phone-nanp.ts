/**
 * @module inspect/detectors/pii/phone-nanp
 * North American numbers: `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `+1 555 123 4567`,
 * `1-800-555-0199`, `001-518-640-0854`, with an optional extension (`x123`, `ext. 12`).
 * The area code must start with 2–9 (NANP rule). All-space forms (`555 123 4567`) look like
 * many other digit groupings, so they need a context word to pass a default policy. A number
 * labelled as something else (`order no`, `tracking`, `주문번호`; see `phone-label.ts`) loses 0.35.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumbers, type ClusterNeed } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasContext } from './context.ts';
import { numberLabel } from './phone-label.ts';
import { PHONE_CONTEXT, PHONE_CONTEXT_AFTER } from './phone-words.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'phone.nanp';
const TYPE = 'PHONE';

// Groups: 1 = country prefix, 2 = "(area)", 3 = bare area, 4 = sep after bare area, 5 = sep before line.
const NANP =
  /(\+1[ .-]?|(?:00)?1[ .-])?(?:(\([2-9]\d\d\))[ .-]?|([2-9]\d\d)([ .-]))\d{3}([ .-])\d{4}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?/gi;

/** What a cluster needs before the regex is tried (one object per module, not one per call). */
const NANP_NEED: ClusterNeed = clusterNeed({ digits: 10, firstGroup: (n: number): boolean => n === 1 || n === 3 });

export const nanpPhoneDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumbers(NANP, text, ctx, NANP_NEED, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      // A space counts as glue here: "21 284 698 2548" is one foreign number, not a NANP one.
      if (gluedToNeighbour(text, start, end, '-. ') || text.charCodeAt(start - 1) === 43 /* + */) return start + 1;
      const sepA = m[4];
      const sepB = m[5] ?? '';
      // 555-123.4567 mixes separators: a version string or a code, not a phone number.
      if (sepA !== undefined && sepA !== sepB) return start + 1;
      const spaced = sepB === ' ' && m[2] === undefined;
      let score = m[1] !== undefined && m[1].startsWith('+') ? 0.7 : spaced ? 0.4 : 0.6;
      // "Tracking 555-123-4567", "주문번호 …": labelled as another kind of number, it stays below 0.5.
      if (numberLabel(text, start, PHONE_CONTEXT, 32) === 'other') score -= CONTEXT_BOOST;
      else if (hasContext(text, start, end, PHONE_CONTEXT, 32) || hasContext(text, end, end, PHONE_CONTEXT_AFTER, 0, 12)) {
        score += CONTEXT_BOOST;
      }
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
