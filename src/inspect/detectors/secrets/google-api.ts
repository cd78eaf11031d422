/**
 * @module inspect/detectors/secrets/google-api
 * Google API keys (Maps, Gemini, Firebase...): `AIza` + 35 url-safe characters. After
 * gitleaks `gcp.go` (see SOURCES.md).
 */
import { shannonEntropy } from './entropy.ts';
import { looksLikeExample, regexRule } from './regex-rule.ts';

const PATTERN = /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/dg;

export const googleApiKey = regexRule({
  id: 'secret.google_api',
  type: 'SECRET',
  keywords: ['aiza'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (looksLikeExample(token)) return null;
    if (shannonEntropy(token, 4) < 3.5) return null;
    return 0.97;
  },
});
