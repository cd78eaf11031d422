/**
 * @module inspect/detectors/pii/email
 * E-mail addresses, pragmatic rather than full RFC 5322: an ASCII local part (letters, digits and the
 * RFC 5322 atext symbols such as `._%+-`, no leading/trailing/double dot, at most 64 characters) and a domain of
 * at least two LDH labels (punycode `xn--` allowed) ending in an alphabetic TLD. Unicode local
 * parts and raw IDN domains are not matched: Korean particles attach directly (`a@b.com으로`),
 * and stopping at the first non-ASCII character is what keeps the particle out of the span.
 *
 * Linear time: instead of a regex whose local-part loop would restart at every character of a
 * long alphanumeric run, the scan jumps from `@` to `@` and expands a bounded distance each way.
 */
import type { Detector, Finding } from '../../types.ts';
import { finding, isAsciiLetter, isDigit } from './scan.ts';

const ID = 'email';
const TYPE = 'EMAIL';
const SCORE = 1.0;
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const LOCAL_EXTRA = new Set("._%+-!#$&'*/=?^{|}~".split('').map((c) => c.charCodeAt(0)));

function isLocalChar(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c) || LOCAL_EXTRA.has(c);
}

function isDomainChar(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c) || c === 45 /* - */ || c === 46; /* . */
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;
/** `icon@2x.png` is a retina asset name, not an address. */
const ASSET_SCALE = /^\d+(?:\.\d+)?x$/i;

/** Domain part validity; returns the usable length (trailing dots/hyphens trimmed) or 0. */
function domainLength(text: string, at: number): number {
  let end = at + 1;
  const limit = Math.min(text.length, at + 2 + MAX_DOMAIN);
  let dots = 0;
  while (end < limit && isDomainChar(text.charCodeAt(end))) {
    if (text.charCodeAt(end) === 46) dots++;
    end++;
  }
  if (end - at - 1 > MAX_DOMAIN || dots === 0) return 0;
  // A sentence-ending dot or a dash joining the next word is not part of the domain.
  while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
  const domain = text.slice(at + 1, end);
  const labels = domain.split('.');
  if (labels.length < 2) return 0;
  for (const l of labels) if (!LABEL.test(l)) return 0;
  if (!TLD.test(labels[labels.length - 1]!)) return 0;
  if (ASSET_SCALE.test(labels[0]!)) return 0;
  return end - at - 1;
}

/** Start index of the local part ending before `at`, or -1. */
function localStart(text: string, at: number, floor: number): number {
  let start = at;
  const minStart = Math.max(floor, at - MAX_LOCAL);
  while (start > minStart && isLocalChar(text.charCodeAt(start - 1))) start--;
  // Stopped by the length cap with more local characters before: not an address.
  if (start === at - MAX_LOCAL && start > floor && isLocalChar(text.charCodeAt(start - 1))) return -1;
  // Leading dots belong to the sentence ("see.a@b.c" is rare; "...a@b.c" is common).
  while (start < at && text.charCodeAt(start) === 46) start++;
  if (start === at) return -1;
  const local = text.slice(start, at);
  if (local.endsWith('.') || local.includes('..')) return -1;
  return start;
}

/** `scheme://user:pass@host` is a credential URL (the secrets detectors own it), not an address. */
function inUrlUserinfo(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) !== 58 /* : */) return false;
  const from = Math.max(0, start - 200);
  const before = text.slice(from, start);
  const slash = before.lastIndexOf('://');
  if (slash < 0) return false;
  return !/\s/.test(before.slice(slash));
}

export const emailDetector: Detector = {
  id: ID,
  types: [TYPE],
  keywords: ['@'],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    let floor = 0; // the previous address's end: local parts never reach back into it
    let at = text.indexOf('@');
    while (at >= 0) {
      const start = localStart(text, at, floor);
      if (start >= 0 && !inUrlUserinfo(text, start)) {
        const len = domainLength(text, at);
        if (len > 0) {
          const end = at + 1 + len;
          out.push(finding(TYPE, start, end, SCORE, ID));
          floor = end;
          at = text.indexOf('@', end);
          continue;
        }
      }
      at = text.indexOf('@', at + 1);
    }
    return out;
  },
};
