/**
 * @module inspect/detectors/secrets/jwt
 * JSON Web Tokens: three base64url segments whose first decodes to a JSON object with an
 * `alg` member. The header check is what separates a JWT from any dotted base64 string.
 * Unsigned tokens (`alg: none`, empty third segment) are still bearer credentials and are
 * reported. After gitleaks `jwt.go` (see SOURCES.md).
 */
import { regexRule } from './regex-rule.ts';

// Header and payload are base64url JSON objects, so both start with `eyJ` (`{"`).
const PATTERN =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2048}\.eyJ[A-Za-z0-9_-]{4,16384}\.[A-Za-z0-9_-]{0,4096}(?![A-Za-z0-9_-])/dg;

/** Decodes one base64url segment to text, or `null` when it is not valid base64url. */
export function decodeBase64Url(segment: string): string | null {
  try {
    let b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    if (b64.length % 4 === 1) return null;
    while (b64.length % 4 !== 0) b64 += '=';
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hasAlgHeader(segment: string): boolean {
  const json = decodeBase64Url(segment);
  if (json === null) return false;
  try {
    const header: unknown = JSON.parse(json);
    return (
      typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

export const jwtToken = regexRule({
  id: 'secret.jwt',
  type: 'SECRET',
  keywords: ['eyj'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    const header = token.slice(0, token.indexOf('.'));
    if (!hasAlgHeader(header)) return null;
    return token.endsWith('.') ? 0.85 : 0.95;
  },
});
