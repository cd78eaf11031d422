/**
 * Workers side of the Node/Workers parity check: the shared case table through the Worker build
 * (D1 stores, bundled policy, private endpoint) in workerd. The Node side is
 * test/node-worker-parity.test.ts; both must match the same snapshot file.
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_POLICIES, buildWorkerGateway, type WorkerGateway } from '../../src/entry/worker.ts';
import { loadPolicies } from '../../src/config/policy-load.ts';
import { createD1KeyStore } from '../../src/keys/d1.ts';
import { createMockLlm, PRIVATE_ENDPOINT_KEY, PRIVATE_ORIGIN, UPSTREAM_KEY, UPSTREAM_ORIGIN } from './support/mock-llm.ts';
import { PARITY_CASES, PARITY_SECRET, PARITY_TEAM, paritySnapshot, runCase, type CaseResult } from './support/parity-cases.ts';

const mock = createMockLlm();
let gw: WorkerGateway;
let key: string;
const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  gw = await buildWorkerGateway(
    {
      DB: env.DB,
      VEIL_SECRET: PARITY_SECRET,
      OPENAI_BASE_URL: `${UPSTREAM_ORIGIN}/v1`,
      OPENAI_API_KEY: UPSTREAM_KEY,
      LOCAL_ENDPOINT_URL: `${PRIVATE_ORIGIN}/v1`,
      LOCAL_ENDPOINT_KEY: PRIVATE_ENDPOINT_KEY,
      LOCAL_MODEL_ID: 'local/private',
      VEIL_LOG_LEVEL: 'error',
    },
    { fetch: mock.fetch },
  );
  key = (await createD1KeyStore(env.DB).create({ team: PARITY_TEAM })).secret;
});

describe('Workers build on the shared parity table', () => {
  it('gives each case its decision and audit record, identical to the Node build', async () => {
    const results: CaseResult[] = [];
    for (const c of PARITY_CASES) {
      const r = await runCase((req) => Promise.resolve(gw.app.fetch(req, env, ctx)), key, c);
      results.push(r);
      expect(r.status, c.name).toBe(c.expect.status);
      if (c.expect.answerIncludes) expect(r.answer, c.name).toContain(c.expect.answerIncludes);
      if (c.expect.errorCode) expect(r.errorCode, c.name).toBe(c.expect.errorCode);
    }
    await gw.audit.idle();
    const rows = await gw.audit.query({});
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    const records = results.map((r) => byId.get(r.requestId ?? '')!);
    PARITY_CASES.forEach((c, i) => {
      expect(records[i], c.name).toBeDefined();
      expect(records[i], c.name).toMatchObject({ status: c.expect.status, decision: c.expect.decision, route: c.expect.route, findings: c.expect.findings, errorCode: c.expect.errorCode });
    });
    expect((await gw.audit.verify()).ok).toBe(true);
    const policyHash = (await loadPolicies([...BUNDLED_POLICIES])).get('default')!.hash;
    await expect(paritySnapshot(results, records, policyHash)).toMatchFileSnapshot('./__snapshots__/parity.json');
  });
});
