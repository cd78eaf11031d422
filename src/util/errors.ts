/**
 * @module util/errors
 * One error type for everything the gateway refuses or fails at. Each dialect renders it in its
 * own wire shape (OpenAI `{error:{message,type,code}}`, Anthropic `{type:"error",error:{...}}`).
 * Messages must never contain a sensitive value: they name rules and types, never matched text.
 */

export const ErrorCodes = {
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  body_too_large: { status: 413, type: 'invalid_request_error' },
  unauthorized: { status: 401, type: 'authentication_error' },
  forbidden: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  policy_blocked: { status: 403, type: 'policy_violation' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  /** The shared rate limit store did not answer: refused rather than let through unlimited. */
  rate_limit_unavailable: { status: 503, type: 'service_unavailable' },
  model_not_allowed: { status: 403, type: 'permission_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  policy_invalid: { status: 422, type: 'invalid_request_error' },
  inspection_failed: { status: 500, type: 'server_error' },
  local_model_unavailable: { status: 503, type: 'service_unavailable' },
  local_model_busy: { status: 503, type: 'service_unavailable' },
  upstream_error: { status: 502, type: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'upstream_error' },
  client_closed: { status: 499, type: 'client_closed' },
  internal_error: { status: 500, type: 'server_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

export class VeilError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  /** Seconds, sent as `Retry-After` when set. */
  readonly retryAfter?: number;
  /** An upstream status to pass through (e.g. 429 or 400 from the provider) instead of the default. */
  constructor(code: ErrorCode, message: string, opts: { status?: number; retryAfter?: number } = {}) {
    super(message);
    this.name = 'VeilError';
    this.code = code;
    this.status = opts.status ?? ErrorCodes[code].status;
    this.type = ErrorCodes[code].type;
    this.retryAfter = opts.retryAfter;
  }
}

export function isVeilError(e: unknown): e is VeilError {
  return e instanceof VeilError;
}
