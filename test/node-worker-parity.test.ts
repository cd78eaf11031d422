/**
 * Node side of the Node/Workers parity check: the shared case table (test/worker/support/
 * parity-cases.ts) through `createApp` with the better-sqlite3 audit, key and policy stores (the
 * repo's policy directory imported as the Node entry does, so records name version 1 as on
 * Workers) and the same remote / private-endpoint mocks. Decisions and audit content
 * must equal the table and the snapshot the Workers build (test/worker/parity.test.ts) matches.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createSqliteAuditStore, type SqliteAuditStore } from '../src/audit/sqlite.node.ts';
import { GatewayConfig } from '../src/config/config-schema.ts';
import type { LoadedPolicy } from '../src/config/policy-load.ts';
import { createPolicyRegistry, importPolicySources } from '../src/policy-store/registry.ts';
import { createSqlitePolicyStore } from '../src/policy-store/sqlite.node.ts';
import { openDatabase } from '../src/db/open.node.ts';
import type { VeilEnv } from '../src/http/env.ts';
import { createSqliteKeyStore } from '../src/keys/sqlite.node.ts';
import { createPrivateEndpointModel } from '../src/providers/private-endpoint.ts';
import { createRemoteProvider } from '../src/providers/remote.ts';
import { createPseudonymizer } from '../src/transform/pseudonymizer.ts';
import type { Hono } from 'hono';
import { createMockLlm, PRIVATE_ENDPOINT_KEY, PRIVATE_ORIGIN, UPSTREAM_KEY, UPSTREAM_ORIGIN } from './worker/support/mock-llm.ts';
import { PARITY_CASES, PARITY_SECRET, PARITY_TEAM, paritySnapshot, runCase, type CaseResult } from './worker/support/parity-cases.ts';

const mock = createMockLlm();
let dir: string;
let db: ReturnType<typeof openDatabase>;
let audit: SqliteAuditStore;
let app: Hono<VeilEnv>;
let key: string;
let policy: LoadedPolicy;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veil-parity-'));
  db = openDatabase(join(dir, 'veil.db'));
  audit = createSqliteAuditStore(db, { secret: PARITY_SECRET });
  const keys = createSqliteKeyStore(db);
  key = (await keys.create({ team: PARITY_TEAM })).secret;
  const policyDir = resolve(import.meta.dirname, '..', 'policies');
  const files = readdirSync(policyDir).filter((f) => f.endsWith('.yaml')).map((f) => ({ file: f, text: readFileSync(join(policyDir, f), 'utf8') }));
  const policyStore = createSqlitePolicyStore(db);
  await importPolicySources(policyStore, files, 'import');
  const registry = await createPolicyRegistry(policyStore, { defaultPolicy: 'default' });
  policy = registry.get('default')!;
  // The configuration the Worker derives from its bindings, built the way the Node entry does.
  const cfg = GatewayConfig.parse({ secret: PARITY_SECRET, providers: [{ id: 'openai', kind: 'openai', base_url: `${UPSTREAM_ORIGIN}/v1`, api_key: UPSTREAM_KEY }] });
  const local = createPrivateEndpointModel({ id: 'local/private', baseUrl: `${PRIVATE_ORIGIN}/v1`, apiKey: PRIVATE_ENDPOINT_KEY, timeoutMs: cfg.upstream_timeout_ms, defaultMaxTokens: cfg.local.max_tokens, fetch: mock.fetch });
  const providers = new Map(cfg.providers.map((p) => [p.id, createRemoteProvider({ id: p.id, kind: p.kind, baseUrl: p.base_url, apiKey: p.api_key, timeoutMs: cfg.upstream_timeout_ms, fetch: mock.fetch })]));
  app = createApp({
    keys,
    audit,
    policies: registry,
    routes: { models: cfg.models, providers, local, localId: local.id },
    pseudonymizer: (scope) => createPseudonymizer({ secret: PARITY_SECRET, scope }),
    limits: { maxBodyBytes: cfg.max_body_bytes, upstreamTimeoutMs: cfg.upstream_timeout_ms },
  });
});

afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Node build on the shared parity table', () => {
  it('gives each case its decision and audit record, identical to the Workers build', async () => {
    const results: CaseResult[] = [];
    for (const c of PARITY_CASES) {
      const r = await runCase((req) => Promise.resolve(app.fetch(req)), key, c);
      results.push(r);
      expect(r.status, c.name).toBe(c.expect.status);
      if (c.expect.answerIncludes) expect(r.answer, c.name).toContain(c.expect.answerIncludes);
      if (c.expect.errorCode) expect(r.errorCode, c.name).toBe(c.expect.errorCode);
    }
    // A stream's record is committed when it ends; give the group commit its turn.
    await new Promise((r) => setImmediate(r));
    const rows = await audit.query({});
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    const records = results.map((r) => byId.get(r.requestId ?? '')!);
    PARITY_CASES.forEach((c, i) => {
      expect(records[i], c.name).toBeDefined();
      expect(records[i], c.name).toMatchObject({ status: c.expect.status, decision: c.expect.decision, route: c.expect.route, findings: c.expect.findings, errorCode: c.expect.errorCode });
    });
    expect((await audit.verify()).ok).toBe(true);
    await expect(paritySnapshot(results, records, policy.hash)).toMatchFileSnapshot('./worker/__snapshots__/parity.json');
  });
});
