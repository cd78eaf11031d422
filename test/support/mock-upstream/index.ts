/**
 * @module test/support/mock-upstream
 * A mock of the remote LLM providers for tests: a real `node:http` server on 127.0.0.1 that
 * speaks OpenAI Chat Completions, OpenAI Responses, embeddings, models and Anthropic Messages
 * (+ count_tokens) exactly on the wire, JSON and SSE, and records every request it received so
 * tests can assert what left the gateway (masked text, the upstream key and not the client's
 * gateway key). It shares no code with the gateway on purpose: a bug in the gateway's SSE or
 * JSON rendering must not be mirrored here.
 *
 * @example
 * const mock = await startMockUpstream();
 * const openai = new OpenAI({ apiKey: 'sk-up', baseURL: `${mock.url}/v1` });
 * const anthropic = new Anthropic({ apiKey: 'sk-ant', baseURL: mock.url });
 * mock.behaveOnce({ kind: 'error', status: 429, headers: { 'retry-after': '1' } });
 * expect(mock.requests[0]!.headers.authorization).toBe('Bearer sk-up');
 * await mock.close();
 *
 * Behaviours and the echo rule are documented in `behaviours.ts`. A refused connection is the
 * test's job: `mock.close()` then reuse `mock.url`, or `closedPortUrl()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { countTokens, messages } from './anthropic.ts';
import type { Behaviour, StreamTuning } from './behaviours.ts';
import { embeddings, models } from './embeddings.ts';
import { chatCompletions } from './openai-chat.ts';
import { responses } from './openai-responses.ts';
import { sendJson, sendSse, sleep, type Fault } from './transport.ts';
import { errorBody, isObject, newHexId, newId, openaiErrorBody, type Endpoint, type Family, type Json } from './wire.ts';

export type { Behaviour, StreamTuning } from './behaviours.ts';
export { mockEmbedding, DEFAULT_EMBEDDING_DIMS } from './embeddings.ts';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Query string including `?`, or ''. */
  search: string;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  rawBody: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
  /** `Date.now()` when the body had been fully received. */
  at: number;
}

export interface MockUpstreamOptions {
  /** Behaviour for every request until `behave` changes it; default `{ kind: 'echo' }`. */
  behaviour?: Behaviour;
  /** Code points per delta; default 4. */
  chunkSize?: number;
  /** Pause between SSE events in ms; default 0. */
  delayMs?: number;
  /** Served by `GET /v1/models`. */
  models?: string[];
  /**
   * When set, requests must carry this key (`authorization: Bearer <key>` on OpenAI routes;
   * `x-api-key` or Bearer on Anthropic routes) or get the provider's 401.
   */
  apiKey?: string;
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Keep `requests`; default true. Turn off for long load runs so memory stays flat. */
  record?: boolean;
}

export interface MockUpstream {
  /** `http://127.0.0.1:PORT`. OpenAI base URL is `${url}/v1`; Anthropic base URL is `url`. */
  readonly url: string;
  /** Every request received, oldest first (one live array; `reset` empties it in place). */
  readonly requests: RecordedRequest[];
  /** Sets the behaviour for all later requests (after any queued `behaveOnce`). */
  behave(b: Behaviour): void;
  /** Queues a behaviour for exactly one request; queued ones are used first, in order. */
  behaveOnce(b: Behaviour): void;
  /** Changes chunking / pacing for later requests. */
  configure(t: Partial<StreamTuning>): void;
  /** Clears recordings and the queue; restores the start behaviour and tuning. */
  reset(): void;
  /** Sockets currently open to the mock (for leak checks). */
  openConnections(): number;
  /** Stops listening and destroys every open connection; pending stalls end at once. */
  close(): Promise<void>;
}

const ROUTES: ReadonlyMap<string, Endpoint> = new Map([
  ['POST /v1/chat/completions', chatCompletions],
  ['POST /v1/responses', responses],
  ['POST /v1/embeddings', embeddings],
  ['POST /v1/messages', messages],
  ['POST /v1/messages/count_tokens', countTokens],
  ['GET /v1/models', models],
]);

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function familyOf(endpoint: Endpoint, headers: Record<string, string>): Family {
  return endpoint === models && headers['anthropic-version'] !== undefined ? 'anthropic' : endpoint.family;
}

function authorized(family: Family, headers: Record<string, string>, key: string): boolean {
  if (headers.authorization === `Bearer ${key}`) return true;
  return family === 'anthropic' && headers['x-api-key'] === key;
}

