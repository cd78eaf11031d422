/**
 * @module providers/remote
 * A remote provider speaking an OpenAI-compatible HTTP API. The gateway forwards the (already
 * transformed) dialect body; this module owns the upstream key, timeouts, and turning upstream
 * failures into VeilErrors whose text never contains the upstream key.
 */
import { isVeilError, VeilError } from '../util/errors.ts';

/** The wire format a provider speaks; a dialect is only sent to providers of its own kind. */
export type ProviderKind = 'openai' | 'anthropic';

export interface RemoteProvider {
  readonly id: string;
  /** Default `openai`. */
  readonly kind?: ProviderKind;
  /**
   * Resolves when response headers arrive with a 2xx; otherwise throws VeilError. `headers` are
   * client headers the dialect forwards (e.g. `anthropic-beta`); they never override auth.
   * `abort` is the caller's signal, or better its controller: the provider then aborts that
   * controller on timeout instead of building a second one linked to the signal (on Node 20 each
   * controller, signal and listener is an allocation with bookkeeping, on every request).
   */
  send(path: string, body: unknown, abort: AbortSignal | AbortController, headers?: Record<string, string>): Promise<Response>;
}

export interface RemoteProviderOptions {
  id: string;
  baseUrl: string;
  apiKey: string;
  /** Default `openai`. `anthropic` implies `x-api-key` auth and a default `anthropic-version`. */
  kind?: ProviderKind;
  /** How the key is sent: OpenAI-style bearer or Anthropic-style `x-api-key`; default from `kind`. */
  auth?: 'bearer' | 'x-api-key';
  extraHeaders?: Record<string, string>;
  /** Wait for response headers at most this long. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Sent when an Anthropic client did not say which API version it speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Upstream error bodies are read at most this far: enough for a message, bounded for hostile peers. */
const MAX_ERROR_BODY = 64 * 1024;

export function createRemoteProvider(opts: RemoteProviderOptions): RemoteProvider {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const kind = opts.kind ?? 'openai';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.extraHeaders };
  // A client's own `anthropic-version` (forwarded by its dialect) wins over this default.
  const defaults: Record<string, string> = kind === 'anthropic' ? { 'anthropic-version': ANTHROPIC_VERSION } : {};
  const authHeaders: Record<string, string> = {};
  if (opts.apiKey) {
    if ((opts.auth ?? (kind === 'anthropic' ? 'x-api-key' : 'bearer')) === 'bearer') authHeaders.authorization = `Bearer ${opts.apiKey}`;
    else authHeaders['x-api-key'] = opts.apiKey;
  }
  const scrub = (text: string) => (opts.apiKey ? text.split(opts.apiKey).join('[upstream key]') : text);

  return {
    id: opts.id,
    kind,
    async send(path, body, abort, forwarded) {
      // The timeout covers the wait for headers only; a streamed body is guarded between chunks
      // by the pipeline's idle timeout, so a long healthy stream is never cut.
      // Given a signal only: one controller fed by it and the timer, instead of AbortSignal.any
      // (on Node 20 each `any` costs a transferable signal plus weak-ref bookkeeping per request).
      // The caller's signal stays linked for the body's lifetime (aborting it cancels a stream).
      let ctl: AbortController;
      let callerAborted: () => boolean;
      let unlink = () => {};
      if (abort instanceof AbortController) {
        ctl = abort;
        callerAborted = () => abort.signal.aborted;
      } else {
        const signal = abort;
        const combined = (ctl = new AbortController());
        const onAbort = () => combined.abort(signal.reason);
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        unlink = () => signal.removeEventListener('abort', onAbort);
        callerAborted = () => signal.aborted;
      }
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
      }, opts.timeoutMs);
      let res: Response;
      try {
        // Forwarded client headers come before ours so they can never replace the upstream key or content type.
        const all = Object.assign({}, defaults, forwarded, headers, authHeaders);
        res = await doFetch(`${base}${path}`, { method: 'POST', headers: all, body: JSON.stringify(body), signal: ctl.signal });
      } catch (e) {
        unlink();
        // The timeout first: with a shared controller, it has aborted the caller's signal too.
        if (timedOut) throw new VeilError('upstream_timeout', `Upstream provider '${opts.id}' did not answer within ${opts.timeoutMs} ms.`);
        if (callerAborted()) throw new VeilError('client_closed', 'Client closed the request.');
        throw new VeilError('upstream_error', `Could not reach upstream provider '${opts.id}'${causeCode(e)}.`);
      } finally {
        clearTimeout(timer);
      }
      if (res.ok) return res;
      throw await upstreamFailure(opts.id, res, scrub);
    },
  };
}

