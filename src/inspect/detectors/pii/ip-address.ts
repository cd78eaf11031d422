/**
 * @module inspect/detectors/pii/ip-address
 * IPv4 (dotted quad, octets 0–255 without leading zeros) and IPv6 (full, `::`-compressed, and
 * with an embedded IPv4 tail), parsed in code after a bounded candidate regex.
 *
 * Hard negatives and how they are excluded: longer dotted strings (`1.2.3.4.5`, OIDs) by the
 * neighbour check; version strings (`v1.2.3.4`, "version 10.0.0.1") by the `v` prefix and a
 * version word just before; clock times (`12:30:45`) and MAC addresses because they do not have
 * the eight groups IPv6 needs without `::`; C++/Rust paths (`Vec::new`) because a compressed
 * address needs a digit in one of its groups when it has fewer than three.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { clusterNeed, scanNumbers, scanOf, type ClusterNeed } from '../../text-scan.ts';
import { CONTEXT_BOOST, hasContext } from './context.ts';
import { codeAt, finding, isWordChar } from './scan.ts';

const ID = 'ip_address';
const TYPE = 'IP_ADDRESS';
const CONTEXT = ['ip', 'address', 'addr', 'host', 'server', 'client', 'remote', 'inet', '아이피', '주소', '서버', '접속'];
const VERSION_WORDS = ['version', 'ver.', 'ver ', 'build', 'release', 'firmware', '버전', 'v.'];

const V4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;
/** Longest textual IPv6 (eight full groups with an IPv4 tail is 45 characters). */
const MAX_V6 = 46;
/** Shortest: `1::2` (a run any shorter holds no address, whatever surrounds it). */
const MIN_V6 = 4;
/**
 * Every IPv6 address holds a colon: the engine's cue pass reports whether the text has one, so a
 * text without (most prose) skips the search for colons, a full pass of its own.
 */
const COLON: readonly string[] = [':'];

function isV6Char(c: number): boolean {
  return (c >= 48 && c <= 58) /* 0-9 : */ || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46;
}

/** The IPv6 finding for the hex/colon/dot run `[start, end)`, if it is one. */
function v6Finding(text: string, start: number, end: number): Finding | null {
  // Glued to a word on either side: an identifier or a code path, not an address.
  if (isWordChar(codeAt(text, start - 1)) || isWordChar(codeAt(text, end))) return null;
  // Sentence punctuation at the edges: "… 2001:db8::1." or "… fe80::1: blocked".
  while (start < end && text.charCodeAt(start) === 46) start++;
  while (end > start && text.charCodeAt(end - 1) === 46) end--;
  if (end - start > 2 && text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58) end--;
  const value = text.slice(start, end);
  if (!isIPv6(value)) return null;
  let score = 0.6;
  if (hasContext(text, start, end, CONTEXT, 24)) score += CONTEXT_BOOST;
  return finding(TYPE, start, end, score, ID);
}

/**
 * Four dot-separated groups of one to three ASCII digits, each at most 255 and without a leading
 * zero. Read in one loop: it runs for every dotted quad a text holds.
 */
export function isIPv4(s: string): boolean {
  let groups = 0;
  let value = 0;
  let len = 0;
  let lead = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || (len > 1 && lead === 48) || value > 255 || ++groups > 4) return false;
      value = 0;
      len = 0;
    } else if (c >= 48 && c <= 57) {
      if (++len > 3) return false;
      if (len === 1) lead = c;
      value = value * 10 + (c - 48);
    } else return false;
  }
  return groups === 4;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Strict IPv6 textual form (RFC 4291 §2.2), without zone ids. */
export function isIPv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const compressed = halves.length === 2;
  const groups: string[] = [];
  for (const h of halves) if (h !== '') groups.push(...h.split(':'));
  let width = groups.length;
  const last = groups[groups.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups.pop();
    width += 1; // an IPv4 tail stands for two groups
  }
  for (const g of groups) if (!HEX_GROUP.test(g)) return false;
  if (compressed ? width > 7 : width !== 8) return false;
  if (width < 3 && !/\d/.test(s.replace(/::/g, ''))) return false;
  return width >= 2;
}

function versionBefore(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) === 118 || text.charCodeAt(start - 1) === 86) return true; // v / V
  return hasContext(text, start, start, VERSION_WORDS, 12);
}

/** What a cluster needs before the regex is tried (one object per module, not one per call). */
const V4_NEED: ClusterNeed = clusterNeed({ digits: 4, dots: 3, firstGroup: (n: number): boolean => n <= 3 });

export const ipAddressDetector: Detector = {
  id: ID,
  types: [TYPE],
  hints: COLON,
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    scanNumbers(V4, text, ctx, V4_NEED, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      const before = codeAt(text, start - 1);
      const after = codeAt(text, end);
      if (isWordChar(before) || before === 46 /* . */) return start + 1;
      if (isWordChar(after) || (after === 46 && isWordChar(codeAt(text, end + 1)))) return start + 1;
      if (!isIPv4(m[0])) return start + 1;
      let score = versionBefore(text, start) ? 0.3 : 0.6;
      if (hasContext(text, start, end, CONTEXT, 24)) score += CONTEXT_BOOST;
      out.push(finding(TYPE, start, end, score, ID));
      return end;
    });
    const v4count = out.length;
    // IPv6 is found from its colons rather than by a regex: a regex starting with a hex digit
    // would be tried at nearly every letter of English prose.
    let colon = scanOf(text, ctx).hinted(COLON) === false ? -1 : text.indexOf(':');
    while (colon >= 0) {
      // The whole hex/colon/dot run around this colon; runs are disjoint, so each character is
      // visited at most twice over the scan.
      let start = colon;
      while (start > 0 && isV6Char(text.charCodeAt(start - 1))) start--;
      let end = colon + 1;
      while (end < text.length && isV6Char(text.charCodeAt(end))) end++;
      if (end - start <= MAX_V6 && end - start >= MIN_V6) {
        const f = v6Finding(text, start, end);
        if (f) out.push(f);
      }
      colon = text.indexOf(':', end);
    }
    // An IPv4 tail inside an IPv6 address ("::ffff:192.0.2.1") is part of that one finding.
    // Both lists are sorted by start, so one merge pass keeps this linear.
    if (out.length > v4count) {
      const v6 = out.slice(v4count);
      const kept: Finding[] = [];
      let j = 0;
      for (let i = 0; i < v4count; i++) {
        const f = out[i]!;
        while (j < v6.length && v6[j]!.end < f.end) j++;
        const g = v6[j];
        if (!(g !== undefined && g.start <= f.start && f.end <= g.end)) kept.push(f);
      }
      return kept.concat(v6);
    }
    return out;
  },
};
