import { describe, expect, it } from 'vitest';
import type { LoadedPolicy } from '../config/policy-load.ts';
import { openaiChat } from '../dialects/openai-chat/index.ts';
import type { Finding } from '../inspect/types.ts';
import { createPseudonymizer } from '../transform/pseudonymizer.ts';
import { redactRequest, sweepKnownValues } from './transform-request.ts';

describe('sweepKnownValues', () => {
  const reverse = new Map([
    ['<PERSON_AAAAAA>', '김철수'],
    ['<EMAIL_BBBBBB>', 'kim@example.com'],
    ['<PERSON_CCCCCC>', 'Kim'],
  ]);
  it('replaces raw occurrences a detector missed, in every text', () => {
    expect(sweepKnownValues(['김철수에게 연락', 'no names'], reverse)).toEqual(['<PERSON_AAAAAA>에게 연락', 'no names']);
  });
  it('replaces the longer value first so a contained value does not split it', () => {
    expect(sweepKnownValues(['write kim@example.com or Kim'], reverse)).toEqual(['write <EMAIL_BBBBBB> or <PERSON_CCCCCC>']);
  });
  it('is the identity when nothing was pseudonymized', () => {
    const texts = ['a', 'b'];
    expect(sweepKnownValues(texts, new Map())).toBe(texts);
  });
});

describe('redactRequest: strings that must go upstream as written', () => {
  const EMAIL = 'kim@example.com';
  const rules = { EMAIL: { action: 'redact', method: 'pseudonymize', min_score: 0.5 } };
  const policy = { doc: { id: 'p', rules } } as unknown as LoadedPolicy;
  const emailIn = (text: string): Finding[] => {
    const at = text.indexOf(EMAIL);
    return at < 0 ? [] : [{ type: 'EMAIL', start: at, end: at + EMAIL.length, score: 1, detector: 'email' }];
  };
  const parse = (parameters: object) =>
    openaiChat.parse({ model: 'm', messages: [{ role: 'user', content: `mail ${EMAIL}` }], tools: [{ type: 'function', function: { name: 'f', parameters } }] });
  const session = async () => (await createPseudonymizer({ secret: 'test-secret-for-placeholders', scope: 't' })).session();

  it('rewrites the text and leaves names, patterns and required entries exactly as they were', async () => {
    const parameters = { type: 'object', properties: { to: { type: 'string', pattern: '^[a-z]+$', description: `not ${EMAIL}` } }, required: ['to'] };
    const req = parse(parameters);
    const perSlot = req.slots.map((s) => (s.rewritable === false ? [] : emailIn(s.text)));
    const out = await redactRequest(openaiChat, req, { perSlot, failedOpen: false }, policy, await session());
    expect(JSON.stringify(out)).not.toContain(EMAIL);
    const sent = (out.tools as { function: { parameters: typeof parameters } }[])[0]!.function.parameters;
    expect(sent.properties.to.description).toMatch(/^not <EMAIL_[0-9A-Z]+>$/);
    expect({ ...sent, properties: { to: { ...sent.properties.to, description: '' } } }).toEqual({ ...parameters, properties: { to: { ...parameters.properties.to, description: '' } } });
  });

  it('refuses, naming no value, when a replaced value is still in a string it cannot rewrite', async () => {
    const req = parse({ type: 'object', properties: { [EMAIL]: { type: 'string' } } });
    // As if inspection had missed the name (the decide stage escalates when it does not).
    const perSlot = req.slots.map((s) => (s.rewritable === false ? [] : emailIn(s.text)));
    const err = await redactRequest(openaiChat, req, { perSlot, failedOpen: false }, policy, await session()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'inspection_failed' });
    expect(String((err as Error).message)).not.toContain(EMAIL);
  });
});
