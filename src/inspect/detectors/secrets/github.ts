/**
 * @module inspect/detectors/secrets/github
 * GitHub tokens: classic `ghp_` (personal), `gho_` (OAuth), `ghu_`/`ghs_` (app user/server),
 * `ghr_` (refresh) + 36 alphanumerics, and fine-grained `github_pat_` + 82 word characters.
 * After gitleaks `github.go` (see SOURCES.md).
 */
import { shannonEntropy } from './entropy.ts';
import { looksLikeExample, regexRule } from './regex-rule.ts';

const PATTERN =
  /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,255})(?![A-Za-z0-9_])/dg;

export const githubToken = regexRule({
  id: 'secret.github',
  type: 'SECRET',
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (looksLikeExample(token)) return null;
    const body = token.startsWith('github_pat_') ? token.slice(11) : token.slice(4);
    if (shannonEntropy(body) < 3.5) return null;
    return 0.99;
  },
});
