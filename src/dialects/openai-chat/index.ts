/**
 * @module dialects/openai-chat
 * `POST /v1/chat/completions` — the OpenAI Chat Completions dialect.
 */
import type { VeilError } from '../../util/errors.ts';
import { setTexts } from '../json-path.ts';
import type { Dialect } from '../types.ts';
import { transformChatAnswer, transformChatStream } from './answer.ts';
import { renderChatLocal, renderChatLocalStream } from './local.ts';
import { parseChatRequest } from './parse.ts';

/** OpenAI's error shape: `{ error: { message, type, param, code } }`. */
export function renderOpenAIError(err: VeilError): { status: number; body: unknown } {
  return { status: err.status, body: { error: { message: err.message, type: err.type, param: null, code: err.code } } };
}

export const openaiChat: Dialect = {
  id: 'openai.chat',
  upstreamPath: '/chat/completions',
  parse: parseChatRequest,
  withTexts: (req, texts) => setTexts(req.body, req.slots.map((s, i) => ({ path: s.path, text: texts[i]! }))),
  transformAnswer: transformChatAnswer,
  transformStream: transformChatStream,
  renderLocal: renderChatLocal,
  renderLocalStream: (gen, meta, req, t, stats) => {
    const opts = req.body.stream_options as { include_usage?: boolean } | null | undefined;
    return renderChatLocalStream(gen, { ...meta, includeUsage: opts?.include_usage === true }, t, stats);
  },
  renderError: renderOpenAIError,
  // OpenAI reports mid-stream failures as a data event carrying the usual error object.
  renderStreamError: (err) => ({ data: JSON.stringify(renderOpenAIError(err).body) }),
};
