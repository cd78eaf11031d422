import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/veil-error.ts';
import { parseMessagesRequest, withMessagesTexts } from './parse.ts';

const base = { model: 'claude-sonnet-4-5', max_tokens: 64 };

describe('parseMessagesRequest', () => {
  it('lists every text-bearing field as a slot, in document order', () => {
    const body = {
      ...base,
      system: [{ type: 'text', text: 'sys A' }, { type: 'text', text: 'sys B', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: 'plain user text' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'thought', signature: 'sig' },
            { type: 'text', text: 'calling' },
            { type: 'tool_use', id: 'toolu_1', name: 'send', input: { to: 'a@b.co', n: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'result string' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'result block' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc text' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
            { type: 'text', text: 'last' },
          ],
        },
      ],
    };
    const req = parseMessagesRequest(body);
    expect(req.slots).toEqual([
      { path: ['system', 0, 'text'], text: 'sys A', kind: 'text' },
      { path: ['system', 1, 'text'], text: 'sys B', kind: 'text' },
      { path: ['messages', 0, 'content'], text: 'plain user text', kind: 'text' },
      { path: ['messages', 1, 'content', 0, 'thinking'], text: 'thought', kind: 'text' },
      { path: ['messages', 1, 'content', 1, 'text'], text: 'calling', kind: 'text' },
      { path: ['messages', 1, 'content', 2, 'input'], text: '{"to":"a@b.co","n":1}', kind: 'json' },
      { path: ['messages', 2, 'content', 0, 'content'], text: 'result string', kind: 'text' },
      { path: ['messages', 2, 'content', 1, 'content', 0, 'text'], text: 'result block', kind: 'text' },
      { path: ['messages', 3, 'content', 1, 'source', 'data'], text: 'doc text', kind: 'text' },
      { path: ['messages', 3, 'content', 3, 'text'], text: 'last', kind: 'text' },
    ]);
    // Two images and a PDF: passed through, counted.
    expect(req.opaqueParts).toBe(3);
    expect(req.model).toBe('claude-sonnet-4-5');
    expect(req.stream).toBe(false);
  });

  it('builds the canonical chat: system first, tool-result-only turns as tool messages', () => {
    const req = parseMessagesRequest({
      ...base,
      system: 'be brief',
      stop_sequences: ['END'],
      temperature: 0.5,
      stream: true,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] },
      ],
    });
    expect(req.stream).toBe(true);
    expect(req.chat).toEqual({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'f({"a":1})' },
        { role: 'tool', content: 'ok' },
      ],
      maxTokens: 64,
      temperature: 0.5,
      topP: undefined,
      stop: ['END'],
    });
  });

  it('refuses wrong shapes with invalid_request naming the field, never the value', () => {
    expect(errorOf(() => parseMessagesRequest([1])).code).toBe('invalid_request');
    const noMax = errorOf(() => parseMessagesRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));
    expect(noMax.message).toContain("'max_tokens'");
    expect(errorOf(() => parseMessagesRequest({ ...base, messages: [] })).message).toContain("'messages'");
    expect(errorOf(() => parseMessagesRequest({ ...base, messages: [{ role: 'tool', content: 'x' }] })).message).toContain("'messages.0.role'");
    const badInput = errorOf(() =>
      parseMessagesRequest({ ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: 'secret@x.io' }] }] }),
    );
    expect(badInput.message).toContain("'messages.0.content.0.input'");
    expect(badInput.message).not.toContain('secret@x.io');
    const badText = errorOf(() => parseMessagesRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 42 }] }] }));
    expect(badText.message).toContain("'messages.0.content.0.text'");
  });

  it('count_tokens needs no max_tokens and never streams', () => {
    const req = parseMessagesRequest({ model: 'm', stream: true, messages: [{ role: 'user', content: 'count me' }] }, { countTokens: true });
    expect(req.stream).toBe(false);
    expect(req.slots.map((s) => s.text)).toEqual(['count me']);
  });
});

describe('withMessagesTexts', () => {
  const body = {
    ...base,
    system: 'sys',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'mail a@b.co' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: { to: 'a@b.co', cc: ['x'] } }] },
    ],
  };

  it('writes texts back and tool_use input back as an object, leaving the client body untouched', () => {
    const req = parseMessagesRequest(body);
    const before = JSON.stringify(body);
    const texts = req.slots.map((s) => s.text.replaceAll('a@b.co', '<EMAIL_3KQ7ZP>'));
    const out = withMessagesTexts(req, texts) as typeof body;
    expect(out.system).toBe('sys');
    expect(out.messages[0]!.content[0]).toEqual({ type: 'text', text: 'mail <EMAIL_3KQ7ZP>' });
    expect(out.messages[1]!.content[0]).toEqual({ type: 'tool_use', id: 't', name: 'f', input: { to: '<EMAIL_3KQ7ZP>', cc: ['x'] } });
    expect(JSON.stringify(body)).toBe(before);
  });

  it('throws (so the pipeline refuses) when a rewritten input is no longer a JSON object', () => {
    const req = parseMessagesRequest(body);
    const texts = req.slots.map((s) => (s.kind === 'json' ? '{"to": broken' : s.text));
    expect(() => withMessagesTexts(req, texts)).toThrow();
  });
});
