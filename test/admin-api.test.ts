/**
 * The admin API end to end: a real Node gateway (SQLite file, repo policies copied to a temp
 * dir, mock upstream), driven over HTTP with the bootstrap token, a personal admin key and an
 * auditor key; gateway traffic sent with the official `openai` SDK. Covers every route, the
 * auditor refused every write, bad policies refused with the version in force untouched, hot
 * reload of a saved policy, per-key rate limit and allowed models, streamed export, and the
 * admin actions in the hash chain with `verify` passing.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteAuditStore } from '../src/audit/sqlite.node.ts';
import { makeRecord } from '../src/audit/test-records.ts';
import { loadConfig } from '../src/config/load-config.node.ts';
import { openDatabase } from '../src/db/open.node.ts';
import { startGateway, type RunningGateway } from '../src/entry/node.ts';
import { createSqliteKeyStore } from '../src/keys/sqlite.node.ts';
import { silentLogger } from '../src/util/log.ts';
import { awayFromMinuteEdge, REPO_POLICIES } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

const ROOT = 'root-token-for-tests-0123456789';
const EMAIL = 'jane.doe@example.com';

let mock: MockUpstream;
let gw: RunningGateway;
let dir: string;
let dbPath: string;
let gatewayKey: string;
let auditorToken: string;
let api: string;

async function call(method: string, path: string, opts: { token?: string | null; body?: unknown; raw?: string } = {}) {
  const token = opts.token === undefined ? ROOT : opts.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${api}${path}`, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  const text = await res.text();
  let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON (exports) */
  }
  return { status: res.status, json, text, headers: res.headers };
}

const inForce = async (id: string) => (await call('GET', `/policies/${id}`)).json as { version: number; hash: string; source: string };
const chat = (key: string, content: string, model = 'gpt-4o-mini') =>
  new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content }] });

