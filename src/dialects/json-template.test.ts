import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTemplate } from './json-template.ts';

describe('jsonTemplate', () => {
  const frame = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'local/x', system_fingerprint: null };
  const shape = (content: string) => ({ ...frame, choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] });

  it('fills one hole byte-identically to JSON.stringify, for any text (quotes, newlines, lone surrogates)', () => {
    const chunk = jsonTemplate((hole) => shape(hole(0)));
    for (const s of ['', 'Hello', '"quoted"\n\\', '\u2028é😀', '\ud800', '</script>']) expect(chunk(JSON.stringify(s))).toBe(JSON.stringify(shape(s)));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => chunk(JSON.stringify(s)) === JSON.stringify(shape(s))));
  });

  it('fills several holes in order, numbers as raw JSON', () => {
    const ev = jsonTemplate((hole) => ({ type: 'response.output_text.delta', sequence_number: hole(0), item_id: 'msg_1', delta: hole(1), logprobs: [] }));
    expect(JSON.parse(ev('7', JSON.stringify('a"b')))).toEqual({ type: 'response.output_text.delta', sequence_number: 7, item_id: 'msg_1', delta: 'a"b', logprobs: [] });
    expect(ev('7', JSON.stringify('x'))).toBe(JSON.stringify({ type: 'response.output_text.delta', sequence_number: 7, item_id: 'msg_1', delta: 'x', logprobs: [] }));
  });

  it('fixed text that happens to contain the hole marker still serializes correctly', () => {
    const odd = { ...frame, model: '\u0000veil-hole-0\u0000' };
    const chunk = jsonTemplate((hole) => ({ ...odd, content: hole(0) }));
    expect(chunk(JSON.stringify('hi'))).toBe(JSON.stringify({ ...odd, content: 'hi' }));
  });
});
