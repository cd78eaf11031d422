/**
 * @module bench/request-phases
 * Where one request's wall-clock time goes inside a proxy, for the raw node:http hop, the bare
 * @hono/node-server proxy and the Veil gateway side by side, in one run against the same mock:
 * each is started with `bench/lib/phase-timer.mjs` preloaded (it times node:http's own events, no
 * change to the program) and probed with sequential requests (bench/lib/latency-probe.ts). The
 * columns split the time a proxy adds into what it does before calling the upstream (`in`),
 * after the upstream's answer (`out`) and the socket hand-off (`flush`); `wait` + `body` are the
 * upstream's own time as the proxy sees it. Rounds alternate the targets; medians of the rounds.
 *
 * `--base DIR` adds a second Veil target started from another checkout (`DIR/bin/veil.mjs`, e.g. a
 * `git archive` of an earlier commit with `node_modules` linked): an A/B of a change in one run.
 * `--only veil` skips the raw hop and bare proxy.
 *
 * Run: npx tsx bench/request-phases.ts [--case 1kb|16kb|redacted|1kb-sse] [-n 2000] [--rounds 3] [--base DIR] [--only veil] [--write]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { replaceSection } from './lib/doc.ts';
import { loadText } from './lib/proc-stats.ts';
import { latencyProbe, startProcess, stopAll, tsx, type ProbeResult } from './lib/procs.ts';

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: '1kb' },
    n: { type: 'string', short: 'n', default: '2000' },
    rounds: { type: 'string', default: '3' },
    base: { type: 'string' },
    only: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const rounds = Math.max(1, Number(values.rounds));
const SENTENCE = 'The quarterly planning notes cover roadmap items, hiring plans and the migration of the billing service to the new cluster. ';
const prompt = (bytes: number, extra = '') => SENTENCE.repeat(Math.ceil(bytes / SENTENCE.length)).slice(0, bytes - extra.length) + extra;
const CASES: Record<string, { name: string; text: string; stream: boolean }> = {
  '1kb': { name: '1 KB, JSON', text: prompt(1024), stream: false },
  '16kb': { name: '16 KB, JSON', text: prompt(16 * 1024), stream: false },
  redacted: { name: '1 KB + e-mail (redacted), JSON', text: prompt(1024, ' Reply to jane.doe@example.com.'), stream: false },
  '1kb-sse': { name: '1 KB, SSE', text: prompt(1024), stream: true },
};
const c = CASES[values.case];
if (!c) throw new Error(`--case is one of ${Object.keys(CASES).join(', ')}`);

interface Phases {
  n: number;
  in: number;
  wait: number;
  body: number;
  out: number;
  flush: number;
  total: number;
}
const PHASES = ['in', 'wait', 'body', 'out', 'flush', 'total'] as const;
const PRELOAD = ['--import', './bench/lib/phase-timer.mjs'];

const dir = mkdtempSync(join(tmpdir(), 'veil-phases-'));
const loadBefore = loadText();
try {
  const mock = await startProcess(tsx('bench/lib/mock-server.ts', '--reply-bytes', '1024', '--chunk-size', '8'), /MOCK_UPSTREAM_URL=(\S+)/);
  const mockUrl = mock.match[1]!;
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, JSON.stringify({ model: 'gpt-4o-mini', stream: c.stream, messages: [{ role: 'user', content: c.text }] }));

  /** One process per target and round, so each summary covers exactly that round's requests. */
  async function start(name: string, round: number): Promise<{ url: string; headers: Record<string, string>; child: ChildProcess; out: string }> {
    const out = join(dir, `${name}-${round}.json`);
    const env = { VEIL_PHASES_OUT: out, VEIL_PHASES_SKIP: '200' };
    if (name === 'raw hop') {
      const p = await startProcess([...PRELOAD, ...tsx('bench/lib/raw-proxy.ts', '--upstream', mockUrl)], /RAW_PROXY_URL=(\S+)/, env);
      return { url: `${p.match[1]}/v1/chat/completions`, headers: {}, child: p.child, out };
    }
    if (name === 'bare proxy') {
      const p = await startProcess([...PRELOAD, ...tsx('bench/bare-proxy.ts', '--upstream', `${mockUrl}/v1`)], /BARE_PROXY_URL=(\S+)/, env);
      return { url: `${p.match[1]}/v1/chat/completions`, headers: {}, child: p.child, out };
    }
    const bin = name === 'veil (base)' ? join(values.base!, 'bin', 'veil.mjs') : 'bin/veil.mjs';
    const p = await startProcess([...PRELOAD, bin, 'start'], /listening on (http:\/\/\S+)/, {
      ...env,
      PORT: '0',
      VEIL_HOST: '127.0.0.1',
      VEIL_DB: join(dir, `${name.replace(/\W+/g, '-')}-${round}.db`),
      OPENAI_BASE_URL: `${mockUrl}/v1`,
      OPENAI_API_KEY: 'sk-bench',
    }, 60_000);
    const key = /(veil_\S+)/.exec(p.output())![1]!;
    return { url: `${p.match[1]}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, child: p.child, out };
  }
  async function stop(child: ChildProcess): Promise<void> {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  const names = [...(values.only === 'veil' ? [] : ['raw hop', 'bare proxy']), ...(values.base ? ['veil (base)'] : []), 'veil'];
  const got = new Map<string, { phases: Phases[]; probes: ProbeResult[] }>(names.map((x) => [x, { phases: [], probes: [] }]));
  const direct: ProbeResult[] = [];
  for (let r = 0; r < rounds; r++) {
    direct.push(await latencyProbe(`${mockUrl}/v1/chat/completions`, { bodyFile, n, warmup: 200, headers: { authorization: 'Bearer sk-bench' } }));
    for (const name of names) {
      const t = await start(name, r);
      const probe = await latencyProbe(t.url, { bodyFile, n, warmup: 200, headers: t.headers });
      await stop(t.child);
      got.get(name)!.probes.push(probe);
      got.get(name)!.phases.push(JSON.parse(readFileSync(t.out, 'utf8')) as Phases);
      console.error(`round ${r + 1} ${name}: probe p50 ${probe.p50} µs, phases ${readFileSync(t.out, 'utf8')}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
  const ms = (us: number) => (us / 1000).toFixed(2);
  const directP50 = median(direct.map((p) => p.p50));
  const rows = names.map((name) => {
    const g = got.get(name)!;
    const ph = (k: (typeof PHASES)[number]) => median(g.phases.map((p) => p[k]));
    const p50 = median(g.probes.map((p) => p.p50));
    return `| ${name} | ${ms(p50)} | ${ms(p50 - directP50)} | ${PHASES.map((k) => ms(ph(k))).join(' | ')} | **${ms(ph('in') + ph('out') + ph('flush'))}** |`;
  });
  const text = [
    `Case: ${c.name}; ${rounds} rounds × ${n} sequential requests per target (after 200 warm-up; a fresh process per target and round), medians of the rounds, in ms. Mock direct p50 ${ms(directP50)} ms. Load average (1 / 5 / 15 min) ${loadBefore} before, ${loadText()} after.`,
    '',
    '| target | client p50 | added p50 over direct | in | wait | body | out | flush | total inside | **own (in + out + flush)** |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '`in`: request received → upstream request handed to node:http (body read, auth, parse, inspection, redaction, building the upstream request); `wait`: → upstream answer headers; `body`: → upstream body end; `out`: → response ended (restore, output guard, audit record); `flush`: → response handed to the kernel. The phases are medians each, so they need not add up to the total.',
  ].join('\n');
  console.log(text);
  if (values.write && !values.base && !values.only) replaceSection('Request phases', `Reproduce: \`npx tsx bench/request-phases.ts --case ${values.case} -n ${n} --rounds ${rounds} --write\`\n\n${text}\n`);
} finally {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
}