beforeAll(async () => {
  mock = await startMockUpstream();
  dir = mkdtempSync(join(tmpdir(), 'veil-admin-'));
  dbPath = join(dir, 'veil.db');
  cpSync(REPO_POLICIES, join(dir, 'policies'), { recursive: true });
  // Old records first in the chain, so retention has something to prune at the start of it.
  const db = openDatabase(dbPath);
  const old = createSqliteAuditStore(db);
  for (let i = 1; i <= 5; i++) old.appendSync(makeRecord(i, { ts: `2020-01-0${i}T00:00:00.000Z` }));
  gatewayKey = (await createSqliteKeyStore(db).create({ team: 'e2e' })).secret;
  db.close();
  const cfg = loadConfig({
    env: { PORT: '0', VEIL_DB: dbPath, VEIL_POLICIES: join(dir, 'policies'), OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-up', VEIL_SECRET: 'admin-test-secret' },
  });
  gw = await startGateway(cfg, { log: silentLogger, bootstrapKey: false, adminToken: ROOT });
  api = `${gw.url}/admin/api`;
  const created = await call('POST', '/admin-keys', { body: { name: 'audrey', role: 'auditor' } });
  expect(created.status).toBe(201);
  auditorToken = created.json.secret;
});

afterAll(async () => {
  await gw?.close();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('auth and roles', () => {
  it('401 without a token, with a wrong one, and with a gateway key, in the OpenAI error shape', async () => {
    for (const token of [null, 'nope', ROOT + 'x', gatewayKey]) {
      const r = await call('GET', '/me', { token });
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({ type: 'authentication_error', code: 'unauthorized' });
      expect(typeof r.json.error.message).toBe('string');
    }
  });

  it('/me names the actor and role', async () => {
    expect((await call('GET', '/me')).json.actor).toEqual({ id: 'bootstrap', name: 'bootstrap', role: 'admin' });
    expect((await call('GET', '/me', { token: auditorToken })).json.actor).toMatchObject({ name: 'audrey', role: 'auditor' });
  });

  it('the auditor reads but is refused every write (403), and each refusal is audited', async () => {
    const before = await inForce('default');
    for (const path of ['/policies', '/audit?limit=1', '/audit/stats', '/audit/verify', '/audit/retention', '/keys', '/bindings', '/policies/default/versions']) {
      expect((await call('GET', path, { token: auditorToken })).status, path).toBe(200);
    }
    expect((await call('GET', '/admin-keys', { token: auditorToken })).status).toBe(403);
    const source = before.source.replace('EMAIL: { action: redact }', 'EMAIL: { action: block }');
    const writes: [string, string, unknown][] = [
      ['POST', '/policies', { source: source.replace('id: default', 'id: sneaky') }],
      ['PUT', '/policies/default', { source }],
      ['POST', '/policies/default/rollback', { version: 1 }],
      ['PUT', '/bindings/default', { policy_id: 'default' }],
      ['PUT', '/bindings/teams/x', { policy_id: 'default' }],
      ['DELETE', '/bindings/teams/x', undefined],
      ['POST', '/keys', { team: 'x' }],
      ['PATCH', '/keys/abc', { rate_limit_rpm: 1 }],
      ['POST', '/keys/abc/revoke', {}],
      ['POST', '/admin-keys', { name: 'evil', role: 'admin' }],
      ['POST', '/admin-keys/abc/revoke', {}],
      ['PUT', '/audit/retention', { days: 1 }],
    ];
    for (const [m, p, body] of writes) {
      const r = await call(m, p, { token: auditorToken, body });
      expect(r.status, `${m} ${p}`).toBe(403);
      expect(r.json.error.code).toBe('forbidden');
    }
    expect(await inForce('default')).toEqual(before);
    const denied = (await call('GET', '/audit?kind=admin&limit=100')).json.data.filter((r: { detail: { action: string } }) => r.detail.action === 'denied');
    expect(denied.length).toBeGreaterThanOrEqual(writes.length);
    expect(denied[0].detail.role).toBe('auditor');
    // Read-only POSTs are open to the auditor.
    expect((await call('POST', '/inspect', { token: auditorToken, body: { text: 'hi' } })).status).toBe(200);
    expect((await call('POST', '/policies/validate', { token: auditorToken, body: { source } })).status).toBe(200);
    expect((await call('POST', '/policies/default/diff', { token: auditorToken, body: { source } })).status).toBe(200);
  });
});

describe('policies', () => {
  it('lists and reads the imported policies with source, parsed form and version', async () => {
    const list = await call('GET', '/policies');
    expect(list.json.default_policy).toBe('default');
    const d = list.json.data.find((p: { id: string }) => p.id === 'default');
    expect(d).toMatchObject({ id: 'default', author: 'import', extends: null });
    expect(d.hash).toMatch(/^[0-9a-f]{64}$/);
    const one = await call('GET', '/policies/default');
    expect(one.json.source).toContain('id: default');
    expect(one.json.parsed.rules.EMAIL).toMatchObject({ action: 'redact' });
    expect(one.json.in_force).toBe(true);
    expect((await call('GET', '/policies/nope')).status).toBe(404);
  });

  it('validate reports line and field without saving', async () => {
    const r = await call('POST', '/policies/validate', { body: { source: 'id: x\nrules:\n  EMIAL: { action: redact }\n' } });
    expect(r.json.ok).toBe(false);
    expect(r.json.errors[0]).toMatchObject({ line: 3, field: 'rules.EMIAL' });
    const ok = await call('POST', '/policies/validate', { body: { source: 'id: x\nrules:\n  EMAIL: { action: block }\n' } });
    expect(ok.json).toMatchObject({ ok: true, types: ['EMAIL'] });
    expect((await call('GET', '/policies/x')).status).toBe(404);
  });

  it('refuses bad policies with a clear 4xx and leaves the version in force untouched', async () => {
    const before = await inForce('default');
    const cases: [string, number, string][] = [
      ['id: default\nrules: [unclosed\n', 422, 'policy_invalid'],
      ['id: default\nrules:\n  NOT_A_TYPE: { action: block }\n', 422, 'policy_invalid'],
      ['id: default\nrules:\n  CODE: { action: block }\npatterns:\n  - { name: p, type: CODE, regex: "(unclosed" }\n', 422, 'policy_invalid'],
      ['id: default\nrules:\n  CODE: { action: block }\npatterns:\n  - { name: p, type: CODE, regex: "(a)\\\\1" }\n', 422, 'policy_invalid'],
      ['id: other\nrules: {}\n', 409, 'conflict'],
    ];
    for (const [source, status, code] of cases) {
      const r = await call('PUT', '/policies/default', { body: { source } });
      expect(r.status, source).toBe(status);
      expect(r.json.error.code).toBe(code);
      if (code === 'policy_invalid') expect(r.json.error.details[0]).toHaveProperty('field');
    }
    const unknown = await call('PUT', '/policies/default', { body: { source: 'id: default\nrules:\n  NOT_A_TYPE: { action: block }\n' } });
    expect(unknown.json.error.details[0]).toMatchObject({ line: 3, field: 'rules.NOT_A_TYPE' });
    const big = await call('PUT', '/policies/default', { raw: JSON.stringify({ source: 'x'.repeat(10 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('body_too_large');
    expect((await call('PUT', '/policies/default', { raw: '{not json' })).status).toBe(400);
    expect((await call('PUT', '/policies/default', { body: { nope: 1 } })).status).toBe(400);
    expect(await inForce('default')).toEqual(before);
  });

  it('saving EMAIL → block changes the running gateway for the next request; the record names the version', async () => {
    const ok = await chat(gatewayKey, `Write to ${EMAIL}`);
    expect(ok.choices[0]!.message.content).toContain(EMAIL);
    const before = await inForce('default');
    const source = before.source.replace('EMAIL: { action: redact }', 'EMAIL: { action: block }');
    const saved = await call('PUT', '/policies/default', { body: { source, message: 'block emails' } });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ changed: true, version: before.version + 1, message: 'block emails', author: 'bootstrap' });
    const err = await chat(gatewayKey, `Write to ${EMAIL}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    const rec = (await call('GET', '/audit?decision=block&kind=request&limit=1')).json.data[0];
    expect(rec).toMatchObject({ policyId: 'default', policyVersion: before.version + 1, status: 403 });
    expect(JSON.stringify(rec)).not.toContain(EMAIL);
    // The same text again is not a new version.
    expect((await call('PUT', '/policies/default', { body: { source } })).json).toMatchObject({ changed: false, version: before.version + 1 });

    const history = (await call('GET', '/policies/default/versions')).json.data;
    expect(history.map((h: { version: number }) => h.version)).toEqual([before.version + 1, before.version]);
    const v1 = await call('GET', `/policies/default/versions/${before.version}`);
    expect(v1.json).toMatchObject({ in_force: false, hash: before.hash });

    const diff = await call('GET', `/policies/default/diff?from=${before.version}&to=${before.version + 1}`);
    expect(diff.json.changed).toBe(true);
    expect(diff.json.diff).toContain('-  EMAIL: { action: redact }\n+  EMAIL: { action: block }');
    expect(diff.json.diff).toMatch(/^--- default@\d+\n\+\+\+ default@\d+\n@@ -\d+,\d+ \+\d+,\d+ @@/);

    const rolled = await call('POST', '/policies/default/rollback', { body: { version: before.version } });
    expect(rolled.json).toMatchObject({ changed: true, version: before.version + 2, hash: before.hash });
    const again = await chat(gatewayKey, `Write to ${EMAIL}`);
    expect(again.choices[0]!.message.content).toContain(EMAIL);
    expect(mock.requests.at(-1)!.rawBody).not.toContain(EMAIL);
  });

  it('creates a policy that extends another; a base change reaches it; bindings route a team to it', async () => {
    const created = await call('POST', '/policies', { body: { source: 'id: strict\nextends: default\nrules:\n  PHONE: { action: block }\n', message: 'team policy' } });
    expect(created.status).toBe(201);
    expect(created.json.parsed.rules.EMAIL.action).toBe('redact'); // inherited
    expect((await call('POST', '/policies', { body: { source: 'id: strict\nrules: {}\n' } })).status).toBe(409);
    const bench = (text: string) => call('POST', '/inspect', { body: { text, policy: 'strict' } });
    expect((await bench(`mail ${EMAIL}`)).json.decision).toBe('redact');
    const base = await inForce('default');
    await call('PUT', '/policies/default', { body: { source: base.source.replace('EMAIL: { action: redact }', 'EMAIL: { action: local }') } });
    expect((await bench(`mail ${EMAIL}`)).json.decision).toBe('local');
    await call('PUT', '/policies/default', { body: { source: base.source } });

    // A base change that breaks the child is refused as a whole.
    const breaking = await call('PUT', '/policies/default', { body: { source: base.source.replace('id: default', 'id: default\nextends: strict') } });
    expect(breaking.status).toBe(422);
    expect(breaking.json.error.details[0].field).toBe('extends');

    const b = await call('PUT', '/bindings/teams/e2e', { body: { policy_id: 'strict' } });
    expect(b.json.teams).toEqual([{ team: 'e2e', policy_id: 'strict' }]);
    const res = await chat(gatewayKey, 'hello there');
    expect(res.choices[0]!.message.content).toBe('echo: hello there');
    const rec = (await call('GET', '/audit?kind=request&limit=1')).json.data[0];
    expect(rec.policyId).toBe('strict');
    expect((await call('PUT', '/bindings/teams/e2e', { body: { policy_id: 'ghost' } })).status).toBe(404);
    expect((await call('DELETE', '/bindings/teams/e2e')).json.teams).toEqual([]);
    expect((await call('PUT', '/bindings/default', { body: { policy_id: 'default' } })).json.default_policy).toBe('default');
    expect((await call('GET', '/bindings')).json).toEqual({ default_policy: 'default', teams: [] });
  });
});

describe('test bench', () => {
  it('returns findings, decision and the pseudonymized text for a saved policy', async () => {
    const text = `Contact ${EMAIL} now`;
    const r = await call('POST', '/inspect', { body: { text } });
    expect(r.status).toBe(200);
    expect(r.json.decision).toBe('redact');
    expect(r.json.policy.id).toBe('default');
    expect(r.json.findings).toEqual([{ start: 8, end: 8 + EMAIL.length, type: 'EMAIL', score: expect.any(Number), detector: expect.any(String), action: 'redact' }]);
    expect(r.json.transformed).toMatch(/^Contact <EMAIL_[A-Z0-9]+> now$/);
  });

  it('accepts an unsaved YAML policy and rejects a bad one with details', async () => {
    const r = await call('POST', '/inspect', { body: { text: `x ${EMAIL}`, policy: 'id: bench\nrules:\n  EMAIL: { action: block }\n' } });
    expect(r.json).toMatchObject({ decision: 'block', policy: { id: 'bench', version: null } });
    expect((await call('GET', '/policies/bench')).status).toBe(404);
    const bad = await call('POST', '/inspect', { body: { text: 'x', policy: 'id: bench\nrules:\n  NOPE_TYPE: { action: block }\n' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].field).toBe('rules.NOPE_TYPE');
    expect((await call('POST', '/inspect', { body: { text: 'x', policy: 'ghost' } })).status).toBe(404);
    expect((await call('POST', '/inspect', { body: { policy: 'default' } })).status).toBe(400);
  });
});

describe('keys', () => {
  it('creates (secret once), lists, limits rate and models, and revokes', async () => {
    const created = await call('POST', '/keys', { body: { team: 'limits', rate_limit_rpm: 2, allowed_models: ['gpt-4o*'] } });
    expect(created.status).toBe(201);
    const { key, secret } = created.json;
    expect(secret).toMatch(/^veil_/);
    expect(key).toMatchObject({ team: 'limits', rate_limit_rpm: 2, allowed_models: ['gpt-4o*'], revoked_at: null });
    const list = (await call('GET', '/keys')).json.data;
    expect(list.find((k: { id: string }) => k.id === key.id)).toEqual(key);
    expect(JSON.stringify(list)).not.toContain(secret);

    await awayFromMinuteEdge();
    const denied = await chat(secret, 'hi', 'gpt-4.1-mini').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((denied as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_allowed');
    await chat(secret, 'one');
    const limited = await chat(secret, 'two').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const le = limited as InstanceType<typeof OpenAI.APIError>;
    expect(le.code).toBe('rate_limited');
    expect(Number(le.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const recs = (await call('GET', `/audit?key=${key.id}&limit=10`)).json.data;
    expect(recs.map((r: { status: number; errorCode: string | null }) => [r.status, r.errorCode])).toEqual([
      [429, 'rate_limited'],
      [200, null],
      [403, 'model_not_allowed'],
    ]);

    const patched = await call('PATCH', `/keys/${key.id}`, { body: { rate_limit_rpm: null, allowed_models: null, policy_id: 'default', team: 'limits2' } });
    expect(patched.json.key).toMatchObject({ rate_limit_rpm: null, allowed_models: null, policy_id: 'default', team: 'limits2' });
    await chat(secret, 'three', 'gpt-4.1-mini');
    expect((await call('PATCH', `/keys/${key.id}`, { body: { policy_id: 'ghost' } })).status).toBe(404);
    expect((await call('PATCH', '/keys/nope', { body: { team: 'x' } })).status).toBe(404);

    const revoked = await call('POST', `/keys/${key.id}/revoke`, { body: {} });
    expect(revoked.json.key.revoked_at).toMatch(/^\d{4}-/);
    expect(await chat(secret, 'four').catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('manages admin keys: create, list, revoke (token stops working)', async () => {
    const c = await call('POST', '/admin-keys', { body: { name: 'ann', role: 'admin' } });
    expect(c.json.secret).toMatch(/^veiladm_/);
    expect((await call('GET', '/me', { token: c.json.secret })).json.actor.role).toBe('admin');
    expect((await call('GET', '/admin-keys')).json.data.map((k: { name: string }) => k.name)).toContain('ann');
    expect((await call('POST', '/admin-keys', { body: { name: 'x', role: 'root' } })).status).toBe(400);
    await call('POST', `/admin-keys/${c.json.key.id}/revoke`, { body: {} });
    expect((await call('GET', '/me', { token: c.json.secret })).status).toBe(401);
  });
});

describe('audit', () => {
  it('filters, pages by cursor and reads one record', async () => {
    const p1 = await call('GET', '/audit?limit=2&kind=request');
    expect(p1.json.data).toHaveLength(2);
    expect(p1.json.next_cursor).toBe(String(p1.json.data[1].seq));
    const p2 = await call('GET', `/audit?limit=2&kind=request&cursor=${p1.json.next_cursor}`);
    expect(p2.json.data[0].seq).toBeLessThan(p1.json.data[1].seq);
    const asc = await call('GET', '/audit?limit=1&order=asc');
    expect(asc.json.data[0].seq).toBe(1);
    const one = await call('GET', `/audit/${p1.json.data[0].seq}`);
    expect(one.json).toEqual(p1.json.data[0]);
    expect((await call('GET', '/audit/999999')).status).toBe(404);
    const blocked = (await call('GET', '/audit?decision=block&kind=request&limit=100')).json.data;
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((r: { decision: string }) => r.decision === 'block')).toBe(true);
    const withEmail = (await call('GET', '/audit?finding=EMAIL&limit=100')).json.data;
    expect(withEmail.length).toBeGreaterThan(0);
    expect(withEmail.every((r: { findings: Record<string, number> }) => r.findings.EMAIL! > 0)).toBe(true);
    expect((await call('GET', '/audit?team=e2e&status=200&model=gpt-4o-mini&route=remote&limit=100')).json.data.every((r: { team: string; status: number }) => r.team === 'e2e' && r.status === 200)).toBe(true);
    expect((await call('GET', '/audit?from=2019-01-01&to=2021-01-01')).json.data).toHaveLength(5);
    expect((await call('GET', '/audit?decision=maybe')).status).toBe(400);
    expect((await call('GET', '/audit?from=yesterday')).status).toBe(400);
  });

  it('aggregates for the dashboard', async () => {
    const s = (await call('GET', '/audit/stats')).json;
    expect(s.total).toBeGreaterThan(5);
    expect(s.blocked).toBe(s.by_decision.block);
    expect(s.blocked).toBeGreaterThan(0);
    expect(s.per_hour.reduce((n: number, h: { count: number }) => n + h.count, 0)).toBe(s.total);
    expect(s.top_findings.find((f: { type: string }) => f.type === 'EMAIL').count).toBeGreaterThan(0);
    expect(s.tokens_by_team.find((t: { team: string }) => t.team === 'e2e').tokens_in).toBeGreaterThan(0);
    expect(s.local_share).toBe(0);
  });

  it('exports CSV and JSONL streamed, and the export is itself audited', async () => {
    const res = await fetch(`${api}/audit/export?format=csv&kind=request`, { headers: { authorization: `Bearer ${ROOT}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="veil-audit-.*\.csv"/);
    expect(res.headers.get('content-length')).toBeNull(); // streamed, not buffered
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]!.startsWith('seq,chain_id,chain_seq,ts,request_id')).toBe(true);
    expect(lines[0]!.endsWith(',policy_version,detail')).toBe(true);
    const total = (await call('GET', '/audit/stats')).json.total;
    expect(lines.length - 1).toBe(total);
    const jsonl = await call('GET', '/audit/export?format=jsonl&decision=block');
    const rows = jsonl.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.decision === 'block' && 'policyVersion' in r)).toBe(true);
    const exports = (await call('GET', '/audit?kind=admin&limit=100')).json.data.filter((r: { detail: { action: string } }) => r.detail.action === 'audit.export');
    expect(exports.length).toBeGreaterThanOrEqual(2);
    expect((await call('GET', '/audit/export?format=xml')).status).toBe(400);
  });

  it('admin actions are in the hash chain with hashes before/after, and verify passes', async () => {
    const actions = (await call('GET', '/audit?kind=admin&limit=500')).json.data;
    const update = actions.find((r: { detail: { action: string } }) => r.detail.action === 'policy.update');
    expect(update).toMatchObject({ endpoint: 'ADMIN PUT /admin/api/policies/default', keyId: 'bootstrap', decision: null, route: 'none' });
    expect(update.detail.before).toMatch(/^[0-9a-f]{64}$/);
    expect(update.detail.after).toMatch(/^[0-9a-f]{64}$/);
    expect(update.detail.before).not.toBe(update.detail.after);
    const v = await call('GET', '/audit/verify');
    expect(v.json).toMatchObject({ ok: true, first_bad: null });
    expect(v.json.checked).toBeGreaterThan(actions.length);
  });

  it('retention deletes old records with prune checkpoints; verify still passes; tampering is caught', async () => {
    expect((await call('GET', '/audit/retention')).json).toEqual({ days: null });
    expect((await call('PUT', '/audit/retention', { body: { days: 0 } })).status).toBe(400);
    const r = await call('PUT', '/audit/retention', { body: { days: 30 } });
    expect(r.json).toEqual({ days: 30, deleted: 5 });
    expect((await call('GET', '/audit/retention')).json).toEqual({ days: 30 });
    expect((await call('GET', '/audit?from=2019-01-01&to=2021-01-01')).json.data).toHaveLength(0);
    const v = await call('GET', '/audit/verify');
    expect(v.json.ok).toBe(true);
    expect(v.json.checkpoints).toBeGreaterThan(0);

    // An admin record edited with plain SQL is named by verify.
    const target = (await call('GET', '/audit?kind=admin&limit=1')).json.data[0];
    const db = openDatabase(dbPath);
    db.prepare("UPDATE audit_log SET detail = replace(detail, 'bootstrap', 'someone') WHERE seq = ?").run(target.seq);
    db.close();
    const bad = await call('GET', '/audit/verify');
    expect(bad.json.ok).toBe(false);
    expect(bad.json.first_bad).toMatchObject({ seq: target.seq, kind: 'altered' });
  });
});
