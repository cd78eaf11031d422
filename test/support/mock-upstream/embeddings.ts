/**
 * @module test/support/mock-upstream/embeddings
 * `POST /v1/embeddings` and `GET /v1/models` as the providers send them. Embedding vectors are
 * deterministic (a hash of each input), unit length and float32-exact, so tests can compute
 * the expected vector with `mockEmbedding` and compare exactly, including through the `openai`
 * SDK's default `encoding_format: "base64"` (little-endian float32, decoded by the SDK).
 */
import { createHash } from 'node:crypto';
import {
  allStrings, estimateTokens, stringField, type Endpoint, type Json, type PlanContext,
} from './wire.ts';

/** Default vector length when the request does not ask for `dimensions`. */
export const DEFAULT_EMBEDDING_DIMS = 8;

/** The vector the mock answers for one input (a string, or a token array as its JSON text). */
export function mockEmbedding(input: string, dims = DEFAULT_EMBEDDING_DIMS): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dims; block++) {
    const digest = createHash('sha256').update(`${input}#${block}`).digest();
    for (let i = 0; i + 4 <= digest.length && raw.length < dims; i += 4) {
      raw.push(digest.readUInt32LE(i) / 0x1_0000_0000 * 2 - 1);
    }
  }
  const norm = Math.sqrt(raw.reduce((s, x) => s + x * x, 0)) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

/** Each input of an embeddings request as a string key (token arrays as their JSON text). */
function inputsOf(input: unknown): string[] | null {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((x) => typeof x === 'number')) return [JSON.stringify(input)];
  const out: string[] = [];
  for (const x of input) {
    if (typeof x === 'string') out.push(x);
    else if (Array.isArray(x) && x.every((t) => typeof t === 'number')) out.push(JSON.stringify(x));
    else return null;
  }
  return out;
}

function dimsOf(json: Json): number {
  const d = json.dimensions;
  return typeof d === 'number' && Number.isInteger(d) && d > 0 && d <= 4096 ? d : DEFAULT_EMBEDDING_DIMS;
}

export const embeddings: Endpoint = {
  family: 'openai',
  validate(json) {
    if (typeof json.model !== 'string' || json.model === '') return 'you must provide a model parameter';
    const inputs = inputsOf(json.input);
    if (inputs === null || inputs.some((s) => s === '')) return "'$.input' is invalid. Please check the API reference.";
    if (json.encoding_format !== undefined && json.encoding_format !== 'float' && json.encoding_format !== 'base64') {
      return "'encoding_format' must be 'float' or 'base64'";
    }
    return null;
  },
  plan({ json }) {
    const inputs = inputsOf(json.input) ?? [];
    const dims = dimsOf(json);
    const base64 = json.encoding_format === 'base64';
    const data = inputs.map((input, index) => {
      const vector = mockEmbedding(input, dims);
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = estimateTokens(allStrings(json.input).join('') || JSON.stringify(json.input));
    return {
      type: 'json', status: 200,
      body: { object: 'list', data, model: stringField(json, 'model'), usage: { prompt_tokens: tokens, total_tokens: tokens } },
    };
  },
};

/**
 * `GET /v1/models`. Both providers serve this path, so the shape follows the caller: Anthropic
 * clients send `anthropic-version`, and get Anthropic's paged list; everyone else OpenAI's.
 */
export const models: Endpoint = {
  family: 'openai',
  validate: () => null,
  plan({ models: ids, headers }: PlanContext) {
    if (headers['anthropic-version'] !== undefined) {
      const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
      return {
        type: 'json', status: 200,
        body: { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null },
      };
    }
    const data = ids.map((id) => ({
      id, object: 'model', created: 1_700_000_000, owned_by: id.startsWith('claude') ? 'anthropic' : 'openai',
    }));
    return { type: 'json', status: 200, body: { object: 'list', data } };
  },
};
