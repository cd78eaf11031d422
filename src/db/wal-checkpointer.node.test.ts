import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteAuditStore } from '../audit/sqlite.node.ts';
import { makeRecord } from '../audit/test-records.ts';
import type { LogFields } from '../util/log.ts';
import { openDatabase } from './open.node.ts';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.node.ts';

let dir: string;
let dbPath: string;
const dbs: Database[] = [];
const checkpointers: WalCheckpointer[] = [];

function open(): Database {
  const d = openDatabase(dbPath);
  dbs.push(d);
  return d;
}
function start(d: Database, opts: Parameters<typeof startWalCheckpointer>[1] = {}): WalCheckpointer {
  const c = startWalCheckpointer(d, { intervalMs: 20, ...opts });
  checkpointers.push(c);
  return c;
}
const autoPages = (d: Database) => d.pragma('wal_autocheckpoint', { simple: true });
const size = (p: string) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(5);
}
function warnings() {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  return { lines, log: { log: (level: string, msg: string, fields?: LogFields) => void lines.push({ level, msg, fields }) } };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-walck-'));
  dbPath = join(dir, 'veil.db');
});
afterEach(async () => {
  for (const c of checkpointers.splice(0)) await c.close();
  for (const d of dbs.splice(0)) if (d.open) d.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('startWalCheckpointer', () => {
  it('turns auto-checkpoint off on the main connection while its worker runs', async () => {
    const d = open();
    expect(autoPages(d)).toBe(1000);
    const c = start(d);
    expect(await c.ready).toBe(true);
    expect(c.active).toBe(true);
    expect(autoPages(d)).toBe(0);
  });

  it('copies the audit appends into the database file from the worker, the main thread never checkpointing', async () => {
    const d = open();
    const c = start(d, { maxWalBytes: 2 ** 30 });
    await c.ready;
    const audit = createSqliteAuditStore(d);
    const before = size(dbPath);
    // ~1,500 appends ≈ 10,000 WAL frames: SQLite's default would have checkpointed ~10 times inline.
    for (let i = 0; i < 1500; i++) audit.appendSync(makeRecord(i));
    await tick();
    const seen = c.runs;
    await until(() => c.runs >= seen + 3);
    expect(c.catchUps).toBe(0);
    expect(autoPages(d)).toBe(0);
    expect(size(dbPath) - before).toBeGreaterThan(500_000);
  });

  it('(control) without it and with auto-checkpoint off, the same appends stay in the WAL', async () => {
    const d = open();
    d.pragma('wal_autocheckpoint = 0');
    const audit = createSqliteAuditStore(d);
    const before = size(dbPath);
    for (let i = 0; i < 1500; i++) audit.appendSync(makeRecord(i));
    await sleep(100);
    expect(size(dbPath) - before).toBeLessThan(100_000);
    expect(size(dbPath + '-wal')).toBeGreaterThan(8 * 2 ** 20);
  });

  it('keeps the WAL file bounded over thousands of appends (catch-up checkpoints rewind it)', async () => {
    const d = open();
    const c = start(d, { intervalMs: 10, maxWalBytes: 2 ** 20 });
    await c.ready;
    const audit = createSqliteAuditStore(d);
    let maxWal = 0;
    for (let i = 0; i < 3000; i++) {
      audit.appendSync(makeRecord(i));
      // Requests come and go through the event loop; the worker's reports are handled in between.
      if (i % 25 === 0) {
        await tick();
        maxWal = Math.max(maxWal, size(dbPath + '-wal'));
      }
    }
    expect(c.catchUps).toBeGreaterThan(0);
    // Unchecked, 3,000 appends leave ~21,000 frames (~80 MB) of WAL (the control: 1,500 > 8 MiB).
    expect(maxWal).toBeLessThan(16 * 2 ** 20);
    const [{ log }] = d.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log).toBeLessThan(5000); // frames since the last rewind: it was rewound during the run
    expect((await audit.verify()).ok).toBe(true);
  });

  it('close() stops the worker, restores auto-checkpoint and leaves an empty WAL and a sound chain', async () => {
    const d = open();
    const c = start(d);
    await c.ready;
    const audit = createSqliteAuditStore(d);
    for (let i = 0; i < 500; i++) await audit.append(makeRecord(i));
    audit.flush();
    const worker = c.worker;
    expect(worker).not.toBeNull();
    await c.close();
    expect(c.worker).toBeNull();
    expect(c.active).toBe(false);
    expect(autoPages(d)).toBe(1000);
    expect(size(dbPath + '-wal')).toBe(0);
    const runs = c.runs;
    await sleep(80);
    expect(c.runs).toBe(runs);
    const res = await audit.verify();
    expect(res).toMatchObject({ ok: true, checked: 500 });
    await c.close(); // twice is harmless
  });

  it('gives auto-checkpoint back and warns when the worker cannot start', async () => {
    const d = open();
    const w = warnings();
    const c = start(d, { modulePath: join(dir, 'no-such-module.js'), log: w.log });
    expect(await c.ready).toBe(false);
    await until(() => w.lines.length > 0);
    expect(c.active).toBe(false);
    expect(autoPages(d)).toBe(1000);
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toMatchObject({ level: 'warn', fields: { db: dbPath, reason: 'error' } });
    expect(Object.keys(w.lines[0]!.fields ?? {}).sort()).toEqual(['code', 'db', 'error', 'reason']);
  });

  it('gives auto-checkpoint back when the running worker dies, and SQLite bounds the WAL again', async () => {
    const d = open();
    const w = warnings();
    const c = start(d, { log: w.log, maxWalBytes: 2 ** 30 });
    await c.ready;
    expect(autoPages(d)).toBe(0);
    await c.worker!.terminate();
    await until(() => !c.active);
    expect(autoPages(d)).toBe(1000);
    expect(w.lines.map((l) => l.fields?.reason)).toEqual(['exit']);
    const audit = createSqliteAuditStore(d);
    for (let i = 0; i < 1500; i++) audit.appendSync(makeRecord(i));
    // SQLite's own trigger (1000 pages ≈ 4 MB) rewinds the WAL again; unchecked it would pass 8 MiB.
    expect(size(dbPath + '-wal')).toBeLessThan(6 * 2 ** 20);
  });

  it('is a no-op for in-memory and read-only databases', async () => {
    const mem = openDatabase(':memory:');
    dbs.push(mem);
    const c1 = start(mem);
    expect(await c1.ready).toBe(false);
    expect(c1.worker).toBeNull();
    open().close();
    const ro = openDatabase(dbPath, { readonly: true });
    dbs.push(ro);
    const c2 = start(ro);
    expect(await c2.ready).toBe(false);
    expect(c2.worker).toBeNull();
  });
});
