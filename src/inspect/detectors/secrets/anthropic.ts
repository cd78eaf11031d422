/**
 * @module inspect/detectors/secrets/anthropic
 * Anthropic keys: `sk-ant-api03-…` (API), `sk-ant-admin01-…` (admin) and the OAuth
 * `sk-ant-oat01-`/`sk-ant-ort01-` tokens. The published shape is 93 url-safe characters
 * ending in `AA`; other lengths are accepted with a lower score. After gitleaks
 * `anthropic.go` (see SOURCES.md).
 */
import { shannonEntropy } from './entropy.ts';
import { looksLikeExample, regexRule } from './regex-rule.ts';

const PATTERN =
  /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin|oat|ort)\d{2}-[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/dg;
const EXACT = /^sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA$/;

export const anthropicKey = regexRule({
  id: 'secret.anthropic',
  type: 'SECRET',
  keywords: ['sk-ant-'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (looksLikeExample(token)) return null;
    const body = token.slice(token.indexOf('-', 7) + 1);
    if (shannonEntropy(body) < 3.5) return null;
    return EXACT.test(token) ? 0.99 : 0.9;
  },
});
