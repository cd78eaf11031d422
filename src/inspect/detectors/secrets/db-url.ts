/**
 * @module inspect/detectors/secrets/db-url
 * Connection URLs carrying a password: `scheme://user:password@host/...` for PostgreSQL,
 * MySQL/MariaDB, MongoDB (+srv), Redis, AMQP, MSSQL and JDBC forms. The finding covers the
 * whole URL, since user, host and database together locate the credential. URLs whose
 * password is a placeholder (`${DB_PASS}`, `<password>`, `****`) are not reported. After
 * gitleaks' generic URL-credential rules and the libpq URI syntax (see SOURCES.md).
 */
import { isPlaceholder } from './placeholder.ts';
import { regexRule } from './regex-rule.ts';

// user and password stop at the characters that end them in RFC 3986 userinfo; the rest of
// the URL runs to whitespace or a closing quote/bracket, minus sentence punctuation at its end.
const PATTERN =
  /(?<![A-Za-z0-9+.-])(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb)(?:\+[a-z0-9]{1,20})?:\/\/([^\s:\/@"'`<>]{0,128}):([^\s@"'`<>]{1,256})@[^\s\/"'`<>?#@]{0,255}[^\s\/"'`<>?#@.,;:)\]}](?:[\/?#][^\s"'`<>]{0,2047}[^\s"'`<>.,;:)\]}])?/dgi;

export const dbUrl = regexRule({
  id: 'secret.db_url',
  type: 'SECRET',
  keywords: ['://'],
  pattern: PATTERN,
  score({ match }) {
    const password = match[2] ?? '';
    if (isPlaceholder(password) || isPlaceholder(decodeSafely(password))) return null;
    return 0.95;
  },
});

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
