/**
 * @module inspect/detectors/pii/kr-passport
 * Korean passport numbers: the old form, a type letter (M, S, R, O, D) and eight digits
 * (`M12345678`), and the form issued since December 2021, letter, three digits, letter, four
 * digits (`M123A4567`). Upper case only, as printed. Letter-plus-digits codes are common in
 * product and ticket numbers, so the old form needs `여권`/"passport" nearby to pass a default
 * policy (0.4, 0.75 with context); the new form's shape is rarer (0.5, 0.85 with context).
 */
import type { Detector, Finding } from '../../types.ts';
import { CONTEXT_BOOST, hasContext } from './context.ts';
import { codeAt, finding, isWordChar, scanAll } from './scan.ts';

const ID = 'kr_passport';
const TYPE = 'KR_PASSPORT';
const CONTEXT = ['여권', 'passport', 'pass no', 'pass. no'];
// Group 1 set for the new form.
const CANDIDATE = /[MSROD](?:\d{8}|(\d{3}[A-Z]\d{4}))/g;

export const krPassportDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    scanAll(CANDIDATE, text, (m) => {
      const start = m.index;
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
