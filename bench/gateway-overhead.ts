/**
 * @module bench/gateway-overhead
 * Gateway overhead, measured as ratios in one run on one machine. The same load goes to (1) the
 * mock upstream directly, (2) a bare @hono/node-server pass-through proxy, (3) the Veil gateway
 * with the default policy and the audit log on, (4) Portkey's open-source gateway as plain
 * pass-through; each is its own process and the load generators are processes of their own.
 * Per prompt case it measures, target after target:
 *   - max throughput (autocannon, `--connections`), and the target's own CPU time per request
 *     from /proc (the figure that survives other processes on the machine);
 *   - latency at a fixed rate, open loop, µs-resolved (bench/lib/latency-probe.ts `--rate`: each
 *     request timed from when it was due, so queueing shows), for the targets and both floors;
 *   - sequential latency in microseconds (bench/lib/latency-probe.ts, one keep-alive connection).
 * The fixed rate is `--rate` (default 1,000 req/s) capped at half the slowest proxy's measured
 * throughput in that case, so latency is measured below saturation and not as queueing delay.
 *
 * Run: npx tsx bench/gateway-overhead.ts [--seconds 5] [--rate 1000] [--uncapped] [--probe 2000] [--rounds 3] [--warmup 2] [--no-portkey] [--write]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { replaceSection } from './lib/doc.ts';
import { cpuMs, loadText } from './lib/proc-stats.ts';
import { autocannon, latencyProbe, stopAll, type LoadResult, type ProbeResult } from './lib/procs.ts';
import { startTargets, type Target } from './lib/targets.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '32' },
    probe: { type: 'string', default: '2000' },
    'reply-bytes': { type: 'string', default: '1024' },
    'chunk-size': { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    'no-portkey': { type: 'boolean', default: false },
    // Measure latency at exactly --rate, even past what the slowest target sustains (then the
    // table shows queueing: the answer to "what happens at 1,000 req/s on this machine").
    uncapped: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const maxRate = Number(values.rate);
const connections = Number(values.connections);
const probeN = Number(values.probe);
const replyBytes = Number(values['reply-bytes']);
const chunkSize = Number(values['chunk-size']);
const rounds = Math.max(1, Number(values.rounds));
const warmupSeconds = Number(values.warmup);

const SENTENCE = 'The quarterly planning notes cover roadmap items, hiring plans and the migration of the billing service to the new cluster. ';
const prompt = (bytes: number, extra = '') => SENTENCE.repeat(Math.ceil(bytes / SENTENCE.length)).slice(0, bytes - extra.length) + extra;
const body = (text: string, stream: boolean) => JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: text }] });

const CASES = [
  { name: '1 KB, JSON', text: prompt(1024), stream: false },
  { name: '1 KB, SSE', text: prompt(1024), stream: true },
  { name: '16 KB, JSON', text: prompt(16 * 1024), stream: false },
  { name: '16 KB, SSE', text: prompt(16 * 1024), stream: true },
  { name: '1 KB + e-mail (redacted), JSON', text: prompt(1024, ' Reply to jane.doe@example.com.'), stream: false },
];

interface Measured {
  max: LoadResult;
  /** Target CPU µs per request during the max-throughput run. */
  cpuUs: number | null;
  fixed?: ProbeResult;
  probe?: ProbeResult;
}

