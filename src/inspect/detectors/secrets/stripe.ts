/**
 * @module inspect/detectors/secrets/stripe
 * Stripe secret and restricted keys: `sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`.
 * Publishable `pk_` keys are meant for browsers and are not reported. After gitleaks
 * `stripe.go` (see SOURCES.md).
 */
import { shannonEntropy } from './entropy.ts';
import { looksLikeExample, regexRule } from './regex-rule.ts';

const PATTERN = /(?<![A-Za-z0-9_])[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9_])/dg;

export const stripeKey = regexRule({
  id: 'secret.stripe',
  type: 'SECRET',
  keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_'],
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (looksLikeExample(token)) return null;
    const body = token.slice(token.indexOf('_', 3) + 1);
    if (shannonEntropy(body) < 3) return null;
    // Test-mode keys cannot move money but still open the account's test data.
    return token.includes('_test_') ? 0.9 : 0.99;
  },
});
