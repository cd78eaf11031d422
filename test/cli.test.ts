/**
 * The `veil` command as a user runs it: a real process. Startup refuses a bad policy naming file,
 * line and field; a fresh start prints a first key that works; `audit verify` passes on the
 * record it wrote and fails naming the record after a plain-SQL edit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'veil.mjs');
let dir: string;
let mock: MockUpstream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veil-cli-'));
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

// Generous limits: a command takes ~3 s alone, but CI runs this beside the load and crash tests
// on two cores with a cold tsx cache, where one start was seen to take over 30 s. A hang still fails.
const COMMAND_MS = 120_000;
const TEST_MS = 300_000;

function veil(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: COMMAND_MS });
}

describe('veil CLI', () => {
  it('prints help for every command', () => {
    for (const args of [['--help'], ['start', '--help'], ['keys', '--help'], ['audit', '--help'], ['inspect', '--help']]) {
      const r = veil(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(20);
    }
  }, TEST_MS);

  it('refuses to start with an invalid policy, naming file, line and field', () => {
    const pdir = join(dir, 'bad-policies');
    mkdirSync(pdir, { recursive: true });
    writeFileSync(join(pdir, 'default.yaml'), 'id: default\nrules:\n  EMAIL: { action: redact }\n  KR_RRN: { action: teleport }\n');
    const r = veil(['start'], { VEIL_POLICIES: pdir, VEIL_DB: join(dir, 'bad.db'), PORT: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(pdir, 'default.yaml')}:4`);
    expect(r.stderr).toContain('rules.KR_RRN.action');
  }, TEST_MS);

  it('starts on defaults, prints a first key that works, and audit verify detects tampering', async () => {
    const db = join(dir, 'veil.db');
    const env = { VEIL_DB: db, PORT: '0', OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-up' };
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    try {
      const url = await new Promise<string>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`gateway did not start: ${err}`)), COMMAND_MS);
        child.stderr.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(err);
          if (m) {
            clearTimeout(t);
            res(m[1]!);
          }
        });
      });
      const key = /(veil_\S+)/.exec(err)?.[1];
      expect(key).toBeTruthy();
      const r = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
      });
      expect(r.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const ok = veil(['audit', 'verify'], { VEIL_DB: db });
    expect(ok.status, ok.stderr).toBe(0);
    const list = veil(['keys', 'list'], { VEIL_DB: db });
    expect(list.stdout).toContain('default');
    expect(list.stdout).not.toMatch(/veil_[A-Za-z0-9]+_[A-Za-z0-9_-]{20,}/);

    const sql = new BetterSqlite3(db);
    sql.prepare("UPDATE audit_log SET decision = 'allow', status = 299 WHERE seq = (SELECT MIN(seq) FROM audit_log)").run();
    sql.close();
    const bad = veil(['audit', 'verify'], { VEIL_DB: db });
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/seq[ =:]*1\b/);
  }, TEST_MS);
});
