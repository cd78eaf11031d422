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
 * - the body stream is only built when something reads `body` (or `text()`, …): a non-streamed
 *   answer is read whole through `[BODY_TEXT]` (`readBounded` in remote.ts), with the same byte
 *   cap and idle timeout, without a web stream;
 * - `gzip`/`deflate`/`br` bodies are decoded, as `fetch` does (none is asked for).
 *
 * Keep-alive has a race (nodejs/node#47130, #52649): a server closes an idle connection (uvicorn,
 * nginx and Node servers after 5 s; private LLM endpoints alike) just as the pool hands that
 * socket to the next request, which then fails with ECONNRESET / EPIPE / "socket hang up" and the
 * gateway would answer a spurious 502. Two defences:
 * - the Agents close idle pooled sockets after `freeSocketTimeoutMs` (default 4 s, below the
 *   common 5 s). The Agent honours a server's `Keep-Alive: timeout=N` hint (closing 1 s before
 *   it) only when it has a timeout of its own to lower. Node applies the Agent's `timeout` to
 *   sockets in use too, but there it only emits `'timeout'`, which nothing here listens to: an
 *   answer that pauses longer is not cut (only free sockets are destroyed, `_http_agent.js`);
 * - a request that fails that way on a reused socket before any response byte arrived is sent
 *   once more, on a one-off connection outside the pool (whose other idle sockets may be as
 *   stale), as Node's docs for `request.reusedSocket` advise: the server never read it. Not on a
 *   fresh socket, not after a response byte, not after an abort, not twice.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BODY_TEXT, type BodyTextResult, type BodyTextSource } from './remote.ts';
import { rawHeader } from '../util/raw-header.ts';

export interface NodeHttpFetchOptions {
  /** Sockets per upstream host; default unlimited, like `fetch`. */
  maxSockets?: number;
  /** Idle sockets kept per host; default 256. */
  maxFreeSockets?: number;
  /**
   * An idle pooled socket is closed after this long (ms); default 4,000, below the 5 s after
   * which many servers close theirs. A lower `Keep-Alive: timeout=N` from the server wins; 0: never.
   */
  freeSocketTimeoutMs?: number;
}

export interface NodeHttpFetch {
  fetch: typeof fetch;
  /** Closes pooled connections (gateway shutdown). */
  close(): void;
}

