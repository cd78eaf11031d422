/**
 * @module inspect/detectors/secrets/private-key
 * PEM private keys (`-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE KEY-----`) and
 * PGP private key blocks. The finding covers the whole block through its END line; a BEGIN
 * line without an END (a truncated paste) is covered through the end of its base64 body, so
 * the key material never leaves even when the paste is cut. Also works on JSON-escaped keys
 * (`\n` inside a service-account file). After gitleaks `private-key` (see SOURCES.md).
 *
 * Linear time: BEGIN and END markers are found with two sticky scans that never move backwards.
 */
import type { Detector, Finding } from '../../types.ts';

const BEGIN = /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|ED25519) )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----/g;
const END = /-----END (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|ED25519) )?PRIVATE KEY-----|-----END PGP PRIVATE KEY BLOCK-----/g;
/** Header lines inside armour (`Proc-Type: 4,ENCRYPTED`, `Version: GnuPG v2`, `Comment: …`). */
const HEADER_LINE = /[ \t]{0,16}[A-Za-z][A-Za-z-]{0,30}: [^\r\n\\]{0,200}(?:\r?\n|\\r\\n|\\n|$)/y;
/** One line of base64 body; a line with spaces between words is prose, not key material. */
// A line may also end at a closing quote: the last line of a key pasted inside a string.
const BODY_LINE = /[ \t]{0,16}([A-Za-z0-9+\/=]{1,65536})[ \t]{0,16}(?:\r?\n|\\r\\n|\\n|$|(?=["'`]))/y;
const BLANK_LINE = /[ \t]{0,16}(?:\r?\n|\\r\\n|\\n)/y;

function stickyAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/**
 * Index just past the base64 body starting at `from`, for a BEGIN line with no END. Short
 * lines count only as the tail of a wrapped block, so a "Thanks" after a blank line is prose.
 */
function endOfBody(text: string, from: number): number {
  let i = from;
  // The BEGIN marker is usually followed by its own line break.
  const first = stickyAt(BLANK_LINE, text, i);
  if (first) i += first[0].length;
  let lastBody = from;
  let prevBodyLen = 0;
  while (i < text.length) {
    const header = stickyAt(HEADER_LINE, text, i);
    if (header && header[0].length > 0 && lastBody === from) {
      i += header[0].length;
      prevBodyLen = 0;
      continue;
    }
    const body = stickyAt(BODY_LINE, text, i);
    if (body && body[0].length > 0) {
      const len = body[1]?.length ?? 0;
      if (len < 16 && prevBodyLen < 40) break;
      lastBody = i + body[0].indexOf(body[1] ?? '') + len;
      i += body[0].length;
      prevBodyLen = len;
      continue;
    }
    const blank = stickyAt(BLANK_LINE, text, i);
    if (blank && blank[0].length > 0) {
      i += blank[0].length;
      prevBodyLen = 0;
      continue;
    }
    break;
  }
  return lastBody;
}

export const privateKey: Detector = {
  id: 'secret.private_key',
  types: ['PRIVATE_KEY'],
  keywords: ['-----begin'],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    const begin = new RegExp(BEGIN);
    const end = new RegExp(END);
    let nextEnd: RegExpExecArray | null = null;
    let endExhausted = false;
    try {
      for (let b = begin.exec(text); b !== null; b = begin.exec(text)) {
        const bodyStart = b.index + b[0].length;
        // Advance the END scan only forwards; once it finds nothing it never searches again.
        if (!endExhausted && (nextEnd === null || nextEnd.index < bodyStart)) {
          end.lastIndex = bodyStart;
          nextEnd = end.exec(text);
          if (nextEnd === null) endExhausted = true;
        }
        // An END belongs to this BEGIN unless another BEGIN starts first (then this one is cut).
        let stop: number;
        const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
        if (nextEnd !== null && !endExhausted && (nextBegin === -1 || nextEnd.index < nextBegin)) {
          stop = nextEnd.index + nextEnd[0].length;
        } else {
          stop = endOfBody(text, bodyStart);
        }
        out.push({ type: 'PRIVATE_KEY', start: b.index, end: stop, score: 1, detector: 'secret.private_key' });
        begin.lastIndex = Math.max(stop, bodyStart);
      }
    } catch {
      // Nothing here throws on valid strings; keep the contract regardless.
    }
    return out;
  },
};
