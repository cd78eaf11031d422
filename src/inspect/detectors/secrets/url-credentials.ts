/**
 * @module inspect/detectors/secrets/url-credentials
 * Passwords in URL userinfo for any scheme: `https://user:password@host`, `ftp://…`, `smtp://…`,
 * `ldap://…`, `git+https://…`, `s3://…`. The finding covers the password only, so the model still
 * reads the scheme, the user and the host. After RFC 3986 §3.2.1 and the WHATWG URL parser, with
 * the false-positive handling of gitleaks' `curl-auth-user` allowlist and trufflehog's `uri`
 * detector (see SOURCES.md).
 *
 * Parsed in code rather than by one regex: from each `://`, the scheme is read backwards (at most
 * 32 characters) and the authority forwards up to the first `/ ? #`, white space, quote, `<`, `>`
 * or backslash (at most 512). As in browsers, the userinfo runs to the *last* `@` of the authority
 * and the password from the first `:` of the userinfo, so an unescaped `@` in a password
 * (`user:p@ss@host`) stays inside the finding. Every authority ends before the next `://`, so the
 * whole text is read at most twice: linear time.
 *
 * Defers to `secret.db_url` for the schemes it covers (PostgreSQL, MySQL/MariaDB, MongoDB, Redis,
 * AMQP, MSSQL, ClickHouse, CockroachDB, with `+driver` suffixes and `jdbc:`), which reports the
 * whole URL as a SECRET; the two never find the same span.
 *
 * Not reported: URLs with a user only (`ssh://git@github.com`), an empty password, placeholders
 * (`placeholder.ts`: `password`, `pass`, `secret`, `changeme`, `****`, `<password>`, `${PASS}`, also
 * percent-encoded), references (`$1`, `$(cat f)`, `%s`, `{password}`), anonymous FTP
 * (`anonymous:you@host`, RFC 1635), a password equal to its user (`guest:guest`, `admin:admin`: the
 * published defaults, as public as `changeme`), and userinfo not followed by a host.
 */
import type { Detector, Finding } from '../../types.ts';
import { isPlaceholder } from './placeholder.ts';

const ID = 'secret.url_credentials';
const MAX_SCHEME = 32;
const MAX_AUTHORITY = 512;

/** Base schemes `secret.db_url` reports (whole URL); compared before any `+driver` suffix. */
const DB_URL_SCHEMES = new Set([
  'postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'redis', 'rediss', 'amqp', 'amqps',
  'mssql', 'sqlserver', 'clickhouse', 'cockroachdb',
]);

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** RFC 3986 scheme characters: ALPHA / DIGIT / "+" / "-" / "." */
const isSchemeChar = (c: number) => isLetter(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e;

/** Characters that end an authority in running text (white space, delimiters, quotes, brackets of markup). */
function endsAuthority(c: number): boolean {
  return (
    c <= 0x20 || c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x22 /* " */ ||
    c === 0x27 /* ' */ || c === 0x60 /* ` */ || c === 0x3c /* < */ || c === 0x3e /* > */ || c === 0x5c /* \ */ ||
    c === 0x7f || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000
  );
}

/**
 * True for values that only name where a password comes from: shell positional parameters and
 * command substitutions, printf verbs, format fields. Shared with `cli-credentials.ts`.
 */
export function isValueReference(value: string): boolean {
  return (
    /^\$(?:\d|[@*#?]|\(|\{)/.test(value) ||
    value.startsWith('`') ||
    /^%[-+ #0]*\d*(?:\.\d+)?[sdvqx]$/.test(value) ||
    /^\{[^{}\s]{0,64}\}$/.test(value) ||
    /^:[A-Za-z_]\w*$/.test(value)
  );
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The password of `user:password`, or why it is not one. */
function isCredential(user: string, password: string): boolean {
  if (password.length === 0) return false;
  const decoded = decodeSafely(password);
  if (isPlaceholder(password) || isPlaceholder(decoded) || isValueReference(password) || isValueReference(decoded)) return false;
  const u = decodeSafely(user).toLowerCase();
  if (u === 'anonymous' || u === 'ftp') return false;
  if (u === decoded.toLowerCase()) return false;
  return true;
}

function detect(text: string): Finding[] {
  const out: Finding[] = [];
  if (!text.includes('@')) return out;
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    let s = i;
    while (s > 0 && i - s < MAX_SCHEME && isSchemeChar(text.charCodeAt(s - 1))) s--;
    while (s < i && !isLetter(text.charCodeAt(s))) s++;
    if (s === i) continue;
    const scheme = text.slice(s, i).toLowerCase();
    if (DB_URL_SCHEMES.has(scheme.split('+', 1)[0]!)) continue;

    const a = i + 3;
    const limit = Math.min(text.length, a + MAX_AUTHORITY);
    let e = a;
    let lastAt = -1;
    let colon = -1;
    for (; e < limit; e++) {
      const c = text.charCodeAt(e);
      if (endsAuthority(c)) break;
      if (c === 0x40) lastAt = e;
      else if (c === 0x3a && colon < 0) colon = e;
    }
    if (lastAt < 0 || colon < 0 || colon > lastAt) continue;
    // A host must follow: a letter, digit or `[` (IPv6), not more punctuation or nothing.
    const h = lastAt + 1 < e ? text.charCodeAt(lastAt + 1) : -1;
    if (!(isLetter(h) || isDigit(h) || h === 0x5b || h > 0x7f)) continue;
    if (!isCredential(text.slice(a, colon), text.slice(colon + 1, lastAt))) continue;
    out.push({ type: 'PASSWORD', start: colon + 1, end: lastAt, score: 0.9, detector: ID });
  }
  return out;
}

export const urlCredentials: Detector = {
  id: ID,
  types: ['PASSWORD'],
  keywords: ['://'],
  detect(text: string): Finding[] {
    try {
      return detect(text);
    } catch {
      // Plain string scanning cannot fail; keep the never-throw contract anyway.
      return [];
    }
  },
};
