/**
 * @module http/audit-middleware
 * Opens the audit draft for every request before anything can fail (auth, body size, JSON), and
 * commits it when the response is complete. Streaming handlers mark the draft deferred and commit
 * when the stream ends, so a disconnect mid-stream is still recorded.
 *
 * The endpoint is recorded only in the shape of an API path (lower-case words and slashes); any
 * other path is client text that may hold a value (`/v1/jane@corp.com`), so it is not stored.
 */
import type { MiddlewareHandler } from 'hono';
import { AuditDraft } from '../audit/draft.ts';
import type { AuditStore } from '../audit/types.ts';
import type { Logger } from '../util/log.ts';
import type { VeilEnv } from './env.ts';
import { requestIds } from './request-id.ts';

export function auditRequests(store: AuditStore, log: Logger, now: () => number): MiddlewareHandler<VeilEnv> {
  const nextRequestId = requestIds();
  return async (c, next) => {
    const requestId = nextRequestId();
    const startedAt = now();
    const draft = new AuditDraft(store, startedAt, now, {
      requestId,
      ts: new Date().toISOString(),
      endpoint: endpointLabel(c.req.method, c.req.path),
    });
    c.set('requestId', requestId);
    c.set('audit', draft);
    c.set('veilHeaders', { 'x-veil-request-id': requestId });
    await next();
    // Responses built from `veilHeaders` (the pipeline's, `onError`'s) carry them already;
    // setting them again would turn a plain header record into a `Headers` object on Node.
    if (!c.get('veilHeadersSent')) for (const [k, v] of Object.entries(c.get('veilHeaders'))) c.res.headers.set(k, v);
    if (draft.deferred) return;
    try {
      await draft.commit({ status: c.res.status });
    } catch (e) {
      // A request we cannot record is a request we must not claim succeeded.
      log.log('error', 'audit write failed', { requestId, error: (e as Error)?.name });
      c.res = Response.json(
        { error: { message: `Veil could not write the audit record (request ${requestId}).`, type: 'server_error', param: null, code: 'audit_failed' } },
        { status: 500, headers: { 'x-veil-request-id': requestId } },
      );
    }
  };
}

/** API paths are lower-case words: `/v1/chat/completions`, `/v1/messages/count_tokens`. */
const API_PATH = /^\/v1(?:\/[a-z_]{1,32}){0,3}$/;

export function endpointLabel(method: string, path: string): string {
  const m = /^[A-Z]{1,10}$/.test(method) ? method : 'OTHER';
  return `${m} ${API_PATH.test(path) ? path : '/v1/(unrecognized path)'}`;
}
