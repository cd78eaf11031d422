import { describe, expect, it } from 'vitest';
import { ALNUM, URLSAFE, fakeRandom, matchedValues } from './fake-secrets.ts';
import { openaiKey } from './openai.ts';

const r = fakeRandom(11);
const project = `sk-proj-${r(URLSAFE, 74)}T3BlbkFJ${r(URLSAFE, 74)}`;
const svc = `sk-svcacct-${r(URLSAFE, 58)}T3BlbkFJ${r(URLSAFE, 58)}`;
const admin = `sk-admin-${r(URLSAFE, 58)}T3BlbkFJ${r(URLSAFE, 58)}`;
const legacy = `sk-${r(ALNUM, 20)}T3BlbkFJ${r(ALNUM, 20)}`;

describe('secret.openai', () => {
  it.each([project, svc, admin, legacy])('finds %s in an env line, JSON and a header', (key) => {
    expect(matchedValues(openaiKey, `OPENAI_API_KEY=${key}`)).toEqual([key]);
    expect(matchedValues(openaiKey, `{"apiKey":"${key}"}`)).toEqual([key]);
    expect(matchedValues(openaiKey, `-H 'Authorization: Bearer ${key}'`)).toEqual([key]);
  });

  it('reports the key span and a high score', () => {
    const text = `client = OpenAI(api_key="${legacy}")`;
    const [f] = openaiKey.detect(text, {});
    expect(f).toMatchObject({ type: 'SECRET', detector: 'secret.openai', start: text.indexOf('sk-') });
    expect(f?.end).toBe(text.indexOf('sk-') + legacy.length);
    expect(f?.score).toBeGreaterThanOrEqual(0.95);
  });

  it('does not take a key embedded in a longer token', () => {
    expect(matchedValues(openaiKey, `x${legacy}`)).toEqual([]);
    expect(matchedValues(openaiKey, `${legacy}abc`)).toEqual([]);
  });

  it.each([
    'sk-...',
    'OPENAI_API_KEY=sk-proj-...',
    'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    `sk-proj-${'a'.repeat(60)}`,
    'the task-based sk-learn model',
    `sk-ant-api03-${r(URLSAFE, 93)}AA`,
    'sk-proj-your-api-key-here-please-replace-with-a-real-key-from-dashboard',
  ])('ignores %s', (text) => {
    expect(matchedValues(openaiKey, text)).toEqual([]);
  });
});
