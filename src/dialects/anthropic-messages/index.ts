/**
 * @module dialects/anthropic-messages
 * `POST /v1/messages` (Anthropic Messages) and `POST /v1/messages/count_tokens`. Both go through
 * the one pipeline: count_tokens is inspected like a message (forwarding raw text just to count
 * it would leak it), redacted before it is forwarded, refused on `block`, and answered locally
 * with an estimate on `local`. Errors use Anthropic's shape `{type:"error",error:{type,message}}`.
 */
import type { VeilError } from '../../util/errors.ts';
import { VeilError as VE } from '../../util/errors.ts';
import type { SseEvent } from '../../util/sse.ts';
import type { Dialect } from '../types.ts';
import { transformMessagesAnswer, transformMessagesStream } from './answer.ts';
import { renderMessagesLocal, renderMessagesLocalStream } from './local.ts';
import { parseMessagesRequest, withMessagesTexts } from './parse.ts';

/** Anthropic's error type for a status (its API documents one type per status). */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function renderAnthropicError(err: VeilError): { status: number; body: unknown } {
  return { status: err.status, body: { type: 'error', error: { type: anthropicErrorType(err.status), message: err.message } } };
}

// Anthropic clients send these; the upstream needs them to pick the API version and beta features.
const FORWARD = ['anthropic-version', 'anthropic-beta'] as const;

const common = {
  providerKind: 'anthropic',
  forwardHeaders: FORWARD,
  localIdPrefix: 'msg',
  withTexts: withMessagesTexts,
  renderError: renderAnthropicError,
  renderStreamError: (err: VeilError): SseEvent => ({ event: 'error', data: JSON.stringify(renderAnthropicError(err).body) }),
} as const;

export const anthropicMessages: Dialect = {
  ...common,
  id: 'anthropic.messages',
  upstreamPath: '/messages',
  parse: (body) => parseMessagesRequest(body),
  transformAnswer: transformMessagesAnswer,
  transformStream: transformMessagesStream,
  renderLocal: renderMessagesLocal,
  renderLocalStream: (gen, meta, _req, t, stats) => renderMessagesLocalStream(gen, meta, t, stats),
};

/** Tokens of text, roughly (4 characters each); what a local count can offer without the remote tokenizer. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

const notGenerative = (): never => {
  throw new VE('internal_error', 'count_tokens does not generate.');
};

export const anthropicCountTokens: Dialect = {
  ...common,
  id: 'anthropic.count_tokens',
  upstreamPath: '/messages/count_tokens',
  parse: (body) => parseMessagesRequest(body, { countTokens: true }),
  // A count holds no text to restore.
  transformAnswer: (json) => ({ json }),
  transformStream: (events) => events,
  renderLocal: notGenerative,
  renderLocalStream: notGenerative,
  // Policy keeps this conversation on-premises: count it here, an estimate, instead of asking the remote.
  answerLocally: async (req) => {
    const chars = req.slots.reduce((n, s) => n + s.text.length, 0) + JSON.stringify(req.body.tools ?? []).length;
    return { json: { input_tokens: estimateTokens(chars) } };
  },
};
