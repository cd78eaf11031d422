import { describe, expect, it } from 'vitest';
import { ALNUM, HEX, fakeRandom, matchedValues } from './fake-secrets.ts';
import { genericSecret } from './generic.ts';

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
