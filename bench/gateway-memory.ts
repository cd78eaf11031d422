/**
 * @module bench/gateway-memory
 * Resident memory of the Veil gateway (default policy, audit log on) against the mock upstream:
 * at idle, under load, and its growth over `--requests` (default 100,000) requests sent by
 * autocannon (its own process) as fast as the machine allows, in batches of `--batch` requests
 * that rotate through JSON, SSE, redacted and 16 KB prompts. RSS is read from /proc every
 * 250 ms (peak) and after every batch (trend). Bounded: stops after `--max-seconds` and reports
 * how many requests it sent. The bare proxy and Portkey are measured at idle and after the
 * same first batch, for scale.
 *
 * Run: npx tsx bench/gateway-memory.ts [--requests 100000] [--batch 10000] [--max-seconds 300] [--write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { replaceSection } from './lib/doc.ts';
import { loadText, rssMb } from './lib/proc-stats.ts';
import { autocannon, stopAll } from './lib/procs.ts';
import { startTargets, type Target } from './lib/targets.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '32' },
    'max-seconds': { type: 'string', default: '300' },
    'no-portkey': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const wanted = Number(values.requests);
const batch = Number(values.batch);
const connections = Number(values.connections);
const maxSeconds = Number(values['max-seconds']);

const SENTENCE = 'The quarterly planning notes cover roadmap items, hiring plans and the migration of the billing service to the new cluster. ';
const prompt = (bytes: number, extra = '') => SENTENCE.repeat(Math.ceil(bytes / SENTENCE.length)).slice(0, bytes - extra.length) + extra;
const body = (text: string, stream: boolean) => JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: text }] });
const MIX = [
  { name: '1 KB JSON', body: body(prompt(1024), false) },
  { name: '1 KB SSE', body: body(prompt(1024), true) },
  { name: '1 KB + e-mail JSON', body: body(prompt(1024, ' Reply to jane.doe@example.com.'), false) },
  { name: '16 KB JSON', body: body(prompt(16 * 1024), false) },
];

const mb = (x: number | null) => (x === null ? '–' : x.toFixed(1));
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` while sampling `pid`'s RSS every 250 ms; returns its result and the peak seen. */
async function sampled<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssMb(pid) ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid) ?? 0)), 250);
  try {
    const result = await fn();
    return { result, peak: Math.max(peak, rssMb(pid) ?? 0) };
  } finally {
    clearInterval(timer);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'veil-bench-mem-'));
