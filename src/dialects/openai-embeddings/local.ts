/**
 * @module dialects/openai-embeddings/local
 * Embeddings from the local model, in OpenAI's list shape, for requests policy keeps on-premises.
 * `encoding_format: base64` (the `openai` SDK's default) is little-endian float32, as OpenAI sends it.
 */
import type { LocalModel, Usage } from '../../providers/types.ts';
import { VeilError } from '../../util/errors.ts';
import type { ParsedRequest } from '../types.ts';

/** Little-endian float32 bytes, base64 — web-standard APIs only (no Buffer). */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((x, i) => view.setFloat32(i * 4, x, true));
  const bytes = new Uint8Array(view.buffer);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export async function embedLocally(req: ParsedRequest, model: LocalModel, signal: AbortSignal): Promise<{ json: unknown; usage: Usage }> {
  if (!model.embed) {
    throw new VeilError(
      'local_model_unavailable',
      `Policy keeps this input on-premises, but the local model '${model.id}' does not provide embeddings. The request was not sent to any remote provider.`,
    );
  }
  if (req.opaqueParts > 0) {
    throw new VeilError('invalid_request', "The local model embeds text only; send 'input' as strings, not token arrays.");
  }
  const { vectors, tokens } = await model.embed(req.slots.map((s) => s.text), signal);
  const base64 = req.body.encoding_format === 'base64';
  return {
    json: {
      object: 'list',
      data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? float32Base64(v) : v })),
      model: model.id,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    usage: { promptTokens: tokens, completionTokens: 0 },
  };
}
