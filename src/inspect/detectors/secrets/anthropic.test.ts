import { describe, expect, it } from 'vitest';
import { anthropicKey } from './anthropic.ts';
import { URLSAFE, fakeRandom, matchedValues } from './fake-secrets.ts';

const r = fakeRandom(12);
const api = `sk-ant-api03-${r(URLSAFE, 93)}AA`;
const adminKey = `sk-ant-admin01-${r(URLSAFE, 93)}AA`;

describe('secret.anthropic', () => {
  it.each([api, adminKey])('finds %s quoted, in env and in code', (key) => {
    expect(matchedValues(anthropicKey, `ANTHROPIC_API_KEY="${key}"`)).toEqual([key]);
    expect(matchedValues(anthropicKey, `new Anthropic({ apiKey: '${key}' })`)).toEqual([key]);
    expect(matchedValues(anthropicKey, `x-api-key: ${key}\n`)).toEqual([key]);
  });

  it('scores the exact published shape above other lengths', () => {
    const other = `sk-ant-api03-${r(URLSAFE, 60)}`;
    const [exact] = anthropicKey.detect(api, {});
    const [loose] = anthropicKey.detect(other, {});
    expect(exact?.score).toBeGreaterThan(loose?.score ?? 1);
    expect(loose?.end).toBe(other.length);
  });

  it.each([
    'sk-ant-...',
    'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'sk-ant-api03-short',
    `sk-ant-api03-${'Ab'.repeat(10)}`,
    'export ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}',
  ])('ignores %s', (text) => {
    expect(matchedValues(anthropicKey, text)).toEqual([]);
  });
});