/** Idle pooled sockets close before the common 5 s server keep-alive timeout. */
const FREE_SOCKET_TIMEOUT_MS = 4000;
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
  const agentOpts = {
    keepAlive: true,
    scheduling: 'lifo' as const,
    maxSockets: opts.maxSockets ?? Infinity,
    maxFreeSockets: opts.maxFreeSockets ?? 256,
    timeout: opts.freeSocketTimeoutMs ?? FREE_SOCKET_TIMEOUT_MS,
  };
  const httpAgent = noteReuse(new HttpAgent(agentOpts));
  const httpsAgent = noteReuse(new HttpsAgent(agentOpts));

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
      // The body, once a consumer has chosen how to read it: a web stream or the text reader.
      let sink: BodySink | null = null;
      // A failure after headers but before any consumer: handed to the consumer when it comes.
      let pendingError: unknown = undefined;
      const fail = (e: unknown) => {
        if (!settled) {
          settled = true;
          reject(e);
        } else if (sink) sink.error(e);
        else if (pendingError === undefined) pendingError = e;
      };
      // The request in flight: the retry on a fresh connection replaces the first one.
      let req!: ClientRequest;
      const onAbort = () => {
        fail(abortReason(signal!));
        req.destroy();
      };
      const cleanup = () => signal?.removeEventListener('abort', onAbort);

      const onResponse = (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const raw = res.rawHeaders;
        if (NULL_BODY.has(status) || method === 'HEAD') {
          res.resume();
          res.once('end', cleanup);
          settled = true;
          resolve(new Response(null, { status, statusText: res.statusMessage, headers: headersFrom(raw) }));
          return;
        }
        // Until a consumer attaches, the message stays paused (no 'data' listener): the socket
        // is not read past the kernel's buffers, as with an unread web stream.
        res.on('error', (e) => fail(terminated(e)));
        res.once('close', () => {
          cleanup();
          if (!res.complete) fail(terminated());
        });
        const abandon = () => {
          // Never hand a half-read connection back to the pool.
          cleanup();
          res.destroy();
          req.destroy();
        };
        const encoding = rawHeader(raw, 'content-encoding');

        const openStream = (): ReadableStream<Bytes> => {
          let ctl!: ReadableStreamDefaultController<Bytes>;
          let done = false;
          const source = decoded(res, encoding, (e) => fail(e));
          const body = new ReadableStream<Bytes>(
            {
              start(c) {
                ctl = c;
              },
              pull() {
                if (source.isPaused()) source.resume();
              },
              cancel() {
                done = true;
                abandon();
              },
            },
            { highWaterMark: BODY_HIGH_WATER, size: (c) => c.byteLength },
          );
          sink = {
            error(e) {
              if (done) return;
              done = true;
              try {
                ctl.error(e);
              } catch {
                /* already closed or cancelled */
              }
            },
          };
          if (pendingError !== undefined) sink.error(pendingError);
          source.on('data', (chunk: Buffer) => {
            if (done) return;
            ctl.enqueue(new Uint8Array(chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.byteLength));
            if ((ctl.desiredSize ?? 1) <= 0) source.pause();
          });
          source.once('end', () => {
            cleanup();
            if (done) return;
            done = true;
            ctl.close();
          });
          return body;
        };

        const readText = (max: number, idleMs?: number): Promise<BodyTextResult> =>
          new Promise((resolveText) => {
            let done = false;
            let out = '';
            let size = 0;
            let timer: ReturnType<typeof setTimeout> | undefined;
            let lastChunkAt = Date.now();
            const decoder = new TextDecoder();
            const finish = (r: BodyTextResult) => {
              if (done) return;
              done = true;
              clearTimeout(timer);
              if (r.kind !== 'text') abandon();
              resolveText(r);
            };
            sink = { error: () => finish({ kind: 'failed' }) };
            if (pendingError !== undefined) return finish({ kind: 'failed' });
            if (idleMs !== undefined) {
              // One timer per idle period, re-armed for what is left since the last chunk.
              const check = () => {
                const left = lastChunkAt + idleMs - Date.now();
                if (left > 0) timer = setTimeout(check, left);
                else finish({ kind: 'stalled' });
              };
              timer = setTimeout(check, idleMs);
            }
            const source = decoded(res, encoding, () => finish({ kind: 'failed' }));
            source.on('data', (chunk: Buffer) => {
              if (done) return;
              size += chunk.byteLength;
              if (size > max) return finish({ kind: 'too_large' });
              out += decoder.decode(chunk, { stream: true });
              lastChunkAt = Date.now();
            });
            source.once('end', () => {
              cleanup();
              finish({ kind: 'text', text: out + decoder.decode() });
            });
          });

        settled = true;
        resolve(new NodeHttpResponse(openStream, readText, { status, statusText: res.statusMessage }, raw));
      };

      const send = (fresh: boolean) => {
        const r = (https ? httpsRequest : httpRequest)(
          {
            protocol: url.protocol,
            hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
            port: url.port || undefined,
            path: url.pathname + url.search,
            method,
            headers,
            // The resend: a one-off connection, as no other pooled socket is known to be alive.
            agent: fresh ? false : https ? httpsAgent : httpAgent,
          },
          onResponse,
        );
        req = r;
        // The Agent sets `reusedSocket` while the request is built; only a pooled socket can be stale.
        const retriable = !fresh && r.reusedSocket;
        r.setNoDelay(true);
        r.on('error', (e) => {
          if (retriable && !settled && staleSocket(e) && !answerBegun(r)) return send(true);
          cleanup();
          fail(settled ? terminated(e) : fetchFailed(e));
        });
        r.end(body);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      send(false);
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

/** Body chunks: views of Node's buffers, which never sit on a SharedArrayBuffer. */
type Bytes = Uint8Array<ArrayBuffer>;

interface BodySink {
  error(e: unknown): void;
}

/**
 * The answer of `nodeFetch`: a `Response` whose body stream is built on first use. A web
 * `ReadableStream` costs 10–40 µs on Node 20 and a non-streamed answer does not need one:
 * `readBounded` (providers/remote.ts) reads it through `[BODY_TEXT]` straight from the socket.
 * What a caller reads (`body`, `text()`, `json()`, `arrayBuffer()`, `blob()`, `bodyUsed`)
 * behaves as on a `Response` built around that stream; `clone()` is refused. Its `headers` are
 * built on first read too: a successful answer's headers are rarely read, and filling a web
 * `Headers` costs ~1-2 µs per header (a provider sends 15-25).
 */
class NodeHttpResponse extends Response implements BodyTextSource {
  #open: () => ReadableStream<Bytes>;
  #readText: (max: number, idleMs?: number) => Promise<BodyTextResult>;
  #stream: ReadableStream<Bytes> | null = null;
  #textRead = false;
  #rawHeaders: readonly string[];
  #headers: Headers | null = null;

  constructor(
    open: () => ReadableStream<Bytes>,
    readText: (max: number, idleMs?: number) => Promise<BodyTextResult>,
    init: { status: number; statusText: string | undefined },
    rawHeaders: readonly string[],
  ) {
    super(null, init);
    this.#open = open;
    this.#readText = readText;
    this.#rawHeaders = rawHeaders;
  }

  override get headers(): Headers {
    return (this.#headers ??= headersFrom(this.#rawHeaders));
  }

  override get body(): ReadableStream<Bytes> {
    if (this.#textRead) throw new TypeError('Body is unusable: it was already read');
    return (this.#stream ??= this.#open());
  }

  override get bodyUsed(): boolean {
    // A stream being read, or read to the end by `text()` and the like, stays locked to its reader.
    return this.#textRead || (this.#stream !== null && this.#stream.locked);
  }

  [BODY_TEXT](max: number, idleMs?: number): Promise<BodyTextResult> {
    if (this.#textRead || this.#stream) return Promise.resolve({ kind: 'unavailable' });
    this.#textRead = true;
    return this.#readText(max, idleMs);
  }

  #whole(): Response {
    if (this.bodyUsed) throw new TypeError('Body is unusable: it was already read');
    return new Response(this.body, { status: this.status, statusText: this.statusText, headers: this.headers });
  }

  override text(): Promise<string> {
    return this.#whole().text();
  }

  override json(): Promise<unknown> {
    return this.#whole().json();
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#whole().arrayBuffer();
  }

  override blob(): Promise<Blob> {
    return this.#whole().blob();
  }

  override clone(): Response {
    throw new TypeError('node-http-fetch: clone() is not supported');
  }
}

function headersFrom(raw: readonly string[]): Headers {
  const h = new Headers();
  for (let i = 0; i < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
  return h;
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

/** What a pooled socket had read when it was handed to a request (cleartext bytes, TLS too). */
const readAtReuse = new WeakMap<ClientRequest, number>();

/** Notes each reuse through `reuseSocket`, the Agent's documented hook for it: no cost per request otherwise. */
function noteReuse<A extends HttpAgent>(agent: A): A {
  const reuse = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, req) => {
    reuse(socket, req);
    readAtReuse.set(req, (socket as Socket).bytesRead);
  };
  return agent;
}

/** Any byte back, even half a status line, means the server read the request: no resend. */
function answerBegun(req: ClientRequest): boolean {
  const at = readAtReuse.get(req);
  return at === undefined || req.socket === null || req.socket.bytesRead > at;
}

/** How a request fails on a connection the server had already closed: it never saw the request. */
function staleSocket(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || (e as { message?: unknown }).message === 'socket hang up';
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function terminated(cause?: unknown): TypeError {
  return new TypeError('terminated', cause === undefined ? undefined : { cause });
}
