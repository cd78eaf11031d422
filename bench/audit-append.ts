/**
 * @module bench/audit-append
 * Measures audit append and verify throughput on a real SQLite file (WAL, synchronous=NORMAL).
 * Run: `npx tsx bench/audit-append.ts [records]`.
 *
 * `--tail` measures instead the latency of single appends spaced like sequential requests, with
 * SQLite's auto-checkpoint (it checkpoints, fsyncs included, inside every ~150th commit), with the
 * gateway's checkpointer worker (`src/db/wal-checkpointer.node.ts`) and with no checkpoint at all
 * (the floor), alternating on fresh files. Each sample is one event-loop turn plus the commit, so
 * whatever the checkpointer makes the main thread do (its reports, the rare catch-up checkpoint)
 * lands on the measured requests.
 * Run: `npx tsx bench/audit-append.ts --tail [--appends 5000] [--rounds 3] [--gap-ms 0.3] [--write]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSqliteAuditStore } from '../src/audit/sqlite.node.ts';
import { makeRecord } from '../src/audit/test-records.ts';
import { openDatabase } from '../src/db/open.node.ts';
import { startWalCheckpointer } from '../src/db/wal-checkpointer.node.ts';
import { replaceSection } from './lib/doc.ts';
import { loadText } from './lib/proc-stats.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tail: { type: 'boolean', default: false },
    appends: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    'gap-ms': { type: 'string', default: '0.3' },
    write: { type: 'boolean', default: false },
  },
});

async function throughput(n: number): Promise<void> {
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
}

type Mode = 'auto-checkpoint' | 'checkpointer worker' | 'no checkpoint (floor)';
interface TailRun {
  samples: number[];
  maxWalBytes: number;
  catchUps: number;
}

async function tailRun(mode: Mode, appends: number, gapMs: number): Promise<TailRun> {
  const dir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
  const path = join(dir, 'veil.db');
  const db = openDatabase(path);
  try {
    // The floor: no checkpoint at all (the WAL grows without bound; for comparison only).
    if (mode === 'no checkpoint (floor)') db.pragma('wal_autocheckpoint = 0');
    const ck = mode === 'checkpointer worker' ? startWalCheckpointer(db) : null;
    if (ck && !(await ck.ready)) throw new Error('checkpointer worker did not start');
    const store = createSqliteAuditStore(db);
    for (let i = 0; i < 300; i++) store.appendSync(makeRecord(i)); // warm up statements and pages
    const samples: number[] = [];
    let maxWalBytes = 0;
    const turn = () => new Promise((r) => setImmediate(r));
    for (let i = 0; i < appends; i++) {
      const t = performance.now();
      await turn();
      store.appendSync(makeRecord(300 + i));
      samples.push((performance.now() - t) * 1000);
      // The rest of a sequential request's own work, before the next one commits.
      const until = performance.now() + gapMs;
      while (performance.now() < until);
      if (i % 250 === 0) maxWalBytes = Math.max(maxWalBytes, statSync(path + '-wal').size);
    }
    const catchUps = ck?.catchUps ?? 0;
    await ck?.close();
    return { samples, maxWalBytes, catchUps };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
}
function us(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${Math.round(x)} µs`;
}
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 0.5), p99: pct(s, 0.99), p999: pct(s, 0.999), max: s[s.length - 1]! };
}
function summary(xs: number[]): string {
  const s = stats(xs);
  return `p50 ${us(s.p50)}, p99 ${us(s.p99)}, p99.9 ${us(s.p999)}, max ${us(s.max)}`;
}

async function tailLatency(): Promise<void> {
  const appends = Math.max(100, Number(values.appends));
  const rounds = Math.max(1, Number(values.rounds));
  const gapMs = Math.max(0, Number(values['gap-ms']));
  const loadBefore = loadText();
  const modes: Mode[] = ['auto-checkpoint', 'checkpointer worker', 'no checkpoint (floor)'];
  const got = new Map<Mode, TailRun[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) {
    // Alternate the order, so no mode always meets the machine in the same state.
    for (const mode of r % 2 ? [...modes].reverse() : modes) {
      const run = await tailRun(mode, appends, gapMs);
      got.get(mode)!.push(run);
      console.error(`round ${r + 1} ${mode}: ${summary(run.samples)}`);
    }
  }
  const rows = modes.map((mode) => {
    const runs = got.get(mode)!;
    const all = stats(runs.flatMap((x) => x.samples));
    const perRound = (k: 'p99' | 'p999') => runs.map((x) => us(stats(x.samples)[k])).join(', ');
    const wal = Math.max(...runs.map((x) => x.maxWalBytes)) / 2 ** 20;
    const catchUps = runs.reduce((a, x) => a + x.catchUps, 0);
    const samples = runs.flatMap((x) => x.samples);
    // Counted rather than ranked: on a shared machine a count of slow requests is the steadier figure.
    const over1ms = (samples.filter((x) => x > 1000).length / samples.length) * 1000;
    return `| ${mode} | ${us(all.p50)} | **${us(all.p99)}** (${perRound('p99')}) | **${us(all.p999)}** (${perRound('p999')}) | ${us(all.max)} | ${over1ms.toFixed(1)} | ${wal.toFixed(1)} MB | ${catchUps} |`;
  });
  const text = [
    `One \`appendSync\` per simulated request on a fresh SQLite file (WAL, \`synchronous=NORMAL\`), ${appends} requests per run after 300 warm-up appends, each one event-loop turn plus the commit, then ${gapMs} ms of busy work before the next; ${rounds} alternating rounds per mode. Percentiles over all rounds pooled (each round's in brackets). Load average (1 / 5 / 15 min) ${loadBefore} before, ${loadText()} after.`,
    '',
    '| mode | p50 | p99 (rounds) | p99.9 (rounds) | max | requests > 1 ms per 1,000 | largest WAL file | main-thread catch-up checkpoints |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'SQLite\'s auto-checkpoint runs a checkpoint (an fsync of the WAL and one of the database file) inside every ~150th commit, on the event loop; the checkpointer worker (`src/db/wal-checkpointer.node.ts`, what `veil start` runs) does it in its own thread every 250 ms and leaves the main thread one short catch-up checkpoint per 64 MiB of WAL (~2,400 appends) so the WAL can start over; "no checkpoint" lets the WAL grow without bound and is only the floor: what is left there is this machine\'s own scheduling and I/O noise. The WAL file of the checkpointer stays at ~64 MiB plus one interval of appends once reached (SQLite reuses it).',
  ].join('\n');
  console.log(text);
  if (values.write) {
    replaceSection('Audit append tail latency', `Reproduce: \`npx tsx bench/audit-append.ts --tail --appends ${appends} --rounds ${rounds} --gap-ms ${gapMs} --write\`\n\n${text}\n`);
  }
}

if (values.tail) await tailLatency();
else await throughput(Number(positionals[0] ?? 20_000));
