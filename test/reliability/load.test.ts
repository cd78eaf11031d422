/**
 * Load: 20,000 requests at concurrency 64 through a real gateway process to the mock upstream,
 * mixing allow, redact (restored answers), block, streaming and a few local-model requests.
 * Afterwards every request has exactly one audit record (by the request ids the client saw, with
 * the status the client saw), `veil audit verify` passes, and no request failed that should not.
 */
import { Agent } from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream/index.ts';
import { requireModelOrSkip } from '../support/model.ts';
import { bodyFor, judge, kindOf, pool, send, type Kind } from './support/load.ts';
import { prepareGatewayDir, runVeil, spawnGateway, type GatewayDir, type GatewayProcess } from './support/process-gateway.ts';

const TOTAL = Number(process.env.VEIL_LOAD_REQUESTS ?? 20_000);
const CONCURRENCY = 64;
/** One request in this many goes to the local model: the tiny model is real, so only a few. */
const LOCAL_EVERY = 1000;

let mock: MockUpstream;
let dir: GatewayDir;
let gw: GatewayProcess;
// The local share needs the tiny model; without it (outside CI) those requests get 503, also correct.
const modelPath = requireModelOrSkip().path;

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  dir = await prepareGatewayDir();
  gw = await spawnGateway({
    dbPath: dir.dbPath,
    upstreamUrl: mock.url,
    env: modelPath ? { VEIL_LOCAL_MODEL: modelPath } : {},
    configYaml: 'local:\n  sequences: 2\n  max_queue: 8\n  chat_wrapper: plain\n',
  });
});
afterAll(async () => {
  await gw?.stop();
  await mock?.close();
  dir?.remove();
});

describe('load', () => {
  it(`${TOTAL} mixed requests at concurrency ${CONCURRENCY}: one audit record each, chain verifies, no unexpected failure`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const seen = new Map<string, { status: number; kind: Kind }>();
    const failures: string[] = [];
    const byKind = new Map<Kind, number>();
    // Without a model the local route answers 503 local_model_unavailable, which is correct too.
    const localOk = modelPath ? [200, 503] : [503];
    const t0 = performance.now();
    await pool(TOTAL, CONCURRENCY, async (i) => {
      const kind = kindOf(i, LOCAL_EVERY);
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      const r = await send(agent, `${gw.url}/v1/chat/completions`, {
        headers: { authorization: `Bearer ${dir.key}`, 'content-type': 'application/json' },
        body: bodyFor(kind, i),
      });
      const bad = judge(kind, i, r, localOk);
      if (bad) failures.push(`#${i} ${kind}: ${bad}`);
      const id = r.headers['x-veil-request-id'];
      if (typeof id === 'string') {
        if (seen.has(id)) failures.push(`#${i}: duplicate request id`);
        seen.set(id, { status: r.status, kind });
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    agent.destroy();
    console.log(`load: ${TOTAL} requests in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)} req/s), mix ${JSON.stringify(Object.fromEntries(byKind))}`);

    expect(failures.slice(0, 20)).toEqual([]);
    expect(seen.size).toBe(TOTAL);

    // A clean stop flushes grouped appends and signs the chain head; then read what is on disk.
    await gw.stop();
    const db = new BetterSqlite3(dir.dbPath, { readonly: true });
    let rows: { request_id: string; status: number }[];
    try {
      rows = db.prepare('SELECT request_id, status FROM audit_log').all() as typeof rows;
    } finally {
      db.close();
    }
    expect(rows.length).toBe(TOTAL);
    const perId = new Map<string, number>();
    const mismatched: string[] = [];
    for (const row of rows) {
      perId.set(row.request_id, (perId.get(row.request_id) ?? 0) + 1);
      const client = seen.get(row.request_id);
      if (client && client.status !== row.status) mismatched.push(`${client.kind}: client ${client.status}, audit ${row.status}`);
    }
    expect([...seen.keys()].filter((id) => perId.get(id) !== 1)).toEqual([]);
    expect(mismatched.slice(0, 10)).toEqual([]);

    const verify = runVeil(['audit', 'verify'], { VEIL_DB: dir.dbPath });
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toContain(`OK: ${TOTAL} records verified`);
    expect(verify.code).toBe(0);
  }, 300_000);
});