const loadBefore = loadText();
try {
  const t = await startTargets({ dir, replyBytes: 1024, chunkSize: 8, portkey: !values['no-portkey'] });
  await settle(2000);
  const peers: Target[] = [t.bare, ...(t.portkey ? [t.portkey] : [])];
  const idle: Record<string, number | null> = {};
  for (const x of [t.veil, ...peers]) idle[x.name] = rssMb(x.pid);

  // Scale: the same first batch (1 KB JSON) through each peer, RSS at its peak.
  const peerRows: string[] = [];
  for (const x of peers) {
    const { peak } = await sampled(x.pid, () => autocannon(x.url, { body: MIX[0]!.body, connections, amount: Math.min(batch, 5000), headers: x.headers }));
    peerRows.push(`| ${x.name} | ${mb(idle[x.name]!)} | ${mb(peak)} | ${mb(rssMb(x.pid))} |`);
  }

  // Veil: batches until `wanted` requests or the time budget.
  const samples: { sent: number; rss: number | null; peak: number; rps: number; failed: number; kind: string }[] = [];
  const t0 = Date.now();
  let sent = 0;
  let failed = 0;
  for (let k = 0; sent < wanted && (Date.now() - t0) / 1000 < maxSeconds; k++) {
    const mix = MIX[k % MIX.length]!;
    const n = Math.min(batch, wanted - sent);
    const { result, peak } = await sampled(t.veil.pid, () => autocannon(t.veil.url, { body: mix.body, connections, amount: n, headers: t.veil.headers }));
    sent += result.total;
    failed += result.errors + result.non2xx;
    samples.push({ sent, rss: rssMb(t.veil.pid), peak, rps: result.rps, failed: result.errors + result.non2xx, kind: mix.name });
    console.error(`${sent} requests (${mix.name}): RSS ${mb(rssMb(t.veil.pid))} MB, peak ${mb(peak)} MB, ${Math.round(result.rps)} req/s`);
  }
  const elapsed = (Date.now() - t0) / 1000;
  await settle(5000);
  const after = rssMb(t.veil.pid);
  const loadAfter = loadText();

  const peak = Math.max(...samples.map((s) => s.peak));
  // Baseline: the end of the first full rotation through the mix, when every path has run and
  // JIT, pools and caches are warm; growth after it is what a long-running gateway keeps.
  const first = samples[Math.min(MIX.length, samples.length) - 1]!;
  const last = samples[samples.length - 1]!;
  const growth = first.rss !== null && last.rss !== null ? last.rss - first.rss : null;
  const perK = growth !== null && last.sent > first.sent ? (growth * 1024) / ((last.sent - first.sent) / 1000) : null;
  const complete = sent >= wanted;

  const text = [
    `Veil gateway process (\`bin/veil.mjs start\`, default policy, SQLite audit log on) against the mock upstream; autocannon with ${connections} connections, batches of ${batch.toLocaleString('en')} requests rotating through ${MIX.map((m) => m.name).join(', ')}; RSS from /proc (sampled every 250 ms for the peak).`,
    `Load average (1 / 5 / 15 min): **${loadBefore}** before, **${loadAfter}** after. ${complete ? `${sent.toLocaleString('en')} requests in ${Math.round(elapsed)} s` : `**Stopped at the ${maxSeconds} s budget after ${sent.toLocaleString('en')} of ${wanted.toLocaleString('en')} requests** (${Math.round(elapsed)} s); run the full count with \`npx tsx bench/gateway-memory.ts --requests ${wanted} --max-seconds 3600\``}; ${failed} failed.`,
    '',
    '| Veil | RSS MB |',
    '| --- | ---: |',
    `| idle, after start | ${mb(idle.veil!)} |`,
    `| after one rotation through the mix (${first.sent.toLocaleString('en')} requests) | ${mb(first.rss)} |`,
    `| peak under load | ${mb(peak)} |`,
    `| after ${last.sent.toLocaleString('en')} requests | ${mb(last.rss)} |`,
    `| 5 s after the load stopped | ${mb(after)} |`,
    '',
    `Growth from the end of the first rotation to the end: **${growth === null ? '–' : `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`}** over ${(last.sent - first.sent).toLocaleString('en')} requests (${perK === null ? '–' : `${perK.toFixed(1)} KB per 1,000 requests`}).`,
    '',
    '| requests sent | batch | RSS at batch end MB | peak in batch MB | req/s |',
    '| ---: | --- | ---: | ---: | ---: |',
    ...samples.map((s) => `| ${s.sent.toLocaleString('en')} | ${s.kind} | ${mb(s.rss)} | ${mb(s.peak)} | ${Math.round(s.rps)} |`),
    '',
    `For scale, the same process measurement for the pass-through peers (${Math.min(batch, 5000).toLocaleString('en')} requests of 1 KB JSON):`,
    '',
    '| process | idle RSS MB | peak under load MB | after MB |',
    '| --- | ---: | ---: | ---: |',
    ...peerRows,
    ...(t.portkeyError ? ['', `Portkey not measured: ${t.portkeyError}`] : []),
  ].join('\n');
  console.log(text);
  if (values.write) {
    replaceSection('Gateway memory', `Reproduce: \`npx tsx bench/gateway-memory.ts --requests ${wanted} --batch ${batch} --max-seconds ${maxSeconds} --write\`\n\n${text}\n`);
  }
} finally {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
}
