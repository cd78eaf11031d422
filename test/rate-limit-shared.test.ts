/**
 * The per-key rate limit shared through the database: two Node gateways (as two processes would)
 * on one SQLite file give a limited key `rpm` requests in all, not `rpm` each; refusals come in
 * each client's dialect with Retry-After and are audited; keys without a limit never touch the
 * limiter's table; `limits.rate_limit_store: memory` keeps the old per-process count; and a
 * limiter that cannot reach its database refuses with 503 rather than letting the key through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.node.ts';
import { loadPolicies } from '../src/config/policy-load.ts';
import { openDatabase } from '../src/db/open.node.ts';
import { startGateway, type RunningGateway } from '../src/entry/node.ts';
import { createSqlRateLimiter } from '../src/http/rate-limit.sql.ts';
import { createSqliteKeyStore } from '../src/keys/sqlite.node.ts';
import { silentLogger } from '../src/util/log.ts';
import { notAnthropicError, notOpenAIError } from './reliability/support/checks.ts';
import { awayFromMinuteEdge, eventually, REPO_POLICIES, UPSTREAM_KEY } from './support/gateway.ts';
import { inProcessApp } from './support/in-process-app.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

let mock: MockUpstream;
let dir: string;
const running: RunningGateway[] = [];
const dbs: Database[] = [];

async function cleanUp() {
  for (const g of running.splice(0)) await g.close();
  for (const db of dbs.splice(0)) db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await cleanUp();
  await mock.close();
});
beforeEach(async () => {
  mock.reset();
  await cleanUp();
  dir = mkdtempSync(join(tmpdir(), 'veil-rl-e2e-'));
});

/** Two gateways on one database file, as two `veil start` processes on one host would run. */
async function twoGateways(env: Record<string, string> = {}) {
  const dbPath = join(dir, 'veil.db');
  const cfg = () =>
    loadConfig({
      env: { PORT: '0', VEIL_DB: dbPath, VEIL_POLICIES: REPO_POLICIES, OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: UPSTREAM_KEY, VEIL_SECRET: 'rl-e2e-secret', ...env },
    });
  for (let i = 0; i < 2; i++) running.push(await startGateway(cfg(), { log: silentLogger, bootstrapKey: false }));
  const db = openDatabase(dbPath);
  dbs.push(db);
  return { gws: running.slice(-2), db, keys: createSqliteKeyStore(db) };
}

async function post(gw: RunningGateway, key: string, path = '/v1/chat/completions') {
  const body =
    path === '/v1/messages'
      ? { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }
      : { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('rate limit shared by two gateways on one SQLite file', () => {
  it('a key limited to 4 rpm gets 4 requests across both, then 429 with Retry-After from either, audited', async () => {
    const { gws, db, keys } = await twoGateways();
    const { key, secret } = await keys.create({ team: 'limited', rateLimitRpm: 4 });
    const free = await keys.create({ team: 'free' });
    await awayFromMinuteEdge();

    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(gws[i % 2]!, secret)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect(mock.requests).toHaveLength(4);

    const refused = await post(gws[1]!, secret);
    expect(refused.status).toBe(429);
    expect(notOpenAIError(refused.text)).toBeNull();
    expect(JSON.parse(refused.text).error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const anthropic = await post(gws[0]!, secret, '/v1/messages');
    expect(anthropic.status).toBe(429);
    expect(notAnthropicError(anthropic.text)).toBeNull();

    // Refusals were not counted; a key without a limit never touched the table.
    expect(db.prepare('SELECT key_id, cur_count + prev_count AS n FROM rate_limit_windows').all()).toEqual([{ key_id: key.id, n: 4 }]);
    for (const g of gws) expect((await post(g, free.secret)).status).toBe(200);
    expect(db.prepare('SELECT count(*) AS n FROM rate_limit_windows').get()).toEqual({ n: 1 });

    const id = refused.headers.get('x-veil-request-id');
    const row = await eventually(() => db.prepare('SELECT status, error_code, key_id FROM audit_log WHERE request_id = ?').get(id));
    expect(row).toEqual({ status: 429, error_code: 'rate_limited', key_id: key.id });
  });

  it('limits.rate_limit_store: memory counts per process (each gateway gives the full limit)', async () => {
    const { gws, db, keys } = await twoGateways({ VEIL_RATE_LIMIT_STORE: 'memory' });
    const { secret } = await keys.create({ team: 'limited', rateLimitRpm: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(gws[i % 2]!, secret)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(db.prepare('SELECT count(*) AS n FROM rate_limit_windows').get()).toEqual({ n: 0 });
  });
});

describe('rate limit store failure', () => {
  it('fails closed: 503 rate_limit_unavailable in the client dialect, audited, nothing forwarded; unlimited keys unaffected', async () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    const keys = createSqliteKeyStore(db);
    const limited = await keys.create({ team: 't', rateLimitRpm: 100 });
    const free = await keys.create({ team: 't' });
    const [policy] = (await loadPolicies([{ file: 'default.yaml', text: 'id: default\nrules: {}\n' }])).values();
    const app = inProcessApp({
      db,
      keys,
      policy: policy!,
      upstreamUrl: mock.url,
      rateLimiter: createSqlRateLimiter(async () => {
        throw new Error('SQLITE_BUSY: database is locked');
      }),
    });
    const send = (key: string, path: string, body: object) =>
      app.fetch(
        new Request(`http://veil${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify(body),
        }),
      );
    const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

    const res = await send(limited.secret, '/v1/chat/completions', chat);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(notOpenAIError(text)).toBeNull();
    expect(JSON.parse(text).error.code).toBe('rate_limit_unavailable');
    expect(text).not.toContain('SQLITE');
    const anthropic = await send(limited.secret, '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    expect(anthropic.status).toBe(503);
    expect(notAnthropicError(await anthropic.text())).toBeNull();
    expect(mock.requests).toHaveLength(0);
    const rows = db.prepare('SELECT status, error_code FROM audit_log WHERE key_id = ?').all(limited.key.id);
    expect(rows).toEqual([
      { status: 503, error_code: 'rate_limit_unavailable' },
      { status: 503, error_code: 'rate_limit_unavailable' },
    ]);

    // The limiter is asked only for keys that have a limit.
    expect((await send(free.secret, '/v1/chat/completions', chat)).status).toBe(200);
  });
});
