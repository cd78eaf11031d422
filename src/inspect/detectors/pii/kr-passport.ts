/**
 * @module inspect/detectors/pii/kr-passport
 * Korean passport numbers: the old form, a type letter (M, S, R, O, D) and eight digits
 * (`M12345678`), and the form issued since December 2021, letter, three digits, letter, four
 * digits (`M123A4567`). Upper case only, as printed. Letter-plus-digits codes are common in
 * product and ticket numbers, so the old form needs `여권`/"passport" nearby to pass a default
 * policy (0.4, 0.75 with context); the new form's shape is rarer (0.5, 0.85 with context).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { scanOf } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasContext } from './context.ts';
import { codeAt, finding, isWordChar, scanAtStarts } from './scan.ts';

const ID = 'kr_passport';
const TYPE = 'KR_PASSPORT';
const CONTEXT = ['여권', 'passport', 'pass no', 'pass. no'];
// Group 1 set for the new form.
const CANDIDATE = /[MSROD](?:\d{8}|(\d{3}[A-Z]\d{4}))/y;

const isUpper = (c: number): boolean => c >= 65 && c <= 90;

/**
 * Where a match can begin, in text order. Both forms end in a run of at least four digits right
 * after a capital letter (`M|12345678`, `M123A|4567`); such a run always begins a number cluster
 * of the shared scan (`text-scan.ts`), since a letter cannot be part of one. So a match begins one
 * character before a cluster (old form) or five (new form), and the shared scan replaces a regex
 * pass over the whole text. Positions come out sorted: a cluster holds at least four digits, so
 * the previous cluster starts at least five characters before this one's letter.
 */
function candidateStarts(text: string, ctx: DetectContext | undefined): number[] {
  const out: number[] = [];
  const bounds = scanOf(text, ctx).clusterBounds();
  for (let i = 0; i < bounds.length; i += 4) {
    const start = bounds[i]!;
    if (!isUpper(codeAt(text, start - 1))) continue;
    if (start >= 5) out.push(start - 5);
    out.push(start - 1);
  }
  return out;
}

export const krPassportDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanAtStarts(CANDIDATE, text, candidateStarts(text, ctx), (m, start) => {
      const end = start + m[0].length;
      if (isWordChar(codeAt(text, start - 1)) || isWordChar(codeAt(text, end))) return start + 1;
      // A dash joining more of the code ("M12345678-01") makes it a longer reference number.
      if (text.charCodeAt(end) === 45 && isWordChar(codeAt(text, end + 1))) return start + 1;
      let score = m[1] !== undefined ? 0.5 : 0.4;
      if (hasContext(text, start, end, CONTEXT, 32)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
