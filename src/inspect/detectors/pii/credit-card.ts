/**
 * @module inspect/detectors/pii/credit-card
 * Payment card numbers (PANs): 12–19 digits, plain or in groups separated by spaces or dashes
 * (4-4-4-4, 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4), with a known issuer prefix for the length and
 * a valid Luhn check digit. A Luhn failure drops the candidate: one in ten random digit strings
 * passes Luhn, so the brand table and the grouping rules carry most of the precision.
 *
 * Scores: grouped numbers that pass are near-certain (1.0), plain 16–19 digits 0.95; plain
 * 14–15 digits 0.6 and 12–13 digits 0.45 (Maestro, old Visa) collide with other identifiers.
 * A card word nearby adds 0.35; an order/invoice/tracking label right before an unformatted
 * number takes 0.5 off (10% of random digit strings pass Luhn).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumberStarts, type ClusterNeed } from '../../text-scan.ts';
import { luhnValid } from './checksums.ts';
import { cardCandidateEnd } from './number-readers.ts';
import { CONTEXT_BOOST, hasContext, hasOwnContext } from './context.ts';
import { codeAt, finding, isDigit, isWordChar } from './scan.ts';

const ID = 'credit_card';
const TYPE = 'CREDIT_CARD';
const CONTEXT = ['card', 'credit', 'debit', 'cc', 'visa', 'master', 'amex', 'discover', 'jcb', '카드', '결제'];
/** Labels of other long numbers: an unformatted number right after one of these is not a card. */
const NOT_CARD = ['주문', '송장', '운송장', 'order', 'invoice', 'tracking', 'txn', 'transaction id'];

/**
 * Candidates are digits with optional single separators, at most 23 digits per start
 * (`CARD_CANDIDATE_SOURCE`, read by `cardCandidateEnd`). What a cluster needs before one is read
 * (registered for the shared walk):
 */
const CANDIDATE_NEED: ClusterNeed = clusterNeed({ digits: 12 });

interface Brand {
  prefixes: readonly [number, number][];
  /** Inclusive length range, or the exact lengths the brand issues. */
  lengths: readonly [number, number] | { exact: readonly number[] };
}

/** IIN ranges (inclusive, compared on the same number of leading digits) and PAN lengths. */
const BRANDS: readonly Brand[] = [
  { prefixes: [[4, 4]], lengths: { exact: [13, 16, 19] } }, // Visa
  { prefixes: [[51, 55], [2221, 2720]], lengths: [16, 16] }, // Mastercard
  { prefixes: [[34, 34], [37, 37]], lengths: [15, 15] }, // American Express
  { prefixes: [[6011, 6011], [644, 649], [65, 65]], lengths: [16, 19] }, // Discover
  { prefixes: [[3528, 3589]], lengths: [16, 19] }, // JCB
  { prefixes: [[35, 35]], lengths: [16, 16] }, // JCB (issuers outside 3528–3589 seen in test data)
  { prefixes: [[1800, 1800], [2131, 2131]], lengths: [15, 15] }, // JCB legacy
  { prefixes: [[62, 62], [81, 81]], lengths: [16, 19] }, // UnionPay
  { prefixes: [[300, 305], [3095, 3095], [36, 36], [38, 39]], lengths: [14, 19] }, // Diners
  { prefixes: [[50, 50], [56, 58], [6304, 6304], [639, 639], [67, 67], [604, 604]], lengths: [12, 19] }, // Maestro
  { prefixes: [[2200, 2204]], lengths: [16, 19] }, // Mir
  { prefixes: [[60, 60], [82, 82], [508, 508]], lengths: [16, 16] }, // RuPay
];

function brandMatches(d: string): boolean {
  for (const b of BRANDS) {
    const ok = 'exact' in b.lengths ? b.lengths.exact.includes(d.length) : d.length >= b.lengths[0] && d.length <= b.lengths[1];
    if (!ok) continue;
    for (const [lo, hi] of b.prefixes) {
      const width = String(lo).length;
      // Maestro's 0604 starts with a zero, which the numeric table writes as 604.
      const head = lo === 604 ? (d.startsWith('0') ? Number(d.slice(1, 4)) : -1) : Number(d.slice(0, width));
      if (head >= lo && head <= hi) return true;
    }
  }
  return false;
}

/** Allowed groupings when separators are present. */
function groupingOk(lengths: readonly number[]): boolean {
  if (lengths.length === 1) return true;
  const key = lengths.join('-');
  if (key === '4-6-5' || key === '4-6-4') return true;
  for (let i = 0; i < lengths.length - 1; i++) if (lengths[i] !== 4) return false;
  const last = lengths[lengths.length - 1]!;
  return last >= 1 && last <= 4;
}

/** Score for a span whose groups are `groups`, or 0. */
function scoreCard(groups: readonly string[], text: string, start: number, end: number): number {
  const digits = groups.join('');
  if (digits.length < 12 || digits.length > 19) return 0;
  if (!groupingOk(groups.map((g) => g.length))) return 0;
  if (!brandMatches(digits) || !luhnValid(digits)) return 0;
  if (/^(\d)\1+$/.test(digits)) return 0;
  const grouped = groups.length > 1;
  let score = grouped ? 1.0 : digits.length >= 16 ? 0.95 : digits.length >= 14 ? 0.6 : 0.45;
  if (hasContext(text, start, end, CONTEXT, 32)) score += CONTEXT_BOOST;
  else if (!grouped && hasOwnContext(text, start, NOT_CARD, 24)) score -= 0.5;
  return score;
}

export const creditCardDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumberStarts(text, ctx, CANDIDATE_NEED, (start) => {
      // CANDIDATE, read by hand (`number-readers.ts`).
      const candidateEnd = cardCandidateEnd(text, start);
      if (candidateEnd < 0) return -1;
      const before = codeAt(text, start - 1);
      if (isWordChar(before) || ((before === 45 || before === 46) && isWordChar(codeAt(text, start - 2)))) {
        return start + 1;
      }
      // The candidate's separator (the first space or dash), read before anything is sliced:
      // mixed separators and a first group other than four digits fail fast.
      let sepCode = -1;
      let firstGroup = candidateEnd - start;
      for (let i = start; i < candidateEnd; i++) {
        const c = text.charCodeAt(i);
        if (c !== 32 && c !== 45) continue;
        if (sepCode < 0) { sepCode = c; firstGroup = i - start; } else if (c !== sepCode) return start + 1;
      }
      // Every accepted grouping starts with four digits: anything else fails fast.
      if (sepCode >= 0 && firstGroup !== 4) return start + 1;
      const raw = text.slice(start, candidateEnd);
      const groups = sepCode < 0 ? [raw] : raw.split(String.fromCharCode(sepCode));
      // Longest acceptable prefix of whole groups: the candidate may have run into a following
      // number ("4111 1111 1111 1111 2025"). Only prefixes of at most six groups can be cards.
      let offset = raw.length;
      let k = groups.length;
      while (k > 6) offset -= groups[--k]!.length + 1;
      for (; k >= 1; k--) {
        const end = start + offset;
        const after = codeAt(text, end);
        const glued = isWordChar(after) || ((after === 45 || after === 46) && isDigit(codeAt(text, end + 1)));
        if (!glued) {
          const score = scoreCard(groups.slice(0, k), text, start, end);
          if (score > 0) {
            out.push(finding(TYPE, start, end, score, ID));
            return end;
          }
        }
        offset -= groups[k - 1]!.length + 1;
      }
      return start + 1;
    });
    return out;
  },
};
