/**
 * The admin API on Workers, end to end in workerd: `SELF.fetch` into the real entry with the D1
 * policy, admin-key, settings and audit stores. Covers auth and roles, the bundled policy
 * imported into D1, a policy save deciding the very next gateway request, a save in another
 * isolate reaching this one within the refresh interval (and not before it is due), audit
 * queries and exports read from D1, and the admin actions in the verifiable hash chain.
 */
import { applyD1Migrations, env, SELF } from 'cloudflare:test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredAuditRecord } from '../../src/audit/types.ts';
import { buildWorkerGateway, DEFAULT_POLICY_REFRESH_SECONDS, type WorkerGateway } from '../../src/entry/worker.ts';
import { createD1KeyStore } from '../../src/keys/d1.ts';
import { sha256Hex } from '../../src/util/hash.ts';
import { createMockLlm } from './support/mock-llm.ts';
import { EMAIL } from './support/parity-cases.ts';

const ADMIN_TOKEN = env.VEIL_ADMIN_TOKEN as string;
const mock = createMockLlm();
const realFetch = globalThis.fetch;
let gatewayKey: string;
let auditorToken: string;

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  globalThis.fetch = mock.fetch;
  gatewayKey = (await createD1KeyStore(env.DB).create({ team: 'edge' })).secret;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
beforeEach(() => mock.reset());
afterEach(() => {
  vi.useRealTimers();
});

type Fetcher = (req: Request) => Promise<Response>;
const viaSelf: Fetcher = (req) => SELF.fetch(req);

function adminReq(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = init.token === undefined ? ADMIN_TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return new Request(`https://veil.example/admin/api${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function adminJson<T = Record<string, unknown>>(path: string, init: Parameters<typeof adminReq>[1] = {}, via: Fetcher = viaSelf): Promise<{ status: number; body: T }> {
  const res = await via(adminReq(path, init));
  return { status: res.status, body: (await res.json()) as T };
}

const mailRequest = () =>
  new Request('https://veil.example/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gatewayKey}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Reply to ${EMAIL} politely.` }] }),
  });

