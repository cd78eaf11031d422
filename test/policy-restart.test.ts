/**
 * A console edit and a gateway restart: a real Node gateway on a SQLite file and a policies
 * directory, the edit saved over the admin API, then the gateway stopped and started again on the
 * same database and files. The edit must stay in force while its file is unchanged (a restart
 * must not silently loosen what a security team tightened), and the operator is told the file is
 * behind; a file changed in git still wins at the next start.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.node.ts';
import { startGateway, type RunningGateway } from '../src/entry/node.ts';
import { silentLogger } from '../src/util/log.ts';
import { REPO_POLICIES } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

const ROOT = 'root-token-for-restart-tests-0123456789';
let mock: MockUpstream;
let dir: string;

beforeAll(async () => {
  mock = await startMockUpstream();
  dir = mkdtempSync(join(tmpdir(), 'veil-restart-'));
  cpSync(REPO_POLICIES, join(dir, 'policies'), { recursive: true });
});

afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the gateway on the test's database and policies; `progress` collects its start-up lines. */
async function start(): Promise<{ gw: RunningGateway; progress: string[]; policy: () => Promise<{ version: number; source: string }> }> {
  const cfg = loadConfig({
    env: { PORT: '0', VEIL_DB: join(dir, 'veil.db'), VEIL_POLICIES: join(dir, 'policies'), OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-up', VEIL_SECRET: 'restart-test-secret' },
  });
  const progress: string[] = [];
  const gw = await startGateway(cfg, { log: silentLogger, bootstrapKey: false, adminToken: ROOT, progress: (l) => progress.push(l) });
  const policy = async () => (await (await fetch(`${gw.url}/admin/api/policies/default`, { headers: { authorization: `Bearer ${ROOT}` } })).json()) as { version: number; source: string };
  return { gw, progress, policy };
}

describe('policies across a restart', () => {
  it('keeps a console edit while its file is unchanged, and lets a file changed in git win', async () => {
    const file = join(dir, 'policies', 'default.yaml');
    const first = await start();
    const imported = await first.policy();
    const tightened = imported.source.replace('EMAIL: { action: redact }', 'EMAIL: { action: block }');
    expect(tightened).not.toBe(imported.source);
    const saved = await fetch(`${first.gw.url}/admin/api/policies/default`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ROOT}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: tightened, message: 'block emails' }),
    });
    expect(saved.status).toBe(200);
    await first.gw.close();

    const second = await start();
    try {
      expect((await second.policy()).source).toBe(tightened);
      expect(second.progress.join('\n')).toMatch(/kept policy 'default' as edited after .*default\.yaml was imported/);
    } finally {
      await second.gw.close();
    }

    // A change in git: the file now holds a text the store never had.
    const fromGit = readFileSync(file, 'utf8') + '# changed in git\n';
    writeFileSync(file, fromGit);
    const third = await start();
    try {
      expect((await third.policy()).source).toBe(fromGit);
      expect(third.progress.join('\n')).toMatch(/imported policies from .*: default/);
    } finally {
      await third.gw.close();
    }
  });
});
