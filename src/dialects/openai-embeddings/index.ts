/**
 * @module dialects/openai-embeddings
 * `POST /v1/embeddings`. Inspected like any prompt: `redact` sends the pseudonymized text to be
 * embedded (an embedding holds no text, so there is nothing to restore), `block` refuses, `local`
 * embeds with the local model (503 when it cannot embed — never a remote fallback).
 */
import { VeilError } from '../../util/errors.ts';
import { renderOpenAIError } from '../openai-chat/index.ts';
import { setTexts } from '../json-path.ts';
import type { Dialect } from '../types.ts';
import { embedLocally } from './local.ts';
import { parseEmbeddingsRequest } from './parse.ts';

const notGenerative = (): never => {
  throw new VeilError('internal_error', 'Embeddings do not generate text.');
};

function usageOf(json: unknown) {
  const u = (json as { usage?: { prompt_tokens?: unknown } } | null)?.usage;
  return typeof u?.prompt_tokens === 'number' ? { promptTokens: u.prompt_tokens, completionTokens: 0 } : undefined;
}

export const openaiEmbeddings: Dialect = {
  id: 'openai.embeddings',
  upstreamPath: '/embeddings',
  parse: parseEmbeddingsRequest,
  withTexts: (req, texts) => setTexts(req.body, req.slots.map((s, i) => ({ path: s.path, text: texts[i]! }))),
  transformAnswer: (json) => ({ json, usage: usageOf(json) }),
  // Never streamed (`parse` sets stream false).
  transformStream: (events) => events,
  renderLocal: notGenerative,
  renderLocalStream: notGenerative,
  answerLocally: embedLocally,
  renderError: renderOpenAIError,
  renderStreamError: (err) => ({ data: JSON.stringify(renderOpenAIError(err).body) }),
};