/** The policy text with EMAIL's action replaced. */
async function defaultSourceWith(emailAction: 'block' | 'redact'): Promise<string> {
  const { body } = await adminJson<{ source: string }>('/policies/default');
  const next = body.source.replace(/^(\s*EMAIL:\s*\{\s*action:\s*)\w+/m, `$1${emailAction}`);
  expect(next).not.toBe(body.source);
  return next;
}

async function auditRows(query: string): Promise<StoredAuditRecord[]> {
  const { status, body } = await adminJson<{ data: StoredAuditRecord[] }>(`/audit?${query}&limit=500`);
  expect(status).toBe(200);
  return body.data;
}

async function recordOfRequest(requestId: string | null): Promise<StoredAuditRecord> {
  expect(requestId).toBeTruthy();
  for (let i = 0; i < 50; i++) {
    const found = (await auditRows('kind=request')).find((r) => r.requestId === requestId);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no audit record for ${requestId}`);
}

describe('admin API on Workers', () => {
  it('imports the bundled policy into D1 at first start, as version 1 by "import"', async () => {
    const { status, body } = await adminJson<{ data: Array<{ id: string; version: number; author: string; hash: string }>; default_policy: string }>('/policies');
    expect(status).toBe(200);
    expect(body.default_policy).toBe('default');
    const def = body.data.find((p) => p.id === 'default')!;
    expect(def).toMatchObject({ version: 1, author: 'import' });
    const row = await env.DB.prepare('SELECT source, hash FROM policy_versions WHERE policy_id = ? AND version = 1').bind('default').first<{ source: string; hash: string }>();
    expect(row!.hash).toBe(await sha256Hex(row!.source));
    expect(def.hash).toBe(row!.hash);
  });

  it('serves the console at /admin (a client of the same API)', async () => {
    const page = await SELF.fetch('https://veil.example/admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('refuses missing and wrong tokens (401), and a gateway key is not an admin token', async () => {
    const none = await SELF.fetch(adminReq('/me', { token: null }));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await adminJson('/me', { token: 'x'.repeat(40) })).status).toBe(401);
    expect((await adminJson('/me', { token: gatewayKey })).status).toBe(401);
    expect((await adminJson('/me')).body).toEqual({ actor: { id: 'bootstrap', name: 'bootstrap', role: 'admin' } });
  });

  it('an auditor key (made through the API, stored in D1) may read but every write is 403 and recorded', async () => {
    const created = await adminJson<{ key: { id: string; role: string }; secret: string }>('/admin-keys', { method: 'POST', body: { name: 'ava', role: 'auditor' } });
    expect(created.status).toBe(201);
    auditorToken = created.body.secret;
    const row = await env.DB.prepare('SELECT secret_hash FROM admin_keys WHERE id = ?').bind(created.body.key.id).first<{ secret_hash: string }>();
    expect(row!.secret_hash).toBe(await sha256Hex(auditorToken));

    expect((await adminJson('/me', { token: auditorToken })).body).toMatchObject({ actor: { role: 'auditor', name: 'ava' } });
    expect((await adminJson('/policies', { token: auditorToken })).status).toBe(200);
    const bench = await adminJson<{ decision: string }>('/inspect', { method: 'POST', token: auditorToken, body: { text: `Mail ${EMAIL}` } });
    expect(bench).toMatchObject({ status: 200, body: { decision: 'redact' } });

    const source = await defaultSourceWith('block');
    const write = await adminJson<{ error: { code: string } }>('/policies/default', { method: 'PUT', token: auditorToken, body: { source } });
    expect(write).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await adminJson('/admin-keys', { token: auditorToken })).status).toBe(403);
    // Nothing changed, and both refusals are in the chain.
    expect((await adminJson<{ version: number }>('/policies/default')).body.version).toBe(1);
    const denied = (await auditRows('kind=admin')).filter((r) => r.detail?.action === 'denied' && r.detail.actor === created.body.key.id);
    expect(denied.map((r) => r.detail!.target).sort()).toEqual(['GET /admin-keys', 'PUT /policies/default']);
    expect(denied.every((r) => r.status === 403 && r.errorCode === 'forbidden')).toBe(true);
  });

  it('a policy saved through the API decides the very next gateway request (EMAIL redact → block)', async () => {
    const before = await SELF.fetch(mailRequest());
    expect(before.status).toBe(200);
    expect(before.headers.get('x-veil-decision')).toBe('redact');
    expect(mock.upstream).toHaveLength(1);

    const bad = await adminJson<{ error: { code: string; details: Array<{ field: string }> } }>('/policies/default', {
      method: 'PUT',
      body: { source: (await defaultSourceWith('block')).replace('EMAIL:', 'EMIAL:') },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.some((d) => d.field.includes('EMIAL'))).toBe(true);

    const saved = await adminJson<{ version: number; changed: boolean; author: string }>('/policies/default', {
      method: 'PUT',
      body: { source: await defaultSourceWith('block'), message: 'EMAIL → block' },
    });
    expect(saved).toMatchObject({ status: 200, body: { version: 2, changed: true, author: 'bootstrap' } });

    mock.reset();
    const after = await SELF.fetch(mailRequest());
    expect(after.status).toBe(403);
    expect(after.headers.get('x-veil-decision')).toBe('block');
    expect(await after.text()).not.toContain(EMAIL);
    expect(mock.upstream).toHaveLength(0);
    const rec = await recordOfRequest(after.headers.get('x-veil-request-id'));
    expect(rec).toMatchObject({ decision: 'block', status: 403, errorCode: 'policy_blocked', policyId: 'default', policyVersion: 2, findings: { EMAIL: 1 } });
  });

  it('a save in another isolate reaches this one within VEIL_POLICY_REFRESH_SECONDS, not sooner than a check is due', async () => {
    let clock = 1_000_000;
    const other: WorkerGateway = await buildWorkerGateway({ ...env }, { fetch: mock.fetch, now: () => clock });
    const viaOther: Fetcher = async (req) => {
      await other.refresher.maybeRefresh();
      return other.app.fetch(req, env, { waitUntil: () => {}, passThroughOnException: () => {}, props: {} });
    };
    expect(other.registry.get('default')!.version).toBe(2);

    // This isolate (SELF) rolls back to version 1: a new version 3.
    const rolled = await adminJson<{ version: number }>('/policies/default/rollback', { method: 'POST', body: { version: 1, message: 'undo' } });
    expect(rolled).toMatchObject({ status: 200, body: { version: 3 } });

    clock += 1000; // not yet due: the other isolate may still enforce version 2
    expect((await viaOther(mailRequest())).headers.get('x-veil-decision')).toBe('block');
    clock += DEFAULT_POLICY_REFRESH_SECONDS * 1000;
    const res = await viaOther(mailRequest());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-veil-decision')).toBe('redact');
    expect(other.registry.get('default')!.version).toBe(3);

    // And the other way: the other isolate saves through its own admin API; SELF (the real
    // entry) picks it up once its interval has passed.
    const saved = await adminJson<{ version: number }>('/policies/default', { method: 'PUT', body: { source: await defaultSourceWith('block') } }, viaOther);
    expect(saved).toMatchObject({ status: 200, body: { version: 4 } });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + (DEFAULT_POLICY_REFRESH_SECONDS + 1) * 1000);
    const seen = await SELF.fetch(mailRequest());
    expect(seen.headers.get('x-veil-decision')).toBe('block');
    vi.useRealTimers();
    expect((await recordOfRequest(seen.headers.get('x-veil-request-id'))).policyVersion).toBe(4);
    await other.audit.idle();
  });

  it('queries, aggregates and exports the audit log from D1', async () => {
    const blocked = await auditRows('decision=block&finding=EMAIL');
    expect(blocked.length).toBeGreaterThanOrEqual(2);
    expect(blocked.every((r) => r.decision === 'block' && r.findings.EMAIL === 1)).toBe(true);
    expect(JSON.stringify(blocked)).not.toContain(EMAIL);

    // Cursor pages cover the same records as one big page.
    const all = await auditRows('kind=request&order=asc');
    const p1 = await adminJson<{ data: StoredAuditRecord[]; next_cursor: string | null }>('/audit?kind=request&order=asc&limit=2');
    expect(p1.body.data.map((r) => r.seq)).toEqual(all.slice(0, 2).map((r) => r.seq));
    const p2 = await adminJson<{ data: StoredAuditRecord[] }>(`/audit?kind=request&order=asc&limit=2&cursor=${p1.body.next_cursor}`);
    expect(p2.body.data.map((r) => r.seq)).toEqual(all.slice(2, 4).map((r) => r.seq));

    const stats = await adminJson<{ total: number; by_decision: Record<string, number>; top_findings: Array<{ type: string; count: number }> }>('/audit/stats');
    expect(stats.body.total).toBe(all.length);
    expect(stats.body.by_decision.block).toBe(all.filter((r) => r.decision === 'block').length);
    expect(stats.body.top_findings[0]).toEqual({ type: 'EMAIL', count: all.filter((r) => r.findings.EMAIL).length });

    const one = await adminJson<StoredAuditRecord>(`/audit/${blocked[0]!.seq}`);
    expect(one.body).toMatchObject({ seq: blocked[0]!.seq, requestId: blocked[0]!.requestId });

    const csv = await SELF.fetch(adminReq('/audit/export?format=csv&decision=block'));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="veil-audit-.*\.csv"$/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toContain('request_id');
    expect(lines).toHaveLength(blocked.length + 1);
    for (const r of blocked) expect(lines.some((l) => l.includes(r.requestId))).toBe(true);

    const jsonl = await SELF.fetch(adminReq('/audit/export?format=jsonl&kind=admin'));
    const exported = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l) as StoredAuditRecord);
    expect(exported.some((r) => r.detail?.action === 'policy.update' && r.policyVersion === 2)).toBe(true);
    // The exports themselves are admin actions.
    expect((await auditRows('kind=admin')).filter((r) => r.detail?.action === 'audit.export')).toHaveLength(2);
  });

  it('records each admin change with before/after hashes in the chain, and verify passes until a row is edited', async () => {
    const updates = (await auditRows('kind=admin&order=asc')).filter((r) => r.detail?.action === 'policy.update' || r.detail?.action === 'policy.rollback');
    const versions = await env.DB.prepare('SELECT version, hash FROM policy_versions WHERE policy_id = ? ORDER BY version').bind('default').all<{ version: number; hash: string }>();
    const hashOf = new Map(versions.results.map((v: { version: number; hash: string }) => [v.version, v.hash]));
    expect(updates.map((r) => r.policyVersion)).toEqual([2, 3, 4]);
    for (const r of updates) {
      expect(r.detail!.before).toBe(hashOf.get(r.policyVersion! - 1));
      expect(r.detail!.after).toBe(hashOf.get(r.policyVersion!));
      expect(r.endpoint).toMatch(/^ADMIN (PUT|POST) \/admin\/api\/policies\/default/);
    }
    expect(updates[0]!.detail!.actor).toBe('bootstrap');

    const ok = await adminJson<{ ok: boolean; chains: number; checked: number; first_bad: unknown }>('/audit/verify');
    expect(ok.body).toMatchObject({ ok: true, first_bad: null });
    expect(ok.body.chains).toBeGreaterThanOrEqual(2); // this isolate's chain and the other's

    await env.DB.prepare('UPDATE audit_log SET detail = ? WHERE seq = ?').bind(JSON.stringify({ ...updates[0]!.detail, actor: 'someone-else' }), updates[0]!.seq).run();
    const bad = await adminJson<{ ok: boolean; first_bad: { seq: number; kind: string } }>('/audit/verify');
    expect(bad.body).toMatchObject({ ok: false, first_bad: { seq: updates[0]!.seq, kind: 'altered' } });
  });
});
