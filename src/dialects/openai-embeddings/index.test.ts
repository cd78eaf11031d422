import { describe, expect, it } from 'vitest';
import type { LocalModel } from '../../providers/types.ts';
import { VeilError } from '../../util/errors.ts';
import { openaiEmbeddings } from './index.ts';
import { float32Base64 } from './local.ts';

const signal = new AbortController().signal;

describe('embeddings parse', () => {
  it('makes each string input a slot and counts token arrays as opaque', () => {
    expect(openaiEmbeddings.parse({ model: 'e', input: 'one' }).slots).toEqual([{ path: ['input'], text: 'one', kind: 'text' }]);
    const many = openaiEmbeddings.parse({ model: 'e', input: ['a', 'b'] });
    expect(many.slots.map((s) => s.path)).toEqual([['input', 0], ['input', 1]]);
    expect(many.stream).toBe(false);
    const tokens = openaiEmbeddings.parse({ model: 'e', input: [[1, 2], [3]] });
    expect(tokens.slots).toEqual([]);
    expect(tokens.opaqueParts).toBe(2);
    expect(openaiEmbeddings.parse({ model: 'e', input: [5, 6, 7] }).opaqueParts).toBe(1);
  });

  it('refuses bad inputs naming the field', () => {
    for (const input of [undefined, '', [], [''], [{ text: 'x' }], 42]) {
      const e = (() => {
        try {
          openaiEmbeddings.parse({ model: 'e', input });
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(VeilError);
      expect((e as VeilError).message).toContain("'input");
    }
    expect(() => openaiEmbeddings.parse({ model: 'e', input: 'x', encoding_format: 'hex' })).toThrow(/encoding_format/);
  });

  it('writes redacted inputs back', () => {
    const req = openaiEmbeddings.parse({ model: 'e', input: ['mail a@b.co', 'clean'] });
    expect(openaiEmbeddings.withTexts(req, ['mail <EMAIL_3KQ7ZP>', 'clean'])).toEqual({ model: 'e', input: ['mail <EMAIL_3KQ7ZP>', 'clean'] });
  });

  it('passes the upstream answer through and reads its usage', () => {
    const answer = { object: 'list', data: [], usage: { prompt_tokens: 4, total_tokens: 4 } };
    const out = openaiEmbeddings.transformAnswer(answer, { identity: false } as never);
    expect(out.json).toBe(answer);
    expect(out.usage).toEqual({ promptTokens: 4, completionTokens: 0 });
  });
});

describe('embeddings from the local model', () => {
  const embedding: LocalModel = {
    id: 'local/m',
    generate: () => Promise.reject(new Error('unused')),
    embed: async (inputs) => ({ vectors: inputs.map((s) => [s.length, 0.5, -1]), tokens: inputs.length * 2 }),
    close: async () => {},
  };

  it('answers in OpenAI list shape, float or base64', async () => {
    const req = openaiEmbeddings.parse({ model: 'e', input: ['ab', 'abc'] });
    const out = await openaiEmbeddings.answerLocally!(req, embedding, signal);
    expect(out.json).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [2, 0.5, -1] }, { object: 'embedding', index: 1, embedding: [3, 0.5, -1] }],
      model: 'local/m',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    const b64 = await openaiEmbeddings.answerLocally!(openaiEmbeddings.parse({ model: 'e', input: 'ab', encoding_format: 'base64' }), embedding, signal);
    const s = (b64.json as { data: { embedding: string }[] }).data[0]!.embedding;
    const bytes = Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    expect([...new Float32Array(bytes.buffer)]).toEqual([2, 0.5, -1]);
  });

  it('is a 503 that names the cause when the local model cannot embed, and a 400 for token arrays', async () => {
    const { embed: _drop, ...noEmbed } = embedding;
    const err = await openaiEmbeddings.answerLocally!(openaiEmbeddings.parse({ model: 'e', input: 'x' }), noEmbed, signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'local_model_unavailable', status: 503 });
    expect((err as Error).message).toContain('does not provide embeddings');
    const tokens = await openaiEmbeddings.answerLocally!(openaiEmbeddings.parse({ model: 'e', input: [1, 2] }), embedding, signal).catch((e: unknown) => e);
    expect(tokens).toMatchObject({ code: 'invalid_request' });
  });

  it('float32Base64 is little-endian float32', () => {
    expect(float32Base64([1])).toBe('AACAPw==');
  });
});
