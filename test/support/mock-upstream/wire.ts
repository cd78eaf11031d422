/**
 * @module test/support/mock-upstream/wire
 * Pieces shared by the dialect modules of the mock upstream: provider-style ids, a rough token
 * count, reading text out of loosely typed request JSON, each provider family's error body, and
 * the `Planned` reply a dialect hands to the transport.
 */
import { randomBytes } from 'node:crypto';
import type { Behaviour, StreamTuning } from './behaviours.ts';

export type Json = Record<string, unknown>;

/** A reply before transport: a JSON body, or the SSE events of a stream. */
export type Planned =
  | { type: 'json'; status: number; body: unknown }
  | { type: 'sse'; frames: string[]; errorFrame: (message: string, sentFrames: number) => string };

export interface PlanContext {
  json: Json;
  behaviour: Behaviour;
  tuning: StreamTuning;
  models: readonly string[];
  /** Request headers, lower-case (GET /v1/models picks its shape from them). */
  headers: Readonly<Record<string, string>>;
}

export type Family = 'openai' | 'anthropic';

export interface Endpoint {
  family: Family;
  /** Why the real API would answer 400, or null when the body is acceptable. */
  validate(json: Json): string | null;
  plan(ctx: PlanContext): Planned;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + `length` random alphanumerics (e.g. `chatcmpl-…`, `msg_01…`, `toolu_01…`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** `prefix` + `length` random hex digits (Responses ids: `resp_…`, `msg_…`, `fc_…`). */
export function newHexId(prefix: string, length = 48): string {
  return prefix + randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** Deterministic stand-in for a tokenizer: about four characters per token, at least one. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The last object in `list` that passes `test`, or null: the mocks answer the newest user turn
 * (or tool output), whatever came before it.
 */
export function findLast(list: unknown, test: (item: Json) => boolean): Json | null {
  if (!Array.isArray(list)) return null;
  for (let i = list.length - 1; i >= 0; i--) {
    const item: unknown = list[i];
    if (isObject(item) && test(item)) return item;
  }
  return null;
}

/** Every string leaf under `v`, for input-token estimates. */
export function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) allStrings(x, out);
  return out;
}

/**
 * Text of a content value that is either a string or an array of parts; parts whose `type` is
 * in `types` contribute their `text`. Joined with `\n`.
 */
export function partsText(content: unknown, types: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const p of content) {
    if (isObject(p) && typeof p.type === 'string' && types.includes(p.type) && typeof p.text === 'string') {
      texts.push(p.text);
    }
  }
  return texts.join('\n');
}

export function stringField(json: Json, key: string): string {
  const v = json[key];
  return typeof v === 'string' ? v : '';
}

const OPENAI_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded.' },
};

const ANTHROPIC_ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request.' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Forbidden.' },
  404: { type: 'not_found_error', message: 'Not found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

/** OpenAI's error body: `{"error":{"message","type","param","code"}}`. */
export function openaiErrorBody(status: number, message?: string): Json {
  const d = OPENAI_ERRORS[status] ?? (status >= 500 ? OPENAI_ERRORS[500] : OPENAI_ERRORS[400]);
  return { error: { message: message ?? d!.message, type: d!.type, param: null, code: d!.code } };
}

/** Anthropic's error body: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function anthropicErrorBody(status: number, message?: string, requestId?: string): Json {
  const d = ANTHROPIC_ERRORS[status] ?? (status >= 500 ? ANTHROPIC_ERRORS[500] : ANTHROPIC_ERRORS[400]);
  const body: Json = { type: 'error', error: { type: d!.type, message: message ?? d!.message } };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}

export function errorBody(family: Family, status: number, message?: string, requestId?: string): Json {
  return family === 'openai' ? openaiErrorBody(status, message) : anthropicErrorBody(status, message, requestId);
}
