/**
 * @module inspect/detectors/secrets/aws-access-key
 * AWS access key ids: `AKIA` (long-term), `ASIA` (STS temporary), `ABIA`, `ACCA` + 16 upper-case
 * base32-ish characters. After gitleaks `aws.go` (see SOURCES.md).
 *
 * Documentation keys such as `AKIAIOSFODNN7EXAMPLE` are dropped, not scored low: they are
 * public and masking them would only hide the example from the model.
 */
import { shannonEntropy } from './entropy.ts';
import { regexRule } from './regex-rule.ts';

const PATTERN = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/dg;

export const awsAccessKey = regexRule({
  id: 'secret.aws_access_key',
  type: 'SECRET',
  keywords: ['akia', 'asia', 'abia', 'acca'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (token.endsWith('EXAMPLE')) return null;
    // Low entropy means a mask such as AKIAXXXXXXXXXXXXXXXX (0 bits). Sixteen random characters
    // average ~3.5 bits but fall under 3 about once in 280 (100,000 draws; lowest 2.41), so the
    // floor sits at 2.2, still above patterned masks like AKIA0000111122223333 (2 bits).
    if (shannonEntropy(token, 4) < 2.2) return null;
    // The id alone grants nothing without its secret, but it identifies the account.
    return /[0-9]/.test(token.slice(4)) ? 0.95 : 0.85;
  },
});
