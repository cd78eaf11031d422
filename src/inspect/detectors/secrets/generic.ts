/**
 * @module inspect/detectors/secrets/generic
 * Generic credentials: a high-entropy value assigned to a name that says it is a key, token
 * or secret (`api_key = "…"`, `"client_secret": "…"`, `X-Api-Key: …`, `Authorization: Bearer …`).
 * Modelled on gitleaks `generic.go`: keyword-named assignment plus a Shannon-entropy floor
 * (3.5 bits/char over at least 16 characters), so `token_type: "Bearer"` or
 * `api_key: ${API_KEY}` stay quiet. Names ending in id/name/url/type/... describe the secret
 * rather than hold it and are skipped; `password`-like names belong to the password rule.
 */
import { shannonEntropy } from './entropy.ts';
import { isPlaceholder } from './placeholder.ts';
import { regexRule } from './regex-rule.ts';

const MIN_LENGTH = 16;
const MIN_ENTROPY = 3.5;

const PATTERN =
  /(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.-]{0,40})["'`]?[^\S\r\n]{0,4}(?:=>|:=|:|=)[^\S\r\n]{0,4}["'`]?(?:(?:Bearer|Basic|Token|token)[^\S\r\n]{1,4})?([A-Za-z0-9_\-+/=.~]{16,512})/dg;

const NAME_HINT = /key|token|secret|api|auth|credential|access|signature|bearer/i;
const NAME_SKIP =
  /(?:id|ids|name|type|url|uri|endpoint|path|file|dir|count|size|length|len|ttl|expiry|expires|expires_in|version|index|prefix|hint|header|format|mode|limit|max|min)$/i;
const PASSWORD_NAME = /pass|pwd/i;

export const genericSecret = regexRule({
  id: 'secret.generic',
  type: 'SECRET',
  keywords: ['key', 'token', 'secret', 'api', 'auth', 'credential', 'access'],
  pattern: PATTERN,
  group: 2,
  score({ match }) {
    const name = match[1] ?? '';
    const value = match[2] ?? '';
    if (!NAME_HINT.test(name) || PASSWORD_NAME.test(name)) return null;
    if (NAME_SKIP.test(name.replace(/[-_.]/g, '_'))) return null;
    if (value.length < MIN_LENGTH || isPlaceholder(value)) return null;
    if (shannonEntropy(value) < MIN_ENTROPY) return null;
    // Keys mix digits with letters; pure words with dots/slashes are module or file paths.
    if (!/[0-9]/.test(value) && !(/[a-z]/.test(value) && /[A-Z]/.test(value) && value.length >= 20)) return null;
    if (/^[a-z]+(?:[./-][a-z0-9]+)+$/i.test(value) && !/[0-9].*[0-9].*[0-9]/.test(value)) return null;
    return 0.75;
  },
});