function faultOf(b: Behaviour): Fault {
  switch (b.kind) {
    case 'stallMidStream': return { kind: 'stall', after: b.afterChunks, ms: b.ms };
    case 'resetMidStream': return { kind: 'reset', after: b.afterChunks };
    case 'errorMidStream': return { kind: 'error', after: b.afterChunks, message: b.message ?? 'Overloaded' };
    case 'malformedSse': return { kind: 'malformed' };
    default: return { kind: 'none' };
  }
}

/** Starts the mock on 127.0.0.1 on a free port. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const startBehaviour: Behaviour = options.behaviour ?? { kind: 'echo' };
  const startTuning: StreamTuning = { chunkSize: options.chunkSize ?? 4, delayMs: options.delayMs ?? 0 };
  const modelIds = options.models ?? DEFAULT_MODELS;
  let persistent = startBehaviour;
  let tuning = { ...startTuning };
  const queue: Behaviour[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      json = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://mock');
    const headers = headerRecord(req);
    const method = req.method ?? 'GET';
    if (options.record !== false) {
      requests.push({ method, path: url.pathname, search: url.search, headers, rawBody, json, at: Date.now() });
    }

    const endpoint = ROUTES.get(`${method} ${url.pathname}`);
    if (!endpoint) {
      const body = openaiErrorBody(404, `Unknown request URL: ${method} ${url.pathname}.`);
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const behaviour = queue.shift() ?? persistent;
    const family = familyOf(endpoint, headers);
    const requestId = family === 'openai' ? newHexId('req_', 32) : newId('req_011', 21);
    const idHeaders: Record<string, string> = family === 'openai'
      ? { 'x-request-id': requestId, 'openai-processing-ms': '1', 'openai-version': '2020-10-01' }
      : { 'request-id': requestId };

    const controller = new AbortController();
    const onGone = (): void => controller.abort();
    res.on('close', onGone);
    closing.signal.addEventListener('abort', onGone, { once: true });
    res.on('close', () => closing.signal.removeEventListener('abort', onGone));
    const signal = controller.signal;
    const send = (status: number, body: unknown, extra: Record<string, string> = {}): Promise<void> =>
      sendJson(res, status, typeof body === 'string' ? body : JSON.stringify(body), {
        signal, delayMs: 0, fault: { kind: 'none' }, headers: { ...idHeaders, ...extra },
      });
    const fail = (status: number, message?: string): Promise<void> => send(status, errorBody(family, status, message, requestId));

    if (behaviour.kind === 'stallBeforeHeaders' && !(await sleep(behaviour.ms, signal))) return;
    if (behaviour.kind === 'error') {
      await send(behaviour.status, behaviour.body ?? errorBody(family, behaviour.status, undefined, requestId), behaviour.headers);
      return;
    }
    if (options.apiKey !== undefined && !authorized(family, headers, options.apiKey)) return fail(401);
    if (family === 'anthropic' && endpoint !== models && headers['anthropic-version'] === undefined) {
      return fail(400, 'anthropic-version: header is required');
    }
    let body: Json = {};
    if (method === 'POST') {
      if (!isObject(json)) return fail(400, 'We could not parse the JSON body of your request.');
      body = json;
    }
    const invalid = endpoint.validate(body);
    if (invalid !== null) return fail(400, invalid);
    if (behaviour.kind === 'errorMidStream' && body.stream !== true) return fail(500, behaviour.message);

    const planned = endpoint.plan({ json: body, behaviour, tuning: { ...tuning }, models: modelIds, headers });
    const opts = { signal, delayMs: tuning.delayMs, fault: faultOf(behaviour), headers: idHeaders };
    if (planned.type === 'sse') await sendSse(res, planned.frames, planned.errorFrame, opts);
    else await sendJson(res, planned.status, JSON.stringify(planned.body), opts);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client went away mid-body, or a bug here: never leave the socket hanging.
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave(b) {
      persistent = b;
    },
    behaveOnce(b) {
      queue.push(b);
    },
    configure(t) {
      tuning = { ...tuning, ...t };
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      persistent = startBehaviour;
      tuning = { ...startTuning };
    },
    openConnections: () => sockets.size,
    close() {
      closed ??= (async () => {
        closing.abort();
        const listening = new Promise<void>((resolve) => server.close(() => resolve()));
        // Wait for every socket's own 'close' so openConnections() is exact once this resolves.
        const gone = [...sockets].map((s) => new Promise<void>((resolve) => {
          if (s.closed) resolve();
          else s.once('close', () => resolve());
          s.destroy();
        }));
        server.closeAllConnections();
        await Promise.all([listening, ...gone]);
      })();
      return closed;
    },
  };
}

/**
 * A URL on 127.0.0.1 where nothing listens (a port that was just free), for "connection
 * refused" tests. Another process could take the port in between; on loopback in a test run
 * that is unlikely enough.
 */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
