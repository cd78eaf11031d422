/**
 * @module inspect/detectors/secrets/aws-secret
 * AWS secret access keys: 40 base64 characters, only believable next to a label naming them
 * (`aws_secret_access_key`, `AWS_SECRET`, `SecretAccessKey`, `secret_key` near `aws`), because
 * a bare 40-character base64 string is just as likely a hash. After gitleaks `aws.go` and the
 * AWS credential-file format (see SOURCES.md).
 */
import { shannonEntropy } from './entropy.ts';
import { isPlaceholder } from './placeholder.ts';
import { regexRule } from './regex-rule.ts';

// Label, then up to 40 characters of quoting/assignment noise (no newline), then the value.
const PATTERN =
  /(?<![A-Za-z0-9])(?:aws_?secret(?:_?access)?(?:_?key)?|secret_?access_?key|aws_?secret_?key)[^\S\r\n]{0,4}["'`]?[^\S\r\n]{0,4}(?:=>|:=|[:=])[^\S\r\n]{0,4}["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi;

export const awsSecretKey = regexRule({
  id: 'secret.aws_secret',
  type: 'SECRET',
  keywords: ['aws_secret', 'awssecret', 'secret_access_key', 'secretaccesskey', 'secret_access', 'secretaccess'],
  pattern: PATTERN,
  group: 1,
  score({ match }) {
    const value = match[1] ?? '';
    if (isPlaceholder(value) || /EXAMPLE/.test(value)) return null;
    if (shannonEntropy(value) < 4) return null;
    return 0.95;
  },
});
