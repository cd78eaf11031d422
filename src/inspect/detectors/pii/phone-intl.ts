/**
 * @module inspect/detectors/pii/phone-intl
 * International and free-form phone numbers: E.164 with `+` (`+44 7700 900123`,
 * `+46 (0)8 928 571 38`, `+447700677662`) and, next to a phone context word, any grouping of
 * 7–15 digits in groups separated by single spaces, dots or dashes (`0490 75 40 81`,
 * `(08) 8747 6301`, `60-56-85-91`, `Fax: 9498777106`).
 *
 * Without a `+` a digit grouping is only a phone number because of what surrounds it, so the
 * context word is what lifts it over a default policy's 0.5, and only when it is the number's own
 * label (`phone-label.ts`). Shapes of other things are rejected outright: calendar dates, dotted
 * quads (IPv4), runs long enough to be cards, and groupings no phone number has (a first group of
 * six or more digits such as the 6-7 of resident numbers, the 3-2-5 of business numbers).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, execAt, scanNumberStarts, type ClusterNeed } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasContext } from './context.ts';
import { numberLabel } from './phone-label.ts';
import { PHONE_CONTEXT, PHONE_CONTEXT_AFTER } from './phone-words.ts';
import { CHAIN_BODY_SOURCE, CHAIN_EXTENSION_SOURCE, chainBodyEnd, chainExtensionEnd } from './number-readers.ts';
import { finding, gluedToNeighbour } from './scan.ts';

const ID = 'phone.intl';
const TYPE = 'PHONE';

// Every quantifier is bounded and every repeated group starts with a mandatory separator, so a
// digit run can be split only one way and each start position costs constant work.
// Groups: 1 = "+cc" prefix, 2 = "(area)", 3 = the digit groups; then an optional extension.
// A lone short number ("2024", "3") cannot match: the body needs a separator or 7+ digits.
// That keeps prose full of small numbers cheap. At a digit start only the body and extension can
// match, and `number-readers.ts` reads them by hand; the regex serves `+` and `(` starts.
const CHAIN = new RegExp(
  String.raw`(\+[1-9]\d{0,2}[ .-]?(?:\(0\)[ .-]?)?)?(\(\d{1,5}\)[ .-]?)?(${CHAIN_BODY_SOURCE})${CHAIN_EXTENSION_SOURCE}`,
  'gi',
);

const DATE_YMD = /^(?:19|20)\d\d([-.])(0?[1-9]|1[0-2])\1(0?[1-9]|[12]\d|3[01])(?:$|[ ])/;
const DATE_DMY = /^(0?[1-9]|[12]\d|3[01])([-.])(0?[1-9]|1[0-2])\2(?:19|20)\d\d$/;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Whether a grouping written without `+` or `(area)` can be a phone number at all. A phone number's
 * first group is its trunk prefix and area code (`02`, `031`, `0171`, `01632`), at most five digits
 * — six only for the few UK codes like `016977`, in an eleven-digit number. So a longer first
 * group is something else: `451638-2515243` has the 6-7 shape of a resident or corporate
 * registration number, `20231006-5938799` is a dated order number. And `NNN-NN-NNNNN` is the
 * Korean business registration number's shape; no Korean, NANP or other national plan groups a
 * phone number 3-2-5.
 */
function phoneGrouping(groups: readonly number[], total: number): boolean {
  if (groups.length < 2) return true;
  const first = groups[0]!;
  if (first >= 7 || (first === 6 && total > 11)) return false;
  if (groups.length === 3 && first === 3 && groups[1]! === 2 && groups[2]! === 5) return false;
  return true;
}

/**
 * The lengths of the groups of `body` split at each space, dot or dash (as `split(/[ .-]/)`,
 * which cost a runtime call per chain; most chains in logs are rejected right after this).
 */
function groupLengths(body: string): number[] {
  const out: number[] = [];
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 32 || c === 46 || c === 45) { out.push(i - from); from = i + 1; }
  }
  out.push(body.length - from);
  return out;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 48 && c <= 57) n++; }
  return n;
}

