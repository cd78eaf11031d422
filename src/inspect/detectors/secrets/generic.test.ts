import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALNUM, HEX, URLSAFE, fakeRandom, matchedValues } from './fake-secrets.ts';
import { shannonEntropy } from './entropy.ts';
import { GENERIC_RULE, genericSecret, minEntropy } from './generic.ts';
import { regexRule } from './regex-rule.ts';

const r = fakeRandom(22);
const key = r(ALNUM, 32);
const hex = r(HEX, 40);

describe('secret.generic', () => {
  it.each([
    `api_key = "${key}"`,
    `"client_secret": "${key}",`,
    `X-Api-Key: ${key}`,
    `MY_SERVICE_TOKEN=${key}`,
    `accessKey: '${key}'`,
    `Authorization: Bearer ${key}`,
    `auth_token := "${key}"`,
    `secret => "${key}"`,
  ])('finds the value in %s', (text) => {
    expect(matchedValues(genericSecret, text)).toEqual([key]);
  });

  it('finds hex secrets too', () => {
    expect(matchedValues(genericSecret, `webhook_secret: ${hex}`)).toEqual([hex]);
  });

  it.each([
    `token_type: "Bearer"`,
    'api_key: ${API_KEY}',
    'api_key = "your-api-key-here"',
    `request_id: "${key}"`,
    `api_url = "https://api.example.com/v1/items"`,
    `tokenizer: "cl100k_base"`,
    'secret_key = "aaaaaaaaaaaaaaaaaaaaaaaa"',
    'api_key: "abcdefghijklmnop"',
    `commit ${hex}`,
    `id: 550e8400-e29b-41d4-a716-446655440000`,
    'access_log: /var/log/nginx/access.log',
    'auth_module = django.contrib.auth.backends.ModelBackend',
    `max_tokens: 4096`,
  ])('ignores %s', (text) => {
    expect(matchedValues(genericSecret, text)).toEqual([]);
  });
});

describe('secret.generic: cases the secrets bench exposed', () => {
  const g = fakeRandom(404);
  /** The first random value of `alphabet`×`length` whose entropy lies in [lo, hi): deterministic. */
  const withEntropy = (alphabet: string, length: number, lo: number, hi: number): string => {
    for (;;) {
      const v = g(alphabet, length);
      const e = shannonEntropy(v);
      if (e >= lo && e < hi) return v;
    }
  };

  it.each([32, 40])('finds a random %i-hex secret whose entropy is under 3.5 bits', (n) => {
    const v = withEntropy(HEX, n, 2.75, 3.5);
    expect(matchedValues(genericSecret, `SIGNING_SECRET=${v}`)).toEqual([v]);
  });

  it('finds a short base62 token under 3.5 bits (16 characters hold at most 4)', () => {
    const v = withEntropy(ALNUM, 16, 3.3, 3.5);
    expect(matchedValues(genericSecret, `api_key: "${v}"`)).toEqual([v]);
  });

  it('keeps the floor for hex that repeats a few digits', () => {
    expect(matchedValues(genericSecret, `api_key = "${'0123'.repeat(10)}"`)).toEqual([]);
    expect(minEntropy('ab'.repeat(20))).toBe(2.7);
    expect(shannonEntropy('ab'.repeat(20))).toBeLessThan(2.7);
  });

  it('reads a quoted value to its closing quote, punctuation included', () => {
    const v = `django-insecure-${g('abcdefghijklmnopqrstuvwxyz0123456789', 20)}!@#$%^&*(-_=+)${g(HEX, 10)}`;
    expect(matchedValues(genericSecret, `SECRET_KEY = '${v}'`)).toEqual([v]);
    expect(matchedValues(genericSecret, `"client_secret": "${v}",`)).toEqual([v]);
  });

  it('finds hyphenated random secrets (not a module path)', () => {
    const v = `GOCSPX-${g(URLSAFE, 12)}-${g(ALNUM, 15)}`;
    expect(matchedValues(genericSecret, `client_secret: "${v}"`)).toEqual([v]);
  });

  it.each([
    `public_key: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE${g(ALNUM, 40)}"`,
    `stripePublishableKey = "pk_live_${g(ALNUM, 24)}"`,
    `PUBKEY=${g(ALNUM, 40)}`,
    `api_key = "pk_test_${g(ALNUM, 24)}"`,
    'secret_key: "MyVeryLongVariableName"',
    'accessToken := "ThisIsMyAccessTokenName"',
    'CLIENT_SECRET_SETTING="CLIENT_SECRET_FROM_ENVIRONMENT"',
    'accessLog := "/var/log/nginx/access.log"',
    'api_key = "{{ .Values.apiKey }}"',
    'token: "<your-token>"',
  ])('ignores %s', (text) => {
    expect(matchedValues(genericSecret, text)).toEqual([]);
  });
});

describe('secret.generic scanning only hinted assignments', () => {
  const plain = regexRule({ ...GENERIC_RULE, starts: undefined });
  it('finds exactly what a scan of every position finds', () => {
    const piece = fc.constantFrom('api_key', 'Token', 'X-Auth', 'id', 'foo', 'SECRET', '-', '.', '_', ' ', '\t', '\n', '\r', '"', "'",
      '=', ':', '=>', 'Bearer ', key, hex, 'a1b2c3d4e5f6g7h8', '/api/v2/', '가', '\ud800');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(genericSecret.detect(text, {})).toEqual(plain.detect(text, {}));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a hinted assignment that an unhinted value on its line would swallow', () => {
    const text = `foo=${'a'.repeat(16)}.api_key=${key}\napi_key=${key}`;
    const got = genericSecret.detect(text, {});
    expect(got).toEqual(plain.detect(text, {}));
    expect(got.map((f) => text.slice(f.start, f.end))).toEqual([key]);
  });
});
