/**
 * @module dialects/openai-responses
 * `POST /v1/responses` — the OpenAI Responses dialect. Errors in OpenAI's shape; a failure after
 * the stream started is a typed `error` event, as the Responses API sends it.
 */
import { renderOpenAIError } from '../openai-chat/index.ts';
import { setTexts } from '../json-path.ts';
import type { Dialect } from '../types.ts';
import { transformResponsesAnswer, transformResponsesStream } from './answer.ts';
import { renderResponsesLocal, renderResponsesLocalStream } from './local.ts';
import { parseResponsesRequest } from './parse.ts';

const instructionsOf = (body: Record<string, unknown>) => (typeof body.instructions === 'string' ? body.instructions : null);

export const openaiResponses: Dialect = {
  id: 'openai.responses',
  upstreamPath: '/responses',
  localIdPrefix: 'resp',
  parse: parseResponsesRequest,
  withTexts: (req, texts) => setTexts(req.body, req.slots.map((s, i) => ({ path: s.path, text: texts[i]! }))),
  transformAnswer: transformResponsesAnswer,
  transformStream: transformResponsesStream,
  renderLocal: (text, meta) => renderResponsesLocal(text, meta),
  renderLocalStream: (gen, meta, req, t, stats) => renderResponsesLocalStream(gen, meta, instructionsOf(req.body), t, stats),
  renderError: renderOpenAIError,
  renderStreamError: (err) => ({
    event: 'error',
    data: JSON.stringify({ type: 'error', code: err.code, message: err.message, param: null, sequence_number: 0 }),
  }),
};
