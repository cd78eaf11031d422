/**
 * @module inspect/detectors/pii/kr-bank-account
 * Korean bank account numbers. Banks use many layouts (`110-123-456789` 신한,
 * `1002-123-456789` 우리, `123-456789-01-001`, `3333-01-1234567` 카카오뱅크) and none has a
 * public check digit, so a digit string alone is never enough: a candidate (10–14 digits, plain
 * or in 2–5 dash/space groups of at least two digits) is reported only when a bank name or an
 * account word (`계좌`, `입금`, "account") appears within 24 characters before it; short bank
 * names that double as everyday words (`우리`, `하나`, `기업`) only directly before it.
 *
 * Scores: account word 0.85, bank name 0.7. A phone-shaped number after a bank name keeps its
 * PHONE finding (0.8 beats 0.7); after `계좌` it is reported as an account (평생계좌 use phone
 * numbers as account numbers).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumberStarts, type ClusterNeed } from '../../text-scan.ts';
import { ownWindowStart } from './context.ts';
import { windowHasWord } from './window-words.ts';
import { bankCandidateEnd } from './number-readers.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'kr_bank_account';
const TYPE = 'KR_BANK_ACCOUNT';
const ACCOUNT_WORDS = ['계좌', '입금', '송금', '이체', '통장', 'account', 'acct', 'a/c'];
const BANK_NAMES = [
  '은행', '신한', '농협', '카카오뱅크', '카뱅', '토스뱅크', '케이뱅크', '새마을금고', '신협', '우체국',
  '수협', 'ibk', 'kdb', 'kb국민', 'sc제일', '씨티', 'im뱅크', 'bank',
];
/**
 * Short bank names that are also everyday words (우리 "we", 하나 "one", 기업 "company", city
 * names): they count only right before the number ("우리 1002-…", "국민:123-…").
 */
const SHORT_BANK_NAMES = ['국민', '우리', '하나', '기업', '산업', '제일', '부산', '대구', '경남', '광주', '전북', '제주', 'kb', '토스'];
const SHORT_WINDOW = 4;
const WINDOW = 24;

/**
 * What a cluster needs before a candidate is read (one object per module, not one per call). In a
 * cluster of at most five digit runs joined by single dashes or spaces, every run after the first
 * at least two digits long, a candidate from any start runs to the cluster's end or stops right
 * before a digit (a run longer than the candidate's groups): glued either way when a letter
 * follows the cluster (`…/88213 200 37ms`), so the walk leaves those out.
 */
const CANDIDATE_NEED: ClusterNeed = clusterNeed({
  digits: 10,
  firstGroup: (n: number): boolean => n >= 2 && n <= 14,
  gluedChain: { separators: '- ', maxRuns: 5, minRun: 2, except: '' },
});

export const krBankAccountDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    // No keyword prefilter: each ten-digit candidate is checked for its own bank or account word
    // (below), cheaper than finding every occurrence of forty words first.
    scanNumberStarts(text, ctx, CANDIDATE_NEED, (start: number): number => {
      // CANDIDATE, read by hand (`number-readers.ts`).
      const end = bankCandidateEnd(text, start);
      if (end < 0) return -1;
      if (gluedToNeighbour(text, start, end)) return start + 1;
      let digits = 0;
      let dash = false;
      let space = false;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 45) dash = true;
        else if (c === 32) space = true;
        else digits++;
      }
      if (digits < 10 || digits > 14) return start + 1;
      if (dash && space) return start + 1;
      // One window for all three lists; the short names only in its last SHORT_WINDOW characters
      // (the window is already cut after the last digit before the value, as each list needs).
      const from = ownWindowStart(text, start, WINDOW);
      if (from >= start) return start + 1;
      let score = 0;
      if (windowHasWord(text, from, start, ACCOUNT_WORDS)) score = 0.85;
      else if (windowHasWord(text, from, start, BANK_NAMES)) score = 0.7;
      else if (windowHasWord(text, Math.max(from, start - SHORT_WINDOW), start, SHORT_BANK_NAMES)) score = 0.7;
      if (score === 0) return start + 1;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    return out;
  },
};
