import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.node.ts';
import { isVeilError } from '../util/errors.ts';
import type { RateLimiter } from './key-limits.ts';
import { createSqlRateLimiter, RATE_LIMIT_SQL, retryAfterSec, takeParams } from './rate-limit.sql.ts';
import { createSqliteRateLimiter } from './rate-limit.sqlite.node.ts';

const MIN = 60_000;
/** The start of some Unix minute, so tests can place requests at exact points in it. */
const M0 = 29_000_000 * MIN;

let dir: string;
let path: string;
const opened: Database[] = [];
const open = () => {
  const db = openDatabase(path);
  opened.push(db);
  return db;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-rl-'));
  path = join(dir, 'veil.db');
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('database rate limiter (SQLite file)', () => {
  it('two limiters on two connections to one file share the limit: together never more than rpm', async () => {
    let t = M0 + 5_000;
    const a = createSqliteRateLimiter(open(), { now: () => t });
    const b = createSqliteRateLimiter(open(), { now: () => t });
    const granted: string[] = [];
    for (let i = 0; i < 40; i++) {
      const [name, l] = i % 2 ? ['b', b] : ['a', a];
      t += 100;
      if ((await l.take('k1', 10)).ok) granted.push(name);
    }
    expect(granted).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    // The memory limiter would have given each of them 10.
    expect((await a.take('other', 10)).ok).toBe(true);
  });

  it('three threads hammering the same key at once on their own connections take exactly rpm', async () => {
    const db = open(); // migrated file
    const rpm = 150;
    const { params } = takeParams('hot', rpm, M0 + 1_000);
    const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Db = require(workerData.module);
      const db = new Db(workerData.path);
      db.pragma('busy_timeout = 10000');
      const st = db.prepare(workerData.sql);
      // Start together: wait until the main thread releases every worker at once.
      const gate = new Int32Array(workerData.gate);
      Atomics.add(gate, 1, 1);
      Atomics.wait(gate, 0, 0);
      let granted = 0;
      for (let i = 0; i < workerData.n; i++) granted += st.get(...workerData.params).taken;
      db.close();
      parentPort.postMessage(granted);`;
    const gate = new Int32Array(new SharedArrayBuffer(8));
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { module: betterSqlite, path, sql: RATE_LIMIT_SQL.take, params, n: 400, gate: gate.buffer } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const done = Promise.all([run(), run(), run()]);
    while (Atomics.load(gate, 1) < 3) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const counts = await done;
    expect(counts.reduce((s, n) => s + n, 0)).toBe(rpm);
    expect(db.prepare('SELECT cur_count FROM rate_limit_windows WHERE key_id = ?').get('hot')).toEqual({ cur_count: rpm });
  });

  it('slides: the previous minute fades out evenly; Retry-After says when', async () => {
    let t = M0 + 30_000;
    const rl = createSqliteRateLimiter(open(), { now: () => t });
    for (let i = 0; i < 6; i++) expect(await rl.take('k', 6)).toEqual({ ok: true });
    // Full for this minute; the next begins in 30 s, and only strictly after its start is 6 × (1 − f) < 6.
    expect(await rl.take('k', 6)).toEqual({ ok: false, retryAfterSec: 31 });
    t = M0 + MIN; // next minute, f = 0: the 6 still weigh in fully
    expect(await rl.take('k', 6)).toEqual({ ok: false, retryAfterSec: 1 });
    t = M0 + MIN + 10_000; // f = 1/6: 6 × 5/6 = 5 < 6
    expect(await rl.take('k', 6)).toEqual({ ok: true });
    // 5 + 1 = 6 at this very instant; any moment later the old minute weighs less.
    expect(await rl.take('k', 6)).toEqual({ ok: false, retryAfterSec: 1 });
    t = M0 + MIN + 15_000; // 6 × 3/4 + 2 = 6.5: refused until 6 × (1 − f) + 2 < 6, f > 1/3 (5 s on)
    expect((await rl.take('k', 6)).ok).toBe(true);
    expect(await rl.take('k', 6)).toEqual({ ok: false, retryAfterSec: 6 });
    // Two minutes on, nothing is remembered: a full minute's worth at once again.
    t = M0 + 3 * MIN + 1;
    for (let i = 0; i < 6; i++) expect((await rl.take('k', 6)).ok).toBe(true);
    expect((await rl.take('k', 6)).ok).toBe(false);
  });

  it('Retry-After is exact to the second: refused one second earlier, granted at it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 40_000 }), n: fc.integer({ min: 1, max: 15 }) }), { minLength: 1, maxLength: 6 }),
        async (rpm, bursts) => {
          let t = M0 + 7_777;
          const rl = createSqliteRateLimiter(open(), { now: () => t });
          const key = `k${Math.random()}`;
          let refusal: number | null = null;
          for (const { gap, n } of bursts) {
            t += gap;
            for (let i = 0; i < n; i++) {
              const r = await rl.take(key, rpm);
              refusal = r.ok ? null : r.retryAfterSec;
            }
          }
          if (refusal === null) return;
          const at = t;
          if (refusal > 1) {
            t = at + (refusal - 1) * 1000;
            expect((await rl.take(key, rpm)).ok).toBe(false);
          }
          t = at + refusal * 1000;
          expect((await rl.take(key, rpm)).ok).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a refused request does not count', async () => {
    let t = M0 + 1_000;
    const db = open();
    const rl = createSqliteRateLimiter(db, { now: () => t });
    expect((await rl.take('k', 2)).ok).toBe(true);
    expect((await rl.take('k', 2)).ok).toBe(true);
    for (let i = 0; i < 50; i++) expect((await rl.take('k', 2)).ok).toBe(false);
    expect(db.prepare('SELECT cur_count, taken FROM rate_limit_windows WHERE key_id = ?').get('k')).toEqual({ cur_count: 2, taken: 0 });
    // Next minute, 1 ms in: 2 × (1 − 1/60000) < 2, as if the 50 refusals had never happened.
    t = M0 + MIN + 1;
    expect((await rl.take('k', 2)).ok).toBe(true);
  });

  it('storage stays one row per limited key, however many minutes pass', async () => {
    let t = M0;
    const db = open();
    const rl = createSqliteRateLimiter(db, { now: () => t });
    for (let m = 0; m < 300; m++) {
      t = M0 + m * MIN + 500;
      for (const k of ['a', 'b', 'c']) await rl.take(k, 5);
    }
    expect(db.prepare('SELECT count(*) AS n FROM rate_limit_windows').get()).toEqual({ n: 3 });
    expect(db.prepare('SELECT minute, cur_count, prev_count FROM rate_limit_windows WHERE key_id = ?').get('a')).toEqual({
      minute: M0 / MIN + 299,
      cur_count: 1,
      prev_count: 1,
    });
  });

  it('a process whose clock is behind sees the current window, never a fresh one', async () => {
    const ahead = createSqliteRateLimiter(open(), { now: () => M0 + MIN + 2_000 });
    const behind = createSqliteRateLimiter(open(), { now: () => M0 + 59_000 });
    for (let i = 0; i < 3; i++) expect((await ahead.take('k', 3)).ok).toBe(true);
    expect((await behind.take('k', 3)).ok).toBe(false);
  });

  it('a lowered limit applies at once to what was already counted', async () => {
    const rl = createSqliteRateLimiter(open(), { now: () => M0 + 1_000 });
    for (let i = 0; i < 5; i++) expect((await rl.take('k', 10)).ok).toBe(true);
    expect((await rl.take('k', 5)).ok).toBe(false);
    expect((await rl.take('k', 6)).ok).toBe(true);
  });

  it('fails closed: a database that cannot answer refuses with 503 rate_limit_unavailable, logging no SQL', async () => {
    const db = open();
    const logs: string[] = [];
    const rl: RateLimiter = createSqliteRateLimiter(db, { log: { log: (level, msg, f) => logs.push(JSON.stringify({ level, msg, ...f })) } });
    expect((await rl.take('k', 5)).ok).toBe(true);
    db.exec('DROP TABLE rate_limit_windows');
    const e = await rejection(rl.take('k', 5));
    expect(isVeilError(e) && [e.code, e.status]).toEqual(['rate_limit_unavailable', 503]);
    db.close();
    const closed = await rejection(rl.take('k', 5));
    expect(isVeilError(closed) && closed.code).toBe('rate_limit_unavailable');
    expect(logs).toHaveLength(2);
    expect(logs.join('\n')).toContain('rate limit store failed');
    expect(logs.join('\n')).not.toMatch(/rate_limit_windows|INSERT/);
  });

  it('fails closed on an empty answer too', async () => {
    const rl = createSqlRateLimiter(async () => null);
    const e = await rejection(rl.take('k', 5));
    expect(isVeilError(e) && e.code).toBe('rate_limit_unavailable');
  });
});

describe('retryAfterSec', () => {
  it('waits for the previous minute to fade, or for the next minute when this one is full', () => {
    // cur < rpm: 10 × (1 − f') + 4 < 5 → f' > 0.9; at f = 0.5 that is 24 s away → 25.
    expect(retryAfterSec(10, 4, 5, 30_000)).toBe(25);
    // cur = rpm: next minute (in 45 s), strictly after its start → 46.
    expect(retryAfterSec(0, 5, 5, 15_000)).toBe(46);
    // cur above a lowered rpm: next minute (30 s) and then until 8 × (1 − g) < 4, g > 0.5 (30 s) → 61.
    expect(retryAfterSec(0, 8, 4, 30_000)).toBe(61);
    expect(retryAfterSec(10, 0, 5, 59_999)).toBe(1);
  });
});
