/**
 * Crash: `kill -9` of the gateway process in the middle of mixed load, then a restart on the same
 * database. The database opens cleanly, the chain verifies, garbage at the end of the WAL (a torn
 * write) is not taken for data, every request that got a complete response has its record, and
 * the chain continues. Then the last row is corrupted by hand, in SQL and as raw file bytes:
 * `veil audit verify` must report it, not accept it.
 */
import { appendFileSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream/index.ts';
import { bodyFor, judge, kindOf, pool, send } from './support/load.ts';
import { prepareGatewayDir, runVeil, spawnGateway, type GatewayDir, type GatewayProcess } from './support/process-gateway.ts';

/** Requests completed before the kill. */
const KILL_AFTER = 1000;
const CONCURRENCY = 64;

let mock: MockUpstream;
let dir: GatewayDir;
let gw: GatewayProcess | undefined;

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  dir = await prepareGatewayDir();
});
afterAll(async () => {
  await gw?.stop();
  await mock?.close();
  dir?.remove();
});

const auditIds = (dbPath: string): Map<string, number> => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT request_id, seq FROM audit_log').all() as { request_id: string; seq: number }[];
    return new Map(rows.map((r) => [r.request_id, r.seq]));
  } finally {
    db.close();
  }
};

describe('kill -9 mid-load', () => {
  const completed: string[] = [];
  const kinds = new Map<string, string>();

  it('loses no record of a completed request, and the restarted gateway verifies and continues', async () => {
    gw = await spawnGateway({ dbPath: dir.dbPath, upstreamUrl: mock.url });
    const victim = gw;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let killed = false;
    let incomplete = 0;
    // Local requests answer 503 (no model here): refused, but a complete, audited response.
    await pool(1_000_000, CONCURRENCY, async (i) => {
      const kind = kindOf(i, 50);
      const r = await send(agent, `${victim.url}/v1/chat/completions`, {
        headers: { authorization: `Bearer ${dir.key}`, 'content-type': 'application/json' },
        body: bodyFor(kind, i),
        timeoutMs: 10_000,
      });
      if (judge(kind, i, r, [503]) === null) {
        completed.push(r.headers['x-veil-request-id'] as string);
        kinds.set(r.headers['x-veil-request-id'] as string, kind);
      }
      else if (!killed) throw new Error(`request ${i} (${kind}) failed before the kill: ${judge(kind, i, r, [503])}`);
      else incomplete++;
      if (!killed && completed.length >= KILL_AFTER) {
        killed = true;
        await victim.kill9();
      }
    }, () => killed);
    agent.destroy();
    expect(victim.child.signalCode).toBe('SIGKILL');
    console.log(`crash: killed after ${completed.length} complete responses (${incomplete} cut off)`);

    // A torn write: half a WAL frame of garbage at the end. SQLite must ignore it (checksums).
    const wal = `${dir.dbPath}-wal`;
    if (existsSync(wal)) appendFileSync(wal, Buffer.alloc(3000, 0x5a));

    gw = await spawnGateway({ dbPath: dir.dbPath, upstreamUrl: mock.url });
    const verify = runVeil(['audit', 'verify'], { VEIL_DB: dir.dbPath });
    expect(verify.stdout).toMatch(/^OK: \d+ records verified/);
    expect(verify.code).toBe(0);

    const ids = auditIds(dir.dbPath);
    expect(completed.filter((id) => !ids.has(id)).map((id) => `${id} (${kinds.get(id)})`)).toEqual([]);

    // The chain continues across the crash.
    const before = ids.size;
    const agent2 = new Agent({ keepAlive: true, maxSockets: 4 });
    const after: string[] = [];
    await pool(40, 4, async (i) => {
      const kind = kindOf(i, 0);
      const r = await send(agent2, `${gw!.url}/v1/chat/completions`, {
        headers: { authorization: `Bearer ${dir.key}`, 'content-type': 'application/json' },
        body: bodyFor(kind, i),
      });
      expect(judge(kind, i, r, [])).toBeNull();
      after.push(r.headers['x-veil-request-id'] as string);
    });
    agent2.destroy();
    await gw.stop();
    gw = undefined;
    const ids2 = auditIds(dir.dbPath);
    expect(ids2.size).toBe(before + 40);
    expect(after.filter((id) => !ids2.has(id))).toEqual([]);
    const verify2 = runVeil(['audit', 'verify'], { VEIL_DB: dir.dbPath });
    expect(verify2.stdout).toContain(`OK: ${before + 40} records verified`);
  }, 150_000);

  it('a corrupted last row is reported by `veil audit verify` (SQL edit)', () => {
    const copy = join(dir.dir, 'edited.db');
    copyFileSync(dir.dbPath, copy);
    const db = new BetterSqlite3(copy);
    const last = db.prepare('SELECT seq, request_id, status FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; request_id: string; status: number };
    db.prepare('UPDATE audit_log SET status = ? WHERE seq = ?').run(last.status === 200 ? 500 : 200, last.seq);
    db.close();
    const r = runVeil(['audit', 'verify'], { VEIL_DB: copy });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL: record seq ${last.seq}`);
    expect(r.stdout).toContain(last.request_id);
  });

  it('a torn last row in the file itself (raw bytes flipped) is reported, not accepted', () => {
    const copy = join(dir.dir, 'torn.db');
    copyFileSync(dir.dbPath, copy);
    expect(existsSync(`${dir.dbPath}-wal`) && statSync(`${dir.dbPath}-wal`).size > 0).toBe(false);
    const db = new BetterSqlite3(copy, { readonly: true });
    const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    db.close();
    // The row's stored hash, as bytes in the page: flip one hex digit of it.
    const bytes = readFileSync(copy);
    const at = bytes.lastIndexOf(Buffer.from(last.hash, 'latin1'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 10] = bytes[at + 10] === 0x30 ? 0x31 : 0x30;
    writeFileSync(copy, bytes);
    const r = runVeil(['audit', 'verify'], { VEIL_DB: copy });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL: record seq ${last.seq}`);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a truncated database file fails loudly with a message, not a stack trace or a pass', () => {
    const copy = join(dir.dir, 'truncated.db');
    const bytes = readFileSync(dir.dbPath);
    writeFileSync(copy, bytes.subarray(0, bytes.length - 4096 - 100));
    const r = runVeil(['audit', 'verify'], { VEIL_DB: copy });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/^OK/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
