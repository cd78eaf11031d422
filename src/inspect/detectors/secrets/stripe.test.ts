import { describe, expect, it } from 'vitest';
import { ALNUM, fakeRandom, matchedValues } from './fake-secrets.ts';
import { stripeKey } from './stripe.ts';

const r = fakeRandom(17);

describe('secret.stripe', () => {
  it.each(['sk_live_', 'rk_live_', 'sk_test_'])('finds %s keys', (prefix) => {
    const key = prefix + r(ALNUM, 24);
    expect(matchedValues(stripeKey, `stripe.api_key = "${key}"`)).toEqual([key]);
    expect(matchedValues(stripeKey, `curl -u ${key}: https://api.stripe.com`)).toEqual([key]);
  });

  it('scores live keys above test keys', () => {
    const [live] = stripeKey.detect(`sk_live_${r(ALNUM, 24)}`, {});
    const [test] = stripeKey.detect(`sk_test_${r(ALNUM, 24)}`, {});
    expect(live?.score).toBeGreaterThan(test?.score ?? 1);
  });

  it.each([
    `pk_live_${r(ALNUM, 24)}`,
    'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
    'sk_test_...',
    `ask_live_${r(ALNUM, 24)}`,
    'sk_live_short',
  ])('ignores %s', (text) => {
    expect(matchedValues(stripeKey, text)).toEqual([]);
  });
});
