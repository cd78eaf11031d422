/**
 * @module test/reliability/support/process-gateway
 * The gateway as a real OS process (`node bin/veil.mjs start`), for the tests that must kill it,
 * measure its memory, or read every byte it printed. The database and a gateway key are prepared
 * here before the start (so the process never prints a bootstrap key), and the process's whole
 * stdout and stderr are kept for the secrets-hygiene greps.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../../../src/db/open.node.ts';
import { createSqliteKeyStore } from '../../../src/keys/sqlite.node.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const VEIL_BIN = join(ROOT, 'bin', 'veil.mjs');
export const REPO_POLICIES = join(ROOT, 'policies');
export const PROC_UPSTREAM_KEY = 'sk-upstream-proc-secret-9f8e7d6c5b4a';
const SECRET = 'reliability-test-secret';

export interface GatewayDir {
  dir: string;
  dbPath: string;
  /** A gateway key for team `rel-team`. */
  key: string;
  /** Creates another key in the same database. */
  newKey(opts?: { team?: string; rateLimitRpm?: number | null }): Promise<string>;
  remove(): void;
}

/** A temp dir with a migrated database and one key. */
export async function prepareGatewayDir(): Promise<GatewayDir> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-rel-'));
  const dbPath = join(dir, 'veil.db');
  const newKey = async (opts: { team?: string; rateLimitRpm?: number | null } = {}) => {
    const db = openDatabase(dbPath);
    try {
      return (await createSqliteKeyStore(db).create({ team: opts.team ?? 'rel-team', policyId: null, rateLimitRpm: opts.rateLimitRpm ?? null })).secret;
    } finally {
      db.close();
    }
  };
  const key = await newKey();
  return { dir, dbPath, key, newKey, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface GatewayProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resident set size in bytes, from /proc (Linux). */
  rssBytes(): number;
  /** SIGKILL, no shutdown hooks: the crash case. */
  kill9(): Promise<void>;
  /** SIGTERM (flushes audit, signs a checkpoint) and waits for the exit. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  dbPath: string;
  upstreamUrl: string;
  env?: Record<string, string>;
  /** YAML written to a file and passed as VEIL_CONFIG. */
  configYaml?: string;
  timeoutMs?: number;
}

/** Starts `veil start` on a free port and resolves when it prints its URL. */
export async function spawnGateway(opts: SpawnOptions): Promise<GatewayProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    VEIL_DB: opts.dbPath,
    VEIL_POLICIES: REPO_POLICIES,
    OPENAI_BASE_URL: `${opts.upstreamUrl}/v1`,
    OPENAI_API_KEY: PROC_UPSTREAM_KEY,
    ANTHROPIC_BASE_URL: opts.upstreamUrl,
    ANTHROPIC_API_KEY: PROC_UPSTREAM_KEY,
    VEIL_SECRET: SECRET,
    ...opts.env,
  };
  if (opts.configYaml !== undefined) {
    const file = `${opts.dbPath}.config.yaml`;
    writeFileSync(file, opts.configYaml);
    env.VEIL_CONFIG = file;
  }
  const child = spawn(process.execPath, [VEIL_BIN, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`gateway did not start in time:\n${out}`)), opts.timeoutMs ?? 90_000);
    const onData = () => {
      const m = /veil listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`gateway exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    child,
    output: () => out,
    rssBytes() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs `veil <args>` to completion (the real CLI, its own process). */
export function runVeil(args: string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [VEIL_BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VEIL_SECRET: SECRET, ...env },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
