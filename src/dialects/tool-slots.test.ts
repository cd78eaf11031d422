import { describe, expect, it } from 'vitest';
import { anthropicMessages } from './anthropic-messages/index.ts';
import { openaiChat } from './openai-chat/index.ts';
import { openaiResponses } from './openai-responses/index.ts';

const DESC = 'Looks up the order of kim@example.com';

describe('tool descriptions are inspected in every dialect', () => {
  it.each([
    ['openai chat', openaiChat, { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', description: DESC, parameters: {} } }] }, ['tools', 0, 'function', 'description']],
    ['anthropic', anthropicMessages, { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', description: DESC, input_schema: { type: 'object' } }] }, ['tools', 0, 'description']],
    ['responses', openaiResponses, { model: 'm', input: 'hi', tools: [{ type: 'function', name: 'f', description: DESC, parameters: {} }] }, ['tools', 0, 'description']],
  ] as const)('%s', (_name, dialect, body, path) => {
    const req = dialect.parse(structuredClone(body));
    const i = req.slots.findIndex((s) => JSON.stringify(s.path) === JSON.stringify(path));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(req.slots[i]!.text).toBe(DESC);
    const texts = req.slots.map((s, k) => (k === i ? 'Looks up the order of <EMAIL_ABCDEF>' : s.text));
    expect(JSON.stringify(dialect.withTexts(req, texts))).not.toContain('kim@example.com');
  });
});
