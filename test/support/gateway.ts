/**
 * @module test/support/gateway
 * Starts a real gateway for end-to-end tests: the Node entry on a free loopback port, a fresh
 * SQLite file in a temp dir, the repo's policies (or given ones), the mock upstream as the OpenAI
 * provider, and the tiny real model when asked. Returns a freshly created gateway key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../../src/config/load-config.node.ts';
import { openDatabase } from '../../src/db/open.node.ts';
import { startGateway } from '../../src/entry/node.ts';
import { createSqliteKeyStore } from '../../src/keys/sqlite.node.ts';
import { jsonLogger } from '../../src/util/log.ts';
import type { MockUpstream } from './mock-upstream/index.ts';

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
  return {
    url: gw.url,
    baseURL: `${gw.url}/v1`,
    key,
    team: 'e2e-team',
    dir,
    dbPath,
    logs,
    newKey,
    auditRows() {
      const db = new BetterSqlite3(dbPath, { readonly: true });
      try {
        return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Record<string, unknown>>;
      } finally {
        db.close();
      }
    },
    async close() {
      keyDb.close();
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
