/**
 * @module bench/audit-append
 * Measures audit append and verify throughput on a real SQLite file (WAL, synchronous=NORMAL).
 * Run: `npx tsx bench/audit-append.ts [records]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteAuditStore } from '../src/audit/sqlite.node.ts';
import { makeRecord } from '../src/audit/test-records.ts';
import { openDatabase } from '../src/db/open.node.ts';

const n = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
try {
  const db = openDatabase(join(dir, 'veil.db'));
  const store = createSqliteAuditStore(db);
  const recs = Array.from({ length: n }, (_, i) => makeRecord(i));
  for (const r of recs.slice(0, 500)) store.appendSync(r); // warm up statements and pages
  // CPU time alongside wall time: on a shared box the wall clock also counts other processes.
  const cpuUs = (c: NodeJS.CpuUsage) => ((c.user + c.system) / n).toFixed(1);
  const t0 = performance.now();
  let c0 = process.cpuUsage();
  for (const r of recs) store.appendSync(r);
  const ms = performance.now() - t0;
  console.log(`appendSync (one commit each): ${n} in ${ms.toFixed(0)} ms = ${Math.round(n / (ms / 1000))} records/s, ${((ms / n) * 1000).toFixed(1)} µs/record wall, ${cpuUs(process.cpuUsage(c0))} µs CPU`);
  for (const inFlight of [1, 10, 100]) {
    const t = performance.now();
    c0 = process.cpuUsage();
    for (let i = 0; i < n; i += inFlight) await Promise.all(recs.slice(i, i + inFlight).map((r) => store.append(r)));
    const gms = performance.now() - t;
    console.log(`append, ${inFlight} in flight (group commit): ${Math.round(n / (gms / 1000))} records/s, ${((gms / n) * 1000).toFixed(1)} µs/record wall, ${cpuUs(process.cpuUsage(c0))} µs CPU`);
  }
  const t1 = performance.now();
  const res = await store.verify();
  const vms = performance.now() - t1;
  console.log(`verify: ${res.checked} records in ${vms.toFixed(0)} ms = ${Math.round(res.checked / (vms / 1000))} records/s, ok=${res.ok}`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
