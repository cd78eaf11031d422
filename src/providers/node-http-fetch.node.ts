/**
 * @module providers/node-http-fetch.node
 * A `fetch`-compatible function on `node:http` / `node:https` with a keep-alive Agent, for the
 * Node gateway's remote providers. Node 20's global `fetch` (undici) spends 0.8–1.4 ms of CPU per
 * request on this machine against 0.2–0.4 ms for `node:http` on the same keep-alive connection
 * (docs/benchmarks.md, "Gateway overhead: reading the results"); a gateway pays that on every
 * request. Workers keep the platform `fetch`.
 *
 * It covers what `providers/remote.ts` uses, with `fetch`'s observable behaviour:
 * - method, headers (object, `Headers` or pairs), body as string or bytes;
 * - an `AbortSignal`: aborting destroys the request and rejects with the signal's reason (an
 *   `AbortError` by default) before headers, or errors the body stream after them;
 * - a connection failure rejects with `TypeError('fetch failed')` whose `cause` carries the
 *   socket error's `code` (`ECONNREFUSED`, …), as undici does;
 * - the response body is a web `ReadableStream<Uint8Array>` with backpressure (the socket is
 *   paused while the stream's queue is full) and `cancel()` destroys the connection, so an
 *   abandoned answer never goes back into the keep-alive pool half-read;
 * - a body cut mid-way errors the stream with `TypeError('terminated')`;
 * - `gzip`/`deflate`/`br` bodies are decoded, as `fetch` does (none is asked for).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface NodeHttpFetchOptions {
  /** Sockets per upstream host; default unlimited, like `fetch`. */
  maxSockets?: number;
  /** Idle sockets kept per host; default 256. */
  maxFreeSockets?: number;
}

export interface NodeHttpFetch {
  fetch: typeof fetch;
  /** Closes pooled connections (gateway shutdown). */
  close(): void;
}

/** Bytes queued in the body stream before the socket is paused. */
const BODY_HIGH_WATER = 64 * 1024;
/** Statuses whose response has no body, per the Fetch standard. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * @example
 * const http = createNodeHttpFetch();
 * createRemoteProvider({ id: 'openai', baseUrl, apiKey, timeoutMs, fetch: http.fetch });
 * // on shutdown: http.close();
 */
export function createNodeHttpFetch(opts: NodeHttpFetchOptions = {}): NodeHttpFetch {
  // lifo keeps the fewest sockets warm under uneven load; idle sockets are unref'd by the Agent.
  const agentOpts = { keepAlive: true, scheduling: 'lifo' as const, maxSockets: opts.maxSockets ?? Infinity, maxFreeSockets: opts.maxFreeSockets ?? 256 };
  const httpAgent = new HttpAgent(agentOpts);
  const httpsAgent = new HttpsAgent(agentOpts);

  const nodeFetch = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : new URL(input.url);
    const method = (init.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')).toUpperCase();
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));

    let body: Uint8Array | string | undefined;
    const b = init.body;
    if (b === undefined || b === null) body = undefined;
    else if (typeof b === 'string' || b instanceof Uint8Array) body = b;
    else if (b instanceof ArrayBuffer) body = new Uint8Array(b);
    else return Promise.reject(new TypeError('node-http-fetch: only string and byte bodies are supported'));

    const headers = toHeaderObject(init.headers);
    if (body !== undefined) {
      headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      if (typeof body === 'string' && headers['content-type'] === undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
    } else if (method === 'POST' || method === 'PUT') headers['content-length'] = 0;

    const https = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      let stream: ReadableStreamDefaultController<Uint8Array> | null = null;
      let streamDone = false;
      const fail = (e: unknown) => {
        if (!settled) {
          settled = true;
          reject(e);
        } else if (stream && !streamDone) {
          streamDone = true;
          try {
            stream.error(e);
          } catch {
            /* already closed or cancelled */
          }
        }
      };
      const onAbort = () => {
        fail(abortReason(signal!));
        req.destroy();
      };
      const cleanup = () => signal?.removeEventListener('abort', onAbort);

      const req = (https ? httpsRequest : httpRequest)(
        {
          protocol: url.protocol,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port || undefined,
          path: url.pathname + url.search,
          method,
          headers,
          agent: https ? httpsAgent : httpAgent,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const resHeaders = new Headers();
          const raw = res.rawHeaders;
          for (let i = 0; i < raw.length; i += 2) resHeaders.append(raw[i]!, raw[i + 1]!);
          if (NULL_BODY.has(status) || method === 'HEAD') {
            res.resume();
            res.once('end', cleanup);
            settled = true;
            resolve(new Response(null, { status, statusText: res.statusMessage, headers: resHeaders }));
            return;
          }
          const source = decoded(res, resHeaders.get('content-encoding'), (e) => fail(e));
          const bodyStream = new ReadableStream<Uint8Array>(
            {
              start(ctl) {
                stream = ctl;
              },
              pull() {
                if (source.isPaused()) source.resume();
              },
              cancel() {
                // Never hand a half-read connection back to the pool.
                streamDone = true;
                cleanup();
                res.destroy();
                req.destroy();
              },
            },
            { highWaterMark: BODY_HIGH_WATER, size: (c) => c.byteLength },
          );
          source.on('data', (chunk: Buffer) => {
            if (streamDone) return;
            stream!.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if ((stream!.desiredSize ?? 1) <= 0) source.pause();
          });
          source.once('end', () => {
            cleanup();
            if (streamDone) return;
            streamDone = true;
            stream!.close();
          });
          res.on('error', (e) => fail(terminated(e)));
          res.once('close', () => {
            cleanup();
            if (!res.complete) fail(terminated());
          });
          settled = true;
          resolve(new Response(bodyStream, { status, statusText: res.statusMessage, headers: resHeaders }));
        },
      );
      req.setNoDelay(true);
      req.on('error', (e) => {
        cleanup();
        fail(settled ? terminated(e) : fetchFailed(e));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  };

  return {
    fetch: nodeFetch as typeof fetch,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function toHeaderObject(h: HeadersInit | undefined): OutgoingHttpHeaders & Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else for (const k of Object.keys(h)) out[k.toLowerCase()] = (h as Record<string, string>)[k]!;
  return out;
}

/** The response body stream, decoded when the upstream compressed it anyway. */
function decoded(res: IncomingMessage, encoding: string | null, onError: (e: unknown) => void): Readable {
  const enc = encoding?.trim().toLowerCase();
  const z = enc === 'gzip' || enc === 'x-gzip' ? createGunzip() : enc === 'deflate' ? createInflate() : enc === 'br' ? createBrotliDecompress() : null;
  if (!z) return res;
  z.on('error', (e) => {
    onError(terminated(e));
    res.destroy();
  });
  return res.pipe(z);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function terminated(cause?: unknown): TypeError {
  return new TypeError('terminated', cause === undefined ? undefined : { cause });
}
