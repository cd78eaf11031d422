/**
 * @module inspect/detectors/secrets/placeholder
 * Recognises values that only stand in for a secret: masks (`********`, `xxxx`), template
 * references (`${VAR}`, `{{ secret }}`, `%(pw)s`), environment look-ups (`process.env.X`,
 * `os.environ[...]`), angle-bracket hints (`<your-api-key>`) and documentation words
 * (`example`, `changeme`). Flagging these would redact nothing secret and teach users to
 * ignore findings, so every secret detector drops them.
 *
 * Decision on `changeme`, `password`, `secret`, `test` and kin: treated as placeholders. They
 * are the literal defaults of tutorials and templates; when one is really in use, it is
 * public knowledge already and masking it protects nothing.
 */

/** Whole values that are placeholders (compared lower-case, surrounding quotes removed). */
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'change_me', 'change-me', 'changeit', 'password', 'passwd', 'pass', 'pwd',
  'secret', 'token', 'apikey', 'api_key', 'api-key', 'key', 'test', 'testing', 'example',
  'sample', 'dummy', 'fake', 'placeholder', 'redacted', 'hidden', 'masked', 'none', 'null',
  'nil', 'undefined', 'empty', 'true', 'false', 'todo', 'tbd', 'xxx', 'required', 'optional',
  'string', 'str', 'your_password', 'yourpassword', 'mypassword', 'my_password', 'value',
  '비밀번호', '암호', '없음',
]);

/** Substrings that mark documentation or template text rather than a real value. */
const PLACEHOLDER_MARKERS: readonly string[] = [
  '${', '{{', '}}', '<%', 'process.env', 'os.environ', 'os.getenv', 'getenv(',
  'env(', 'env[', 'secrets.', 'vault(', 'example', 'placeholder', 'redacted', 'your_', 'your-',
  'yourkey', '****', '...', '…', '<your', '<insert', 'insert_', 'replace_me',
  'replaceme', 'changeme', 'dummy', '여기에',
];

/**
 * True when `value` (the candidate secret, without its label) is a placeholder and must not
 * be reported. Empty and whitespace-only values count as placeholders.
 */
export function isPlaceholder(value: string): boolean {
  let v = value.trim();
  // Quotes and a trailing comma/semicolon come from code and JSON, not from the value.
  v = v.replace(/^[`'"]+|[`'",;]+$/g, '');
  if (v.length === 0) return true;
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  for (const m of PLACEHOLDER_MARKERS) if (lower.includes(m)) return true;
  // A mask run is written in one case (`sk-xxxx…`, `AKIAXXXX…`); compared case-insensitively,
  // one random 40-character base64 key in tens of thousands holds `Xxxx` by chance.
  if (v.includes('xxxx') || v.includes('XXXX')) return true;
  // Python `%(name)s` and Ruby `#{name}` interpolation. Matched as whole references, because
  // the bare pairs `%(` and `#{` turn up by chance in punctuated random keys (Django's).
  if (/%\([A-Za-z_]\w*\)[sdr]|#\{[A-Za-z_@$][\w.]*\}/.test(v)) return true;
  // `$VAR`, `$env:VAR`, `%VAR%`: shell, PowerShell and cmd references to another variable.
  if (/^\$[A-Za-z_][\w:]*$/.test(v) || /^%[A-Za-z_]\w*%$/.test(v)) return true;
  // `<anything>` and `[anything]` are hints for the reader to fill in.
  if (/^<[^<>]*>$/.test(v) || /^\[[^\][]*\]$/.test(v)) return true;
  // One repeated character (`********`, `xxxxxxxx`, `00000000`, `-----`).
  if (/^(.)\1*$/su.test(v)) return true;
  return false;
}
