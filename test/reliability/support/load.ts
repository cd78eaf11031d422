/**
 * @module test/reliability/support/load
 * A small load client for the reliability tests: `node:http` with a keep-alive agent (cheaper per
 * request than fetch, so the client does not starve the gateway of the machine's two cores), a
 * bounded worker pool, and the request mix shared by the load and crash tests.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body ended normally (not a reset or a socket error). */
  complete: boolean;
  error?: string;
}

/** One POST/GET; never rejects (socket errors come back as `complete: false`). */
export function send(
  agent: Agent,
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve) => {
    const u = new URL(url);
    let status = 0;
    let headers: HttpResult['headers'] = {};
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (complete: boolean, error?: string) => {
      if (done) return;
      done = true;
      resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8'), complete, error });
    };
    const req = httpRequest(
      { agent, hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'POST', headers: opts.headers, timeout: opts.timeoutMs ?? 30_000 },
      (res) => {
        status = res.statusCode ?? 0;
        headers = res.headers;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish(true));
        res.on('error', (e) => finish(false, e.message));
        res.on('aborted', () => finish(false, 'aborted'));
      },
    );
    req.on('error', (e) => finish(false, (e as NodeJS.ErrnoException).code ?? e.message));
    req.on('timeout', () => {
      req.destroy(new Error('client timeout'));
    });
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` in flight; stops early when `stop()` is true. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n && !stop()) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

// ---- the request mix ------------------------------------------------------------------------

export type Kind = 'allow' | 'allow_stream' | 'redact' | 'redact_stream' | 'block' | 'local';

export const LOAD_EMAIL = 'load.tester@example.com';
export const LOAD_RRN = '900101-1234568';
export const LOAD_PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAvRk3mP0Zx8dN2q3XyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p\n-----END RSA PRIVATE KEY-----';

/** Kind of request i: mostly allow and redact, a share streamed, some blocked, a few local. */
export function kindOf(i: number, localEvery: number): Kind {
  if (localEvery > 0 && i % localEvery === localEvery - 1) return 'local';
  const r = i % 10;
  if (r < 3) return 'allow';
  if (r < 5) return 'allow_stream';
  if (r < 7) return 'redact';
  if (r < 9) return 'redact_stream';
  return 'block';
}

export function bodyFor(kind: Kind, i: number): string {
  const msg = (content: string, extra: object = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
  switch (kind) {
    case 'allow': return msg(`hello number ${i}`);
    case 'allow_stream': return msg(`stream number ${i}`, { stream: true });
    case 'redact': return msg(`mail ${LOAD_EMAIL} about ${i}`);
    case 'redact_stream': return msg(`mail ${LOAD_EMAIL} about ${i}`, { stream: true });
    case 'block': return msg(`key ${LOAD_PEM} ${i}`);
    case 'local': return msg(`ID ${LOAD_RRN}. Once upon a time`, { max_tokens: 4 });
  }
}

/** Text of an OpenAI chat answer, JSON or SSE; null when it is neither. */
export function answerText(body: string, stream: boolean): string | null {
  try {
    if (!stream) return (JSON.parse(body) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    let text = '';
    let done = false;
    for (const line of body.split('\n')) {
      if (!line.startsWith('data: ')) continue;
      const data = line.slice(6).trim();
      if (data === '[DONE]') done = true;
      else {
        const j = JSON.parse(data) as { choices?: { delta?: { content?: string } }[]; error?: unknown };
        if (j.error) return null;
        text += j.choices?.[0]?.delta?.content ?? '';
      }
    }
    return done ? text : null;
  } catch {
    return null;
  }
}

/**
 * Whether the response to request i is what it should be: null if so, else a short reason.
 * `localOk` lists the statuses a local request may get (200, or 503 when busy / no model).
 */
export function judge(kind: Kind, i: number, r: HttpResult, localOk: readonly number[]): string | null {
  if (!r.complete) return `incomplete (${r.error})`;
  if (typeof r.headers['x-veil-request-id'] !== 'string') return 'no request id';
  const stream = kind.endsWith('_stream');
  switch (kind) {
    case 'allow':
    case 'allow_stream': {
      if (r.status !== 200) return `status ${r.status}`;
      const t = answerText(r.body, stream);
      return t === `echo: ${stream ? 'stream' : 'hello'} number ${i}` ? null : `bad answer ${JSON.stringify(t)}`;
    }
    case 'redact':
    case 'redact_stream': {
      if (r.status !== 200) return `status ${r.status}`;
      if (r.headers['x-veil-decision'] !== 'redact') return `decision ${String(r.headers['x-veil-decision'])}`;
      // The mock echoes what it received (a placeholder); the gateway must have restored it.
      const t = answerText(r.body, stream);
      return t === `echo: mail ${LOAD_EMAIL} about ${i}` ? null : `not restored ${JSON.stringify(t)}`;
    }
    case 'block':
      return r.status === 403 && r.body.includes('policy_blocked') ? null : `status ${r.status}`;
    case 'local':
      return localOk.includes(r.status) ? null : `local status ${r.status} ${r.body.slice(0, 200)}`;
  }
}
