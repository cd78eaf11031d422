import { describe, expect, it } from 'vitest';
import { errorOf } from '../../../test/support/veil-error.ts';
import { openaiResponses } from './index.ts';
import { parseResponsesRequest } from './parse.ts';

describe('parseResponsesRequest', () => {
  it('takes instructions and a string input', () => {
    const req = parseResponsesRequest({ model: 'gpt-4.1', instructions: 'be kind', input: 'hello', max_output_tokens: 20 });
    expect(req.slots).toEqual([
      { path: ['instructions'], text: 'be kind', kind: 'text' },
      { path: ['input'], text: 'hello', kind: 'text' },
    ]);
    expect(req.chat.messages).toEqual([{ role: 'system', content: 'be kind' }, { role: 'user', content: 'hello' }]);
    expect(req.chat.maxTokens).toBe(20);
  });

  it('lists every text-bearing field of input items', () => {
    const req = parseResponsesRequest({
      model: 'gpt-4.1',
      stream: true,
      input: [
        { role: 'developer', content: 'dev text' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'user part' }, { type: 'input_image', image_url: 'https://x/y.png' }, { type: 'input_file', file_id: 'f' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'earlier answer' }, { type: 'refusal', refusal: 'no' }] },
        { type: 'reasoning', id: 'rs', summary: [{ type: 'summary_text', text: 'summary' }], encrypted_content: 'gAAA' },
        { type: 'function_call', call_id: 'c1', name: 'send', arguments: '{"to":"a@b.co"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sent' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'part out' }] },
        { type: 'custom_tool_call', call_id: 'c3', name: 'sh', input: 'ls' },
        { type: 'item_reference', id: 'x' },
        { type: 'web_search_call', id: 'ws', status: 'completed' },
      ],
    });
    expect(req.stream).toBe(true);
    expect(req.slots).toEqual([
      { path: ['input', 0, 'content'], text: 'dev text', kind: 'text' },
      { path: ['input', 1, 'content', 0, 'text'], text: 'user part', kind: 'text' },
      { path: ['input', 2, 'content', 0, 'text'], text: 'earlier answer', kind: 'text' },
      { path: ['input', 2, 'content', 1, 'refusal'], text: 'no', kind: 'text' },
      { path: ['input', 3, 'summary', 0, 'text'], text: 'summary', kind: 'text' },
      { path: ['input', 4, 'arguments'], text: '{"to":"a@b.co"}', kind: 'json' },
      { path: ['input', 5, 'output'], text: 'sent', kind: 'text' },
      { path: ['input', 6, 'output', 0, 'text'], text: 'part out', kind: 'text' },
      { path: ['input', 7, 'input'], text: 'ls', kind: 'text' },
    ]);
    // image, file, encrypted reasoning, web search call.
    expect(req.opaqueParts).toBe(4);
    expect(req.chat.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'assistant', 'tool', 'tool', 'assistant']);
  });

  it('refuses wrong shapes naming the field', () => {
    expect(errorOf(() => parseResponsesRequest({ input: 'x' })).message).toContain("'model'");
    expect(errorOf(() => parseResponsesRequest({ model: 'm', input: 42 })).message).toContain("'input'");
    expect(errorOf(() => parseResponsesRequest({ model: 'm', input: [{ role: 'robot', content: 'x' }] })).message).toContain("'input.0.role'");
    expect(errorOf(() => parseResponsesRequest({ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: { a: 1 } }] })).message).toContain("'input.0.arguments'");
    expect(errorOf(() => parseResponsesRequest({ model: 'm', input: [{ role: 'user', content: 7 }] })).code).toBe('invalid_request');
  });

  it('says which answer a request continues and whether its own answer can be continued', () => {
    expect(parseResponsesRequest({ model: 'm', input: 'x' }).conversation).toEqual({ previousId: null, conversationId: null, stored: true });
    expect(parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: 'resp_1' }).conversation).toEqual({ previousId: 'resp_1', conversationId: null, stored: true });
    expect(parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: '', store: false }).conversation).toEqual({ previousId: null, conversationId: null, stored: false });
    expect(parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: null, store: null }).conversation).toEqual({ previousId: null, conversationId: null, stored: true });
    expect(errorOf(() => parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: 7 })).message).toContain("'previous_response_id'");
  });

  it('reads the conversation a request continues: an id, or an object with an id', () => {
    const conversationOf = (conversation: unknown) => parseResponsesRequest({ model: 'm', input: 'x', conversation }).conversation;
    expect(conversationOf('conv_1')).toEqual({ previousId: null, conversationId: 'conv_1', stored: true });
    expect(conversationOf({ id: 'conv_1' })).toEqual({ previousId: null, conversationId: 'conv_1', stored: true });
    // Unknown fields of the object pass through, like the rest of the body.
    const req = parseResponsesRequest({ model: 'm', input: 'x', conversation: { id: 'conv_1', extra: 1 } });
    expect(req.conversation?.conversationId).toBe('conv_1');
    expect(req.body.conversation).toEqual({ id: 'conv_1', extra: 1 });
    for (const absent of [null, undefined, '', { id: '' }]) expect(conversationOf(absent)?.conversationId).toBeNull();
    expect(parseResponsesRequest({ model: 'm', input: 'x', conversation: 'conv_1', store: false }).conversation).toEqual({ previousId: null, conversationId: 'conv_1', stored: false });
  });

  it('refuses a conversation of another shape, naming the field and not the value', () => {
    for (const conversation of [7, true, ['conv_1'], {}, { id: 7 }, { conv: 'conv_secret' }]) {
      const e = errorOf(() => parseResponsesRequest({ model: 'm', input: 'x', conversation }));
      expect(e.code).toBe('invalid_request');
      expect(e.message).toContain("'conversation'");
      expect(e.message).not.toContain('conv_secret');
    }
  });

  it('refuses previous_response_id and conversation together; either empty counts as absent', () => {
    for (const conversation of ['conv_1', { id: 'conv_1' }]) {
      const e = errorOf(() => parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: 'resp_1', conversation }));
      expect(e.code).toBe('invalid_request');
      expect(e.message).toContain("'previous_response_id' and 'conversation'");
    }
    expect(parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: '', conversation: 'conv_1' }).conversation?.conversationId).toBe('conv_1');
    expect(parseResponsesRequest({ model: 'm', input: 'x', previous_response_id: 'resp_1', conversation: null }).conversation?.previousId).toBe('resp_1');
  });

  it('writes texts back into a copy', () => {
    const body = { model: 'm', instructions: 'i a@b.co', input: [{ type: 'function_call', name: 'f', arguments: '{"to":"a@b.co"}' }] };
    const req = openaiResponses.parse(body);
    const out = openaiResponses.withTexts(req, req.slots.map((s) => s.text.replace('a@b.co', '<EMAIL_3KQ7ZP>')));
    expect(out).toEqual({ model: 'm', instructions: 'i <EMAIL_3KQ7ZP>', input: [{ type: 'function_call', name: 'f', arguments: '{"to":"<EMAIL_3KQ7ZP>"}' }] });
    expect(body.instructions).toBe('i a@b.co');
  });
});
