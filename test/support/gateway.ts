/**
 * @module test/support/gateway
 * Starts a real gateway for end-to-end tests: the Node entry on a free loopback port, a fresh
 * SQLite file in a temp dir, the repo's policies (or given ones), the mock upstream as the OpenAI
 * provider, and the tiny real model when asked. Returns a freshly created gateway key.
 * `startMockedGateway` starts the mock upstream with it (and a one-file policy directory if asked).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config/load-config.node.ts';
import { openDatabase } from '../../src/db/open.node.ts';
import { startGateway } from '../../src/entry/node.ts';
import { createSqliteKeyStore } from '../../src/keys/sqlite.node.ts';
import { jsonLogger } from '../../src/util/log.ts';
import { startMockUpstream, type MockUpstream } from './mock-upstream/index.ts';

export const UPSTREAM_KEY = 'sk-upstream-secret-0123456789abcdef';
export const REPO_POLICIES = resolve(import.meta.dirname, '..', '..', 'policies');

export interface TestGateway {
  url: string;
  /** OpenAI SDK base URL. */
  baseURL: string;
  key: string;
  team: string;
  dir: string;
  dbPath: string;
  /** Everything the gateway logged, for the secrets-hygiene checks. */
  logs: string[];
  /** Audit rows as stored (raw SQL, read-only connection). */
  auditRows(): Array<Record<string, unknown>>;
  /** The audit row of one request, waited for (a stream's row is written when the stream ends). */
  auditRowFor(requestId: string | null | undefined): Promise<Record<string, unknown>>;
  newKey(team: string, policyId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestGateway(opts: {
  mock: MockUpstream;
  modelPath?: string | null;
  policies?: string;
  env?: Record<string, string>;
}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-'));
  const dbPath = join(dir, 'veil.db');
  const cfg = loadConfig({
    env: {
      PORT: '0',
      VEIL_DB: dbPath,
      VEIL_POLICIES: opts.policies ?? REPO_POLICIES,
      OPENAI_BASE_URL: `${opts.mock.url}/v1`,
      OPENAI_API_KEY: UPSTREAM_KEY,
      VEIL_SECRET: 'test-secret-for-placeholders',
      ...(opts.modelPath ? { VEIL_LOCAL_MODEL: opts.modelPath } : {}),
      ...opts.env,
    },
  });
  const logs: string[] = [];
  const gw = await startGateway(cfg, { log: jsonLogger((l) => logs.push(l), 'debug'), progress: (l) => logs.push(l), bootstrapKey: false });
  const keyDb = openDatabase(dbPath);
  const keys = createSqliteKeyStore(keyDb);
  const newKey = async (team: string, policyId?: string) => (await keys.create({ team, policyId: policyId ?? null })).secret;
  const key = await newKey('e2e-team');
  const auditRows = () => {
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  };
  return {
    url: gw.url,
    baseURL: `${gw.url}/v1`,
    key,
    team: 'e2e-team',
    dir,
    dbPath,
    logs,
    newKey,
    auditRows,
    auditRowFor: (requestId) => eventually(() => auditRows().find((r) => r.request_id === requestId)),
    async close() {
      keyDb.close();
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MockedGateway {
  mock: MockUpstream;
  gw: TestGateway;
  /** The policies directory the gateway runs on (a temp one with `policy`), for starting more gateways on it. */
  policyDir: string;
  /** Stops the gateway and the mock and removes the policy directory. */
  close(): Promise<void>;
}

/**
 * The common setup of the end-to-end suites: a fresh mock upstream and a gateway in front of it.
 * With `policy`, the gateway runs that one policy (written to a temp dir as `default.yaml`)
 * instead of the repo's; with `anthropic`, the mock is also the Anthropic provider; `env` adds
 * config overrides.
 *
 * @example
 * const s = await startMockedGateway({ policy: DIALECT_POLICY, modelPath: null, anthropic: true });
 */
export async function startMockedGateway(
  opts: { policy?: string; modelPath?: string | null; anthropic?: boolean; env?: Record<string, string> } = {},
): Promise<MockedGateway> {
  const policyDir = opts.policy === undefined ? REPO_POLICIES : mkdtempSync(join(tmpdir(), 'veil-policy-'));
  const removePolicyDir = () => {
    if (policyDir !== REPO_POLICIES) rmSync(policyDir, { recursive: true, force: true });
  };
  if (opts.policy !== undefined) writeFileSync(join(policyDir, 'default.yaml'), opts.policy);
  const mock = await startMockUpstream();
  const env = { ...(opts.anthropic ? { ANTHROPIC_BASE_URL: mock.url, ANTHROPIC_API_KEY: UPSTREAM_KEY } : {}), ...opts.env };
  let gw: TestGateway;
  try {
    gw = await startTestGateway({ mock, modelPath: opts.modelPath, policies: policyDir, env });
  } catch (e) {
    await mock.close();
    removePolicyDir();
    throw e;
  }
  return {
    mock,
    gw,
    policyDir,
    async close() {
      await gw.close();
      await mock.close();
      removePolicyDir();
    },
  };
}

/**
 * Registers a suite's hooks around `startMockedGateway`: start before all tests (then `ready`,
 * to keep what the tests use), reset the mock's recorded requests and behaviours before each
 * test, stop everything after all.
 *
 * @example
 * let gw: TestGateway;
 * useMockedGateway({ policy: DIALECT_POLICY }, (s) => ({ gw } = s));
 */
export function useMockedGateway(
  opts: Parameters<typeof startMockedGateway>[0],
  ready: (s: MockedGateway) => void | Promise<void>,
): void {
  let started: MockedGateway | undefined;
  beforeAll(async () => {
    started = await startMockedGateway(opts);
    await ready(started);
  });
  afterAll(() => started?.close());
  beforeEach(() => started?.mock.reset());
}

/** Polls until `fn` returns truthy (audit rows of streams are written when the stream ends). */
export async function eventually<T>(fn: () => T | undefined | null | false, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits out the last `ms` of a wall-clock minute: the shared rate limiter counts whole Unix
 * minutes, so a burst that must be refused at exactly `rpm` has to stay inside one (across a
 * minute's start the sliding estimate may admit one more, by design).
 */
export async function awayFromMinuteEdge(ms = 3000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 20));
}