const dir = mkdtempSync(join(tmpdir(), 'veil-bench-'));
const loadBefore = loadText();
const started = Date.now();
try {
  const t = await startTargets({ dir, replyBytes, chunkSize, portkey: !values['no-portkey'] });
  if (t.portkeyError) console.error(`portkey not measured: ${t.portkeyError}`);
  const targets: Target[] = [t.mock, t.bare, t.veil, ...(t.portkey ? [t.portkey] : [])];
  const results: { name: string; rate: number; m: Record<string, Measured>; raw: ProbeResult; nginx: ProbeResult | null; rawFixed: ProbeResult; nginxFixed: ProbeResult | null }[] = [];

  // Every case through every target before anything is measured: the first case measured must
  // not pay for the JIT warming the code paths of the later ones (Veil has far more code to
  // optimise than a pass-through; a 1 s warm-up per case left its first row ~40 % dearer in CPU).
  for (const c of CASES) {
    for (const x of targets) await autocannon(x.url, { body: body(c.text, c.stream), connections: 8, seconds: warmupSeconds, headers: x.headers });
  }

  for (const c of CASES) {
    const b = body(c.text, c.stream);
    const bodyFile = join(dir, 'body.json');
    writeFileSync(bodyFile, b);
    const m: Record<string, Measured> = {};
    // Max throughput with the target's CPU time around it, in rounds that alternate the targets so
    // drift in machine load hits all alike; the round with the median req/s is kept per target.
    const runs = new Map<string, Measured[]>(targets.map((x) => [x.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const x of targets) {
        await autocannon(x.url, { body: b, connections: 8, seconds: 1, headers: x.headers });
        const c0 = cpuMs(x.pid);
        const max = await autocannon(x.url, { body: b, connections, seconds, headers: x.headers });
        const c1 = cpuMs(x.pid);
        runs.get(x.name)!.push({ max, cpuUs: c0 === null || c1 === null || max.total === 0 ? null : ((c1 - c0) * 1000) / max.total });
      }
    }
    for (const x of targets) {
      const sorted = [...runs.get(x.name)!].sort((p, q) => p.max.rps - q.max.rps);
      m[x.name] = sorted[(sorted.length - 1) >> 1]!;
    }
    const slowest = Math.min(...targets.filter((x) => x !== t.mock).map((x) => m[x.name]!.max.rps));
    const rate = values.uncapped ? maxRate : Math.max(10, Math.min(maxRate, Math.floor(slowest / 2)));
    const probe = (x: Target) => latencyProbe(x.url, { bodyFile, n: probeN, warmup: Math.min(200, probeN), headers: x.headers });
    // Open loop at `rate` over 16 connections, at least 1,000 requests so p99 has ten behind it.
    const atRate = (x: Target) => latencyProbe(x.url, { bodyFile, n: Math.max(1000, rate * seconds), warmup: 100, headers: x.headers, rate, connections: 16 });
    for (const x of targets) {
      m[x.name]!.fixed = await atRate(x);
      m[x.name]!.probe = await probe(x);
    }
    const rawFixed = await atRate(t.raw);
    const nginxFixed = t.nginx ? await atRate(t.nginx) : null;
    // The floor: what one hop through a proxy that does nothing adds on this machine.
    const raw = await probe(t.raw);
    const nginx = t.nginx ? await probe(t.nginx) : null;
    for (const x of targets) {
      const r = m[x.name]!;
      const bad = r.max.errors + r.max.non2xx + r.fixed!.failed + r.probe!.failed;
      console.error(
        `${c.name.padEnd(31)} ${x.name.padEnd(11)} max ${Math.round(r.max.rps)} req/s, ${r.cpuUs?.toFixed(0) ?? '–'} µs CPU/req | @${rate}/s p50 ${r.fixed!.p50} p99 ${r.fixed!.p99} µs | probe p50 ${r.probe!.p50} p99 ${r.probe!.p99} µs${bad ? ` | ${bad} FAILED` : ''}`,
      );
    }
    console.error(`${c.name.padEnd(31)} ${'raw hop'.padEnd(11)} probe p50 ${raw.p50} p99 ${raw.p99} µs${raw.failed ? ` | ${raw.failed} FAILED` : ''}`);
    if (nginx) console.error(`${c.name.padEnd(31)} ${'nginx hop'.padEnd(11)} probe p50 ${nginx.p50} p99 ${nginx.p99} µs${nginx.failed ? ` | ${nginx.failed} FAILED` : ''}`);
    results.push({ name: c.name, rate, m, raw, nginx, rawFixed, nginxFixed });
  }

  const loadAfter = loadText();
  const has = (n: string) => targets.some((x) => x.name === n);
  const pk = has('portkey');
  const fmtProbe = (p: ProbeResult) => `${(p.p50 / 1000).toFixed(2)} / ${(p.p99 / 1000).toFixed(2)}`;
  const added = (a: ProbeResult, d: ProbeResult) => `${((a.p50 - d.p50) / 1000).toFixed(2)} / ${((a.p99 - d.p99) / 1000).toFixed(2)}`;
  const failures = results.flatMap((r) => [
    ...Object.entries(r.m).filter(([, v]) => v.max.non2xx + v.max.errors + v.fixed!.failed + v.probe!.failed > 0).map(([k]) => `${r.name} / ${k}`),
    ...(r.raw.failed + r.rawFixed.failed > 0 ? [`${r.name} / raw hop`] : []),
    ...(r.nginx && r.nginx.failed + r.nginxFixed!.failed > 0 ? [`${r.name} / nginx hop`] : []),
  ]);

  const latency = [
    `**Sequential latency** (${probeN} requests one after another on one keep-alive connection, after ${Math.min(200, probeN)} warm-up requests; µs resolution, shown in ms). Added = target minus mock direct, same run. The raw hop (\`bench/lib/raw-proxy.ts\`: node:http in, node:http out, no framework, no work) is the floor of a Node proxy: what a second hop through a Node process adds before the proxy does anything. ${t.nginx ? `The nginx hop (nginx ${t.nginx.version} as a plain reverse proxy, \`bench/lib/nginx-hop.ts\`) is the floor of the loopback hop itself: an event loop in C doing no work.` : `nginx hop not measured: ${t.nginxError}.`}`,
    '',
    `| prompt | direct p50 / p99 | raw hop p50 / p99 | bare proxy p50 / p99 | veil p50 / p99 |${pk ? ' portkey p50 / p99 |' : ''} **veil added** p50 / p99 |${pk ? ' portkey added p50 / p99 |' : ''} bare added p50 / p99 | raw hop added (Node floor) p50 / p99 |${t.nginx ? ' nginx hop added (hop floor) p50 / p99 |' : ''}`,
    `| --- | --- | --- | --- | --- |${pk ? ' --- |' : ''} --- |${pk ? ' --- |' : ''} --- | --- |${t.nginx ? ' --- |' : ''}`,
    ...results.map(({ name, m, raw, nginx }) => {
      const d = m['mock direct']!.probe!;
      return `| ${name} | ${fmtProbe(d)} | ${fmtProbe(raw)} | ${fmtProbe(m['bare proxy']!.probe!)} | ${fmtProbe(m.veil!.probe!)} |${pk ? ` ${fmtProbe(m.portkey!.probe!)} |` : ''} **${added(m.veil!.probe!, d)}** |${pk ? ` ${added(m.portkey!.probe!, d)} |` : ''} ${added(m['bare proxy']!.probe!, d)} | ${added(raw, d)} |${nginx ? ` ${added(nginx, d)} |` : ''}`;
    }),
  ];
  const fixed = [
    `**Latency under load** (open loop, \`bench/lib/latency-probe.ts --rate\`: requests due at a fixed rate — ${values.uncapped ? `${maxRate} req/s whatever the targets sustain` : `${maxRate} req/s or half the slowest proxy's throughput in that row, whichever is lower`} — over 16 keep-alive connections, each timed from when it was due, so a target that falls behind shows its queueing; max(1,000, rate × ${seconds} s) requests after 100 warm-up; µs resolution, shown in ms; "achieved" is the rate the probe reached against Veil).`,
    '',
    `| prompt | rate req/s (achieved) | direct p50 / p99 | bare proxy p50 / p99 | veil p50 / p99 |${pk ? ' portkey p50 / p99 |' : ''} **veil added** p50 / p99 | raw hop added (Node floor) |${results[0]?.nginxFixed ? ' nginx hop added (hop floor) |' : ''}`,
    `| --- | ---: | --- | --- | --- |${pk ? ' --- |' : ''} --- | --- |${results[0]?.nginxFixed ? ' --- |' : ''}`,
    ...results.map(({ name, rate, m, rawFixed, nginxFixed }) => {
      const f = (k: string) => fmtProbe(m[k]!.fixed!);
      const d = m['mock direct']!.fixed!;
      return `| ${name} | ${rate} (${m.veil!.fixed!.rate ?? '–'}) | ${f('mock direct')} | ${f('bare proxy')} | ${f('veil')} |${pk ? ` ${f('portkey')} |` : ''} **${added(m.veil!.fixed!, d)}** | ${added(rawFixed, d)} |${nginxFixed ? ` ${added(nginxFixed, d)} |` : ''}`;
    }),
  ];
  const cpu = (x: Measured) => (x.cpuUs === null ? '–' : x.cpuUs.toFixed(0));
  const throughput = [
    `**Throughput** (autocannon, ${connections} connections, ${seconds} s, as fast as the target answers; the median of ${rounds} rounds alternating the targets, after every case ran ${warmupSeconds} s through every target to warm it up) and the target process's own CPU time per request in that round (from /proc, robust to other load).`,
    '',
    `| prompt | direct req/s | bare proxy req/s | veil req/s |${pk ? ' portkey req/s |' : ''} **veil / bare** |${pk ? ' portkey / bare | veil / portkey |' : ''} CPU µs/req bare / veil${pk ? ' / portkey' : ''} | **CPU bare / veil** |`,
    `| --- | ---: | ---: | ---: |${pk ? ' ---: |' : ''} ---: |${pk ? ' ---: | ---: |' : ''} --- | ---: |`,
    ...results.map(({ name, m }) => {
      const r = (k: string) => Math.round(m[k]!.max.rps);
      const ratio = (a: string, b: string) => (m[a]!.max.rps / m[b]!.max.rps).toFixed(2);
      const cb = m['bare proxy']!.cpuUs;
      const cv = m.veil!.cpuUs;
      return `| ${name} | ${r('mock direct')} | ${r('bare proxy')} | ${r('veil')} |${pk ? ` ${r('portkey')} |` : ''} **${ratio('veil', 'bare proxy')}** |${pk ? ` ${ratio('portkey', 'bare proxy')} | ${ratio('veil', 'portkey')} |` : ''} ${cpu(m['bare proxy']!)} / ${cpu(m.veil!)}${pk ? ` / ${cpu(m.portkey!)}` : ''} | **${cb && cv ? (cb / cv).toFixed(2) : '–'}** |`;
    }),
  ];
  const setup = [
    `Mock upstream answers every request with the same ${replyBytes}-byte reply (streamed as ${chunkSize}-character deltas, ~${Math.ceil(replyBytes / chunkSize)} events), so prompt size measures inspection cost. Veil runs \`bin/veil.mjs start\` with \`policies/default.yaml\` and the SQLite audit log on; the bare proxy is \`bench/bare-proxy.ts\` (@hono/node-server + the same node:http upstream client Veil uses, no auth, inspection or audit); the raw hop is \`bench/lib/raw-proxy.ts\` and the nginx hop \`bench/lib/nginx-hop.ts\` (${t.nginx ? `nginx ${t.nginx.version}` : 'not installed'}; latency only, as floors); ${pk ? 'Portkey is `@portkey-ai/gateway` 1.15.2 (`build/start-server.js --headless`, headers `x-portkey-provider: openai` and `x-portkey-custom-host: <mock>/v1`, no guardrails, no cache; streamed responses re-wrapped by `bench/lib/portkey-mutable-headers.mjs` to work around Portkey issue #1389)' : `Portkey not measured: ${t.portkeyError ?? 'skipped (--no-portkey)'}`}. Every target, the mock and each load generator is its own process on 127.0.0.1; 2 cores shared by all of them.`,
    '',
    `Load average (1 / 5 / 15 min): **${loadBefore}** before, **${loadAfter}** after; run took ${Math.round((Date.now() - started) / 1000)} s.${failures.length ? ` Failed requests in: ${failures.join(', ')}.` : ' No failed requests.'}`,
  ];
  const text = [...setup, '', ...latency, '', ...fixed, '', ...throughput].join('\n');
  console.log(text);
  if (values.write) {
    const flags = `${values.uncapped ? ' --uncapped' : ''}${values['no-portkey'] ? ' --no-portkey' : ''}`;
    const cmd = `npx tsx bench/gateway-overhead.ts --seconds ${seconds} --rate ${maxRate}${flags} --probe ${probeN} --rounds ${rounds} --write`;
    // An uncapped run answers another question (latency past saturation): its own section.
    replaceSection(values.uncapped ? `Gateway overhead at ${maxRate} req/s, uncapped` : 'Gateway overhead', `Reproduce: \`${cmd}\`\n\nNeeds Debian's nginx for the nginx floor (\`apt-get install nginx-light\`; optional).\n\n${text}\n`);
  }
} finally {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
}