function causeCode(e: unknown): string {
  const code = (e as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
}

async function upstreamFailure(id: string, res: Response, scrub: (s: string) => string): Promise<VeilError> {
  const text = await readBounded(res, MAX_ERROR_BODY).catch(() => '');
  let detail = '';
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message);
    if (typeof m === 'string') detail = `: ${scrub(m).slice(0, 500)}`;
  } catch {
    /* not JSON: say only the status */
  }
  const msg = `Upstream provider '${id}' returned HTTP ${res.status}${detail}`;
  if (res.status === 429) {
    const ra = Number(res.headers.get('retry-after'));
    return new VeilError('rate_limited', msg, { retryAfter: Number.isFinite(ra) && ra > 0 ? ra : undefined });
  }
  // Client errors (bad parameters the upstream rejected) keep their status; upstream faults are 502.
  if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) {
    return new VeilError('invalid_request', msg, { status: res.status });
  }
  return new VeilError('upstream_error', msg);
}

/**
 * An optional way a runtime's `fetch` may offer to read a whole answer: as text, bounded, straight
 * from its connection instead of through a web `ReadableStream` (on Node 20 each costs 10–40 µs).
 * `providers/node-http-fetch.node.ts` offers it; `readBounded` uses it when present. It returns a
 * verdict rather than throwing; `unavailable` means the body was already taken another way.
 */
export const BODY_TEXT: unique symbol = Symbol.for('veil.bodyText');

export type BodyTextResult =
  | { kind: 'text'; text: string }
  | { kind: 'too_large' }
  | { kind: 'stalled' }
  | { kind: 'failed' }
  | { kind: 'unavailable' };

export interface BodyTextSource {
  /** The whole body as text; `too_large` past `max` bytes, `stalled` after `idleMs` without a chunk (the connection is then dropped). */
  [BODY_TEXT](max: number, idleMs?: number): Promise<BodyTextResult>;
}

/**
 * Reads a body as text, at most `max` bytes. With `idle`, a wait of more than `idle.ms` for the
 * next chunk cancels the body and throws `idle.error()`. One timer per idle period, not per
 * chunk: when it fires it re-arms for whatever is left since the last chunk, and a stall cancels
 * the reader (which ends the pending read) instead of racing every read against a promise.
 */
export async function readBounded(res: Response, max: number, idle?: { ms: number; error: () => Error }): Promise<string> {
  const direct = (res as Response & Partial<BodyTextSource>)[BODY_TEXT];
  if (typeof direct === 'function') {
    const r = await direct.call(res, max, idle?.ms);
    if (r.kind === 'text') return r.text;
    if (r.kind === 'too_large') throw new VeilError('upstream_error', `Upstream response exceeded ${max} bytes.`);
    if (r.kind === 'stalled') throw idle!.error();
    if (r.kind === 'failed') throw new VeilError('upstream_error', 'The upstream connection failed before the answer was complete.');
    // 'unavailable': the body was taken as a stream; read that below.
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let out = '';
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  let lastChunkAt = 0;
  if (idle) {
    const check = () => {
      const left = lastChunkAt + idle.ms - Date.now();
      if (left > 0) {
        timer = setTimeout(check, left);
        return;
      }
      stalled = true;
      reader.cancel().catch(() => {});
    };
    lastChunkAt = Date.now();
    timer = setTimeout(check, idle.ms);
  }
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        reader.cancel().catch(() => {});
        if (stalled) throw idle!.error();
        // A reset mid-body is the upstream's failure (502), not an internal error; timeouts pass as they are.
        if (isVeilError(e)) throw e;
        throw new VeilError('upstream_error', 'The upstream connection failed before the answer was complete.');
      }
      if (stalled) throw idle!.error();
      const { value, done } = chunk;
      if (done) break;
      if (idle) lastChunkAt = Date.now();
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw new VeilError('upstream_error', `Upstream response exceeded ${max} bytes.`);
      }
      out += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  return out + decoder.decode();
}
