/**
 * @module inspect/detectors/secrets/generic
 * Generic credentials: a high-entropy value assigned to a name that says it is a key, token
 * or secret (`api_key = "…"`, `"client_secret": "…"`, `X-Api-Key: …`, `Authorization: Bearer …`).
 * Modelled on gitleaks `generic.go`: keyword-named assignment plus a Shannon-entropy floor
 * (3.5 bits/char over at least 16 characters, lowered for hex and short values: `minEntropy`), so `token_type: "Bearer"` or
 * `api_key: ${API_KEY}` stay quiet. Names ending in id/name/url/type/... describe the secret
 * rather than hold it and are skipped; `password`-like names belong to the password rule.
 */
import { assignmentStarts, inAssignedName } from './assignment-starts.ts';
import { shannonEntropy } from './entropy.ts';
import { isPlaceholder } from './placeholder.ts';
import { regexRule, type RegexRuleSpec } from './regex-rule.ts';

const MIN_LENGTH = 16;
const MIN_ENTROPY = 3.5;

// The value: inside quotes, everything up to the closing quote except white space (Django's
// `SECRET_KEY = "…!@#$%^&*(…"` keys carry punctuation); unquoted, the token alphabet only.
export const PATTERN =
  /(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.-]{0,40})["'`]?[^\S\r\n]{0,4}(?:=>|:=|:|=)[^\S\r\n]{0,4}["'`]?(?:(?:Bearer|Basic|Token|token)[^\S\r\n]{1,4})?((?<=["'`])[^"'`\s\\]{16,512}(?=["'`])|[A-Za-z0-9_\-+/=.~]{16,512})/dg;

const NAME_HINT = /key|token|secret|api|auth|credential|access|signature|bearer/i;
const NAME_SKIP =
  /(?:id|ids|name|type|url|uri|endpoint|path|file|dir|count|size|length|len|ttl|expiry|expires|expires_in|version|index|prefix|hint|header|format|mode|limit|max|min)$/i;
const PASSWORD_NAME = /pass|pwd/i;

/**
 * The entropy floor for a value. A flat 3.5 bits misses real keys: a random 32-character hex
 * secret has at most 4 bits per character and falls under 3.5 about one time in five, and 16
 * random base62 characters (at most log2 16 = 4 bits) one time in twenty-three (measured over
 * 100,000 draws each). Hex values of 32+ characters get 2.7 (the lowest of 100,000 random ones
 * was 2.89); other short values get log2(length) − 0.75, which is 3.25 at 16 characters.
 */
export function minEntropy(value: string): number {
  if (value.length >= 32 && /^[0-9a-f]+$/i.test(value)) return 2.7;
  return Math.min(MIN_ENTROPY, Math.log2(value.length) - 0.75);
}
/** Public halves are published on purpose: `public_key`, `publishable_key`, `PUBKEY`. */
const PUBLIC_NAME = /public|publishable|(?:^|[_.-])pub(?:[_.-]?key)?(?:$|[_.-])|^pubkey/i;
/** Stripe publishable keys (`pk_live_…`) are meant for browsers (see SOURCES.md). */
const PUBLIC_VALUE = /^pk_(?:live|test)_/;
/**
 * Identifiers, not keys: PascalCase words (`MyVeryLongVariableName`), CONSTANT_CASE and
 * snake_case names. A random key of 20+ characters without a digit is rare (under 3 % at 20
 * base62 characters) and one that also splits into capitalised words essentially never happens.
 */
const IDENTIFIER = /^(?:[A-Z][a-z]+){3,}$|^[A-Z]+(?:_[A-Z]+)+$|^[a-z]+(?:_[a-z]+)+$/;
/** File paths and dotted module paths (`/var/log/nginx/access.log`, `django.contrib.auth.X`). */
const PATH = /^[./~]*[A-Za-z_]+(?:[./][A-Za-z0-9_]+)+$/;

/**
 * Where the rule's regex is tried: only on lines where a hint word ends up inside a name before
 * an operator, and there only where an operator follows a name (see assignment-starts.ts), not at
 * every word. Exact: `score` drops every match whose name holds no hint word, and no match crosses
 * a line break (no part of the regex reads `\r` or `\n`), so the other lines' matches could
 * neither be reported nor swallow a reported one. Hint words are found by one case-insensitive
 * regex built from `NAME_HINT` itself (fixed words, which the engine skips through quickly).
 */
function hintedAssignments(text: string): number[] {
  const out: number[] = [];
  const hints = new RegExp(NAME_HINT.source, 'gi');
  for (let m = hints.exec(text); m !== null; m = hints.exec(text)) {
    if (!inAssignedName(text, m.index)) continue;
    const start = Math.max(text.lastIndexOf('\n', m.index), text.lastIndexOf('\r', m.index)) + 1;
    const end = lineEnd(text, m.index);
    assignmentStarts(text, start, end, out);
    hints.lastIndex = end;
  }
  return out;
}

function lineEnd(text: string, at: number): number {
  const n = text.indexOf('\n', at);
  const r = text.indexOf('\r', at);
  const end = n < 0 ? r : r < 0 ? n : Math.min(n, r);
  return end < 0 ? text.length : end;
}

/** The rule's spec (exported so tests can compare it with a plain global scan). */
export const GENERIC_RULE: RegexRuleSpec = {
  id: 'secret.generic',
  type: 'SECRET',
  keywords: ['key', 'token', 'secret', 'api', 'auth', 'credential', 'access'],
  pattern: PATTERN,
  group: 2,
  starts: hintedAssignments,
  score({ match }) {
    const name = match[1] ?? '';
    const value = match[2] ?? '';
    if (!NAME_HINT.test(name) || PASSWORD_NAME.test(name) || PUBLIC_NAME.test(name)) return null;
    if (NAME_SKIP.test(name.replace(/[-_.]/g, '_'))) return null;
    if (value.length < MIN_LENGTH || isPlaceholder(value) || PUBLIC_VALUE.test(value)) return null;
    if (shannonEntropy(value) < minEntropy(value)) return null;
    // Keys mix digits with letters; digit-free values must be long mixed-case and not identifiers.
    const digits = value.replace(/[^0-9]/g, '').length;
    if (digits === 0 && (!(/[a-z]/.test(value) && /[A-Z]/.test(value) && value.length >= 20) || IDENTIFIER.test(value))) return null;
    // Words joined by dots or slashes are module or file paths; a hyphen alone does not make one
    // (`GOCSPX-…` client secrets are hyphenated random strings).
    if (PATH.test(value) && digits < 3) return null;
    return 0.75;
  },
};

export const genericSecret = regexRule(GENERIC_RULE);
