/**
 * The per-key rate limit on Workers, counted in D1 so it holds across isolates: the real entry
 * (`SELF`) refuses a limited key after N requests with 429 + Retry-After in OpenAI's shape; two
 * gateways built from the same env (two isolates) share one count; the D1 limiter is atomic under
 * concurrent takes; and a D1 that fails refuses with 503 instead of letting the key through.
 */
import { applyD1Migrations, env, SELF } from 'cloudflare:test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { D1Database } from '../../src/audit/d1.ts';
import { createD1AuditStore } from '../../src/audit/d1.ts';
import { buildWorkerGateway, type WorkerGateway } from '../../src/entry/worker.ts';
import { createD1RateLimiter } from '../../src/http/rate-limit.d1.ts';
import { createD1KeyStore } from '../../src/keys/d1.ts';
import { createMockLlm } from './support/mock-llm.ts';

const MIN = 60_000;
/** 10 s into some Unix minute: every request of a test falls inside one minute. */
const T0 = 29_000_000 * MIN + 10_000;

const mock = createMockLlm();
const realFetch = globalThis.fetch;
const noCtx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  globalThis.fetch = mock.fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
beforeEach(() => {
  mock.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

const chatRequest = (secret: string) =>
  new Request('https://veil.example/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write a haiku.' }] }),
  });

const limitedKey = (rpm: number) => createD1KeyStore(env.DB).create({ team: 'edge-limited', rateLimitRpm: rpm });

describe('per-key rate limit on Workers (D1)', () => {
  it('the Worker refuses a key limited to 3 rpm on its 4th request: 429, Retry-After, OpenAI shape, audited', async () => {
    const { key, secret } = await limitedKey(3);
    for (let i = 0; i < 3; i++) expect((await SELF.fetch(chatRequest(secret))).status).toBe(200);
    const res = await SELF.fetch(chatRequest(secret));
    expect(res.status).toBe(429);
    // 3 taken 10 s into the minute: free again strictly after the next minute begins, 50 s on.
    expect(res.headers.get('retry-after')).toBe('51');
    const body = (await res.json()) as { error: { message: string; type: string; code: string; param: unknown } };
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(body.error.message).toContain('3 requests per minute');
    expect(mock.upstream).toHaveLength(3);
    expect(await env.DB.prepare('SELECT cur_count FROM rate_limit_windows WHERE key_id = ?').bind(key.id).first()).toEqual({ cur_count: 3 });

    const id = res.headers.get('x-veil-request-id');
    const store = createD1AuditStore(env.DB);
    let rec;
    for (let i = 0; i < 100 && !rec; i++) {
      rec = (await store.query({ limit: 10_000 })).find((r) => r.requestId === id);
      if (!rec) await new Promise((r) => setTimeout(r, 20));
    }
    expect(rec).toMatchObject({ status: 429, errorCode: 'rate_limited', keyId: key.id });

    // The next minute, 1 s in: the old minute's 3 weigh 3 × 59/60 < 3, so one more is granted.
    vi.setSystemTime(T0 + 51_000);
    expect((await SELF.fetch(chatRequest(secret))).status).toBe(200);
  });

  it('two isolates share one count: alternating between them, the key still gets 4 in all', async () => {
    const { secret } = await limitedKey(4);
    const a: WorkerGateway = await buildWorkerGateway({ ...env }, { fetch: mock.fetch });
    const b: WorkerGateway = await buildWorkerGateway({ ...env }, { fetch: mock.fetch });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 ? b : a).app.fetch(chatRequest(secret), env, noCtx)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    await Promise.all([a.audit.idle(), b.audit.idle()]);
  });

  it('VEIL_RATE_LIMIT_STORE=memory: per isolate again (each gives the full limit)', async () => {
    const { secret } = await limitedKey(2);
    const a = await buildWorkerGateway({ ...env, VEIL_RATE_LIMIT_STORE: 'memory' }, { fetch: mock.fetch });
    const b = await buildWorkerGateway({ ...env, VEIL_RATE_LIMIT_STORE: 'memory' }, { fetch: mock.fetch });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? b : a).app.fetch(chatRequest(secret), env, noCtx)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    await Promise.all([a.audit.idle(), b.audit.idle()]);
  });

  it('concurrent takes from two D1 limiters grant exactly rpm', async () => {
    const x = createD1RateLimiter(env.DB, { now: () => T0 });
    const y = createD1RateLimiter(env.DB, { now: () => T0 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? x : y).take('concurrent-key', 15)));
    expect(results.filter((r) => r.ok)).toHaveLength(15);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.retryAfterSec === 51)).toBe(true);
  });

  it('a failing D1 refuses limited keys with 503 (never unlimited); keys without a limit never ask it', async () => {
    const { secret } = await limitedKey(100);
    const free = await createD1KeyStore(env.DB).create({ team: 'edge-free' });
    const real = env.DB;
    const failing: D1Database = {
      prepare: (sql) => {
        if (sql.includes('rate_limit_windows')) throw new Error('D1_ERROR: storage unavailable');
        return real.prepare(sql);
      },
      batch: (stmts) => real.batch(stmts),
    };
    const logs: string[] = [];
    const log = { log: (level: string, msg: string, f?: object) => void logs.push(JSON.stringify({ level, msg, ...f })) };
    const gw = await buildWorkerGateway({ ...env, DB: failing }, { fetch: mock.fetch, log });
    const res = await gw.app.fetch(chatRequest(secret), env, noCtx);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'rate_limit_unavailable', type: 'service_unavailable' });
    expect(text).not.toContain('D1_ERROR');
    expect(mock.upstream).toHaveLength(0);
    expect(logs.join('\n')).toContain('rate limit store failed');
    expect(logs.join('\n')).not.toContain('D1_ERROR');
    expect((await gw.app.fetch(chatRequest(free.secret), env, noCtx)).status).toBe(200);
    await gw.audit.idle();
  });
});
