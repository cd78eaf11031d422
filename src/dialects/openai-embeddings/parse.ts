/**
 * @module dialects/openai-embeddings/parse
 * OpenAI embeddings request → canonical request: each string input is a slot. Token-id arrays
 * cannot be inspected as text; they pass through untouched and are counted as opaque parts.
 */
import * as z from 'zod';
import { VeilError } from '../../util/errors.ts';
import type { JsonObject, ParsedRequest, TextSlot } from '../types.ts';

const Tokens = z.array(z.number().int().min(0));

export const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), Tokens.min(1), z.array(Tokens.min(1)).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

export function parseEmbeddingsRequest(body: unknown): ParsedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new VeilError('invalid_request', 'The request body must be a JSON object.');
  }
  const r = EmbeddingsRequest.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'body';
    // A union failure says only "invalid input": say what the field accepts.
    const what = field === 'input' || field.startsWith('input.') ? 'expected a non-empty string, an array of strings, or token arrays' : issue.message;
    throw new VeilError('invalid_request', `Invalid '${field}': ${what}`);
  }
  const { input } = r.data;
  const slots: TextSlot[] = [];
  let opaqueParts = 0;
  if (typeof input === 'string') slots.push({ path: ['input'], text: input, kind: 'text' });
  else if (input.every((x) => typeof x === 'number')) opaqueParts = 1;
  else {
    (input as (string | number[])[]).forEach((x, i) => {
      if (typeof x === 'string') slots.push({ path: ['input', i], text: x, kind: 'text' });
      else opaqueParts++;
    });
  }
  return {
    model: r.data.model,
    stream: false,
    body: body as JsonObject,
    slots,
    opaqueParts,
    chat: { messages: [] },
  };
}
