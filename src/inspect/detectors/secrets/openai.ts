/**
 * @module inspect/detectors/secrets/openai
 * OpenAI API keys: project, service-account and admin keys (`sk-proj-`, `sk-svcacct-`,
 * `sk-admin-`, usually carrying the `T3BlbkFJ` marker, base64 of "OpenAI") and legacy user
 * keys `sk-` + 20 + `T3BlbkFJ` + 20. After gitleaks `openai.go` (see SOURCES.md).
 */
import { shannonEntropy } from './entropy.ts';
import { looksLikeExample, regexRule } from './regex-rule.ts';

const MARKER = 'T3BlbkFJ';

// Scoped keys: prefix + 40..300 url-safe characters. Legacy: exactly 20 + marker + 20, or the
// older 48 alphanumerics. Look-around on the token alphabet keeps attempts at token starts.
const PATTERN =
  /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/dg;

export const openaiKey = regexRule({
  id: 'secret.openai',
  type: 'SECRET',
  keywords: ['sk-'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (looksLikeExample(token)) return null;
    const body = token.slice(token.indexOf('-', 3) + 1);
    if (shannonEntropy(body) < 3.5) return null;
    if (token.includes(MARKER)) return 0.99;
    // Scoped prefix without the marker: still an OpenAI shape, slightly less certain.
    return token.startsWith('sk-proj-') || token.startsWith('sk-svcacct-') || token.startsWith('sk-admin-')
      ? 0.9
      : 0.8;
  },
});