/** Score for a chain, or 0 if it is not phone-shaped. */
function baseScore(plus: string | undefined, area: string | undefined, body: string): number {
  const groups = groupLengths(body);
  let digits = 0;
  let singles = 0;
  for (const g of groups) {
    digits += g;
    if (g === 1) singles++;
  }
  const areaDigits = area ? area.length - 2 : 0;
  const plusDigits = plus ? countDigits(plus) : 0;
  const total = digits + areaDigits + plusDigits;
  if (total < 7 || total > 15) return 0;
  if (singles > 1) return 0;
  // Each shape test only where it can match: a year first (19xx/20xx), 8–10 characters, four groups.
  const head = body.charCodeAt(0);
  if ((head === 49 || head === 50) && DATE_YMD.test(body)) return 0;
  if (body.length >= 8 && body.length <= 10 && DATE_DMY.test(body)) return 0;
  if (groups.length === 4 && DOTTED_QUAD.test(body)) return 0;
  if (!plus && !area && !phoneGrouping(groups, total)) return 0;
  if (plus) return total >= 8 ? 0.6 : 0;
  if (groups.length === 1 && !area) return total >= 8 ? 0.2 : 0;
  return 0.3;
}

/**
 * What a cluster needs before a chain is read (one object per module, not one per call). In a
 * cluster of digit runs joined by single spaces, dots or dashes, a chain from any start runs to the
 * cluster's end or stops right before a digit or before a separator and digit (more than 15 digits
 * in a run, more than eight groups): glued either way when a letter other than an extension's `x`
 * or `e` follows the cluster (`2024-03-12T…`, `88213 200 37ms`), so the walk leaves those out.
 */
const CHAIN_NEED: ClusterNeed = clusterNeed({
  digits: 7,
  firstGroup: (n: number): boolean => n <= 15,
  gluedChain: { separators: ' .-', maxRuns: Infinity, minRun: 1, except: 'xXeE' },
});

/** Judges the chain `[start, end)` with the regex's groups (the body is `[bodyStart, bodyEnd)`); returns where the scan goes on. */
function judge(
  text: string,
  start: number,
  end: number,
  plus: string | undefined,
  area: string | undefined,
  bodyStart: number,
  bodyEnd: number,
  out: Finding[],
): number {
  // A space is glue too: a chain that starts mid-way through a longer rejected chain is a
  // fragment of it ("4111 1111 1111 1111" must not yield "1111 1111 1111").
  if (gluedToNeighbour(text, start, end, '-. ')) return start + 1;
  if (plus === undefined && text.charCodeAt(start - 1) === 43 /* + */) return start + 1;
  const base = baseScore(plus, area, text.slice(bodyStart, bodyEnd));
  if (base === 0) return start + 1;
  const plain = base === 0.2;
  // The phone word must be this number's own label (see phone-label.ts); a label written
  // after the number ("… 1693-Office") counts unless another number's label precedes it.
  const window = plain ? 20 : 40;
  const label = numberLabel(text, start, PHONE_CONTEXT, window, false);
  const context =
    label === 'phone' ||
    (label === 'none' &&
      hasContext(text, end, end, PHONE_CONTEXT_AFTER, 0, plain ? 6 : 12) &&
      numberLabel(text, start, PHONE_CONTEXT, window) !== 'other');
  const score = base + (context ? CONTEXT_BOOST : 0);
  if (score >= 0.3) out.push(finding(TYPE, start, end, score, ID));
  return end;
}

export const intlPhoneDetector: Detector = {
  id: ID,
  types: [TYPE],
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumberStarts(text, ctx, CHAIN_NEED, (p) => {
      const c = text.charCodeAt(p);
      // Most starts are digits, where only the regex's body and extension can match: read by hand.
      if (c >= 48 && c <= 57) {
        const bodyEnd = chainBodyEnd(text, p);
        if (bodyEnd < 0) return -1;
        return judge(text, p, chainExtensionEnd(text, bodyEnd), undefined, undefined, p, bodyEnd, out);
      }
      // A `+` or `(` start: the regex, whose optional prefix groups can give digits back.
      const m = execAt(CHAIN, text, p);
      if (m === null) return -1;
      const bodyStart = p + (m[1]?.length ?? 0) + (m[2]?.length ?? 0);
      return judge(text, p, p + m[0].length, m[1], m[2], bodyStart, bodyStart + (m[3] ?? '').length, out);
    });
    return out;
  },
};
