/**
 * @module bench/local-through-gateway
 * Local-model tokens/s end to end: a streaming chat request through the Veil gateway (its own
 * process, HTTP, auth, inspection, audit, SSE) against node-llama-cpp called directly in this
 * process, same model, same settings (1 thread, greedy, plain wrapper, same prompt and token
 * budget, text streamed through `onTextChunk` as the gateway must). Runs alternate so machine
 * drift hits both alike; the figure is the median ratio.
 *
 * Run: npx tsx bench/local-through-gateway.ts [runs] [maxTokens] [--gaps=MS,MS,...] [--warmup=N] [--threads] [--write] [--cpu-prof=DIR]
 * `--gaps=0,2` starts one gateway per `local.stream_min_gap_ms` value (VEIL_LOCAL_STREAM_MIN_GAP_MS)
 * and runs each in turn beside the direct run, so settings are compared in the same run under the
 * same load; without it, one gateway with its configured default.
 * `--warmup=N` (default 20): unmeasured runs of each side before the measured ones (see below).
 * `--cpu-prof=DIR` writes a V8 CPU profile of the gateway process into DIR (for finding where
 * the per-token time goes; summarize it with `npx tsx bench/lib/cpu-profile-summary.ts FILE`).
 * `--threads` adds CPU per token of each thread of both processes (from /proc/<pid>/task), to
 * tell the JavaScript thread, the decode thread and V8's helper threads (GC, optimizing compiler) apart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaChat, LlamaLogLevel } from 'node-llama-cpp';
import { PlainChatWrapper, toChatHistory } from '../src/providers/local-llama.node.ts';
import { findTestModel } from '../test/support/model.ts';
import { replaceSection } from './lib/doc.ts';
import { cpuMs, loadText } from './lib/proc-stats.ts';
import { startProcess, stopAll } from './lib/procs.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const runs = Number(args[0] ?? 15);
const maxTokens = Number(args[1] ?? 256);
const modelPath = process.env.VEIL_LOCAL_MODEL ?? findTestModel();
if (!modelPath) throw new Error('no model: set VEIL_LOCAL_MODEL or place stories260K.gguf in ../shared/models');
const PROMPT = 'Once upon a time';
const profDir = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
/** `undefined`: the gateway's configured default (no env override). */
const gaps: (number | undefined)[] = process.argv
  .find((a) => a.startsWith('--gaps='))
  ?.slice('--gaps='.length)
  .split(',')
  .map(Number) ?? [undefined];
if (gaps.some((g) => g !== undefined && !(Number.isInteger(g) && g >= 0))) throw new Error('--gaps takes whole milliseconds, e.g. --gaps=0,2');
const gapName = (g: number | undefined) => (g === undefined ? 'default gap' : `gap ${g} ms`);
const perThread = process.argv.includes('--threads');
const warmup = Number(process.argv.find((a) => a.startsWith('--warmup='))?.slice('--warmup='.length) ?? 20);
if (!(Number.isInteger(warmup) && warmup >= 1)) throw new Error('--warmup takes a whole number of runs, e.g. --warmup=20');

/**
 * CPU ms of every thread of `pid` by thread id, from `/proc/<pid>/task/<tid>/schedstat` (time on
 * CPU in ns: a 256-token answer takes ~200 ms, so the 10 ms ticks of `stat` blur a few-percent
 * difference) or, where that is missing, from `stat`. Empty where /proc is unavailable.
 */
function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tids) {
    let ms: number | null;
    try {
      ms = Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      ms = cpuMs(pid, Number(t));
    }
    if (ms !== null && Number.isFinite(ms)) out.set(Number(t), ms);
  }
  return out;
}
/** Adds the per-thread CPU spent since `before` into `tally`. */
function addThreadCpu(tally: CpuTally, before: Map<number, number>, pid: number): void {
  for (const [tid, ms] of threadCpu(pid)) {
    const d = ms - (before.get(tid) ?? 0);
    tally.threads.set(tid, (tally.threads.get(tid) ?? 0) + d);
    tally.ms += d;
    if (tid === pid) tally.mainMs += d;
  }
}
/** `main 180, t3 12, ...` in µs per token: threads named by creation order (Node 20 leaves them unnamed). */
function threadText(cpu: Map<number, number>, pid: number, tokens: number): string {
  const order = [...cpu.keys()].sort((a, b) => a - b);
  return [...cpu]
    .filter(([, ms]) => ms * 1000 >= 0.5 * tokens)
    .sort((a, b) => b[1] - a[1])
    .map(([tid, ms]) => `${tid === pid ? 'main' : `t${order.indexOf(tid)}`} ${((ms * 1000) / Math.max(1, tokens)).toFixed(0)}`)
    .join(', ');
}

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: 1 });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
// The gateway's local defaults (src/config/config-schema.ts: threads 1, context_size 2048,
// sequences 2): the direct side must run the same context, or KV-cache size alone moves the ratio.
const GATEWAY_LOCAL = { threads: 1, contextSize: 2048, sequences: 2 };
const context = await model.createContext(GATEWAY_LOCAL);
const sequence = context.getSequence();
const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: new PlainChatWrapper() });

// CPU time per token survives a shared machine better than tokens/s: other processes stretch
// wall-clock time, not the CPU each side spends. Summed over the measured runs.
interface CpuTally {
  ms: number;
  mainMs: number;
  tokens: number;
  /** CPU ms by thread id. */
  threads: Map<number, number>;
}
const tally = (): CpuTally => ({ ms: 0, mainMs: 0, tokens: 0, threads: new Map() });
/** All direct runs; each gateway also keeps the tally of the direct runs paired with its own. */
const directCpu = tally();

/** One direct generation, its CPU added to `into` (and to the overall tally) unless it is a warm-up. */
async function direct(into?: CpuTally): Promise<number> {
  let tokens = 0;
  let chars = 0;
  const th0 = threadCpu(process.pid);
  const t0 = performance.now();
  // Text per token, as a streaming caller (and the gateway) needs it: the library detokenizes
  // each token only when `onTextChunk` is set.
  await chat.generateResponse(toChatHistory([{ role: 'user', content: PROMPT }]), {
    maxTokens,
    onTextChunk: (text) => (chars += text.length),
    onToken: (t) => (tokens += t.length),
  });
  const s = (performance.now() - t0) / 1000;
  if (into) {
    for (const t of [into, directCpu]) {
      addThreadCpu(t, th0, process.pid);
      t.tokens += tokens;
    }
  }
  await sequence.clearHistory();
  if (chars === 0) throw new Error('direct run produced no text');
  return tokens / s;
}

const dir = mkdtempSync(join(tmpdir(), 'veil-bench-local-'));
try {
  const localId = 'local/' + modelPath.split('/').pop()!.replace(/\.gguf$/, '');
  const payload = JSON.stringify({ model: localId, stream: true, stream_options: { include_usage: true }, max_tokens: maxTokens, messages: [{ role: 'user', content: PROMPT }] });

  /** One gateway process per gap setting, each with its own client connection and CPU tally. */
  async function startGateway(gap: number | undefined, index: number) {
    const gw = await startProcess([...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), 'bin/veil.mjs', 'start'], /listening on (http:\/\/\S+)/, {
      PORT: '0',
      VEIL_DB: join(dir, `veil-${index}.db`),
      VEIL_LOCAL_MODEL: modelPath!,
      VEIL_LOCAL_CHAT_WRAPPER: 'plain',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      ...(gap === undefined ? {} : { VEIL_LOCAL_STREAM_MIN_GAP_MS: String(gap) }),
    });
    const url = gw.match[1]!;
    const key = /(veil_\S+)/.exec(gw.output())![1]!;
    // node:http, not fetch: the client shares the two cores with the gateway and the model, and
    // fetch's web-stream reader costs several times more CPU per streamed event.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL(`${url}/v1/chat/completions`);
    function post(): Promise<{ status: number; text: string; events: number }> {
      return new Promise((resolve, reject) => {
        const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            resolve({ status: res.statusCode ?? 0, text, events: text.split('\n\n').filter((e) => e.includes('"content"')).length });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(payload);
      });
    }

    // The gateway's main (JavaScript) thread is the task whose id is the process id; the model
    // decodes on a thread of its own.
    const gwPid = gw.child.pid!;
    const side = { gap, pid: gwPid, cpu: tally(), direct: tally(), events: 0, rates: [] as number[], ratios: [] as number[] };
    async function run(measure = true): Promise<number> {
      const th0 = threadCpu(gwPid);
      const t0 = performance.now();
      const { status, text, events } = await post();
      const s = (performance.now() - t0) / 1000;
      const usage = text.split('\n\n').filter((e) => e.includes('"usage"')).map((e) => JSON.parse(e.slice(6)).usage).pop();
      if (!usage) throw new Error(`no usage in stream (status ${status})`);
      if (measure) {
        addThreadCpu(side.cpu, th0, gwPid);
        side.cpu.tokens += usage.completion_tokens;
        side.events += events;
      }
      return usage.completion_tokens / s;
    }
    return { side, run };
  }

  const gateways = [];
  for (const [i, gap] of gaps.entries()) gateways.push(await startGateway(gap, i));

  // A fresh process spends its first dozen requests compiling its hot code on V8's helper threads
  // (measured on a gateway: 5-100 ms of helper CPU per request for ~13 requests, then ~1 ms), and
  // the gateway has far more code to warm (HTTP, inspection, audit, SSE) than the direct loop.
  // Warmed with one request, a 21-run measurement charged the gateways ~50 µs per token for it.
  for (let i = 0; i < warmup; i++) {
    await direct();
    for (const g of gateways) await g.run(false);
  }
  const loadBefore = loadText();
  const d: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Each gateway run is paired with a direct run beside it; which goes first alternates.
    for (const g of gateways) {
      let gwRate: number;
      let directRate: number;
      if (i % 2) {
        gwRate = await g.run();
        directRate = await direct(g.side.direct);
      } else {
        directRate = await direct(g.side.direct);
        gwRate = await g.run();
      }
      d.push(directRate);
      g.side.rates.push(gwRate);
      g.side.ratios.push(gwRate / directRate);
    }
  }
  const loadAfter = loadText();
  const perToken = (ms: number, tokens: number) => ((ms * 1000) / Math.max(1, tokens)).toFixed(0);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const sides = gateways.map((g) => g.side);
  const named = gaps.length > 1 || gaps[0] !== undefined;
  const table = [
    `Streaming chat request through the gateway (separate process: HTTP, auth, inspection, audit, SSE) vs node-llama-cpp called directly; \`${modelPath.split('/').pop()}\`, prompt "${PROMPT}", greedy, ${maxTokens} tokens, both sides with the gateway's local defaults (1 thread, context 2048, 2 sequences), ${runs} alternating pairs of runs${named ? ` per setting of \`local.stream_min_gap_ms\` (one gateway each, run in turn)` : ''} after ${warmup} warm-up runs of each side. Gateway time includes the HTTP round trip; the client reads the stream with node:http. Load average (1 / 5 / 15 min) ${loadBefore} before, ${loadAfter} after.`,
    '',
    '| path | median tokens/s | median ratio to direct | text events per request | CPU µs per token | direct CPU µs per token, same pairs | CPU ratio direct / gateway |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| node-llama-cpp direct | ${median(d).toFixed(0)} | | | ${perToken(directCpu.ms, directCpu.tokens)} | | |`,
    ...sides.map(
      (g) =>
        `| through the Veil gateway${named ? `, ${gapName(g.gap)}` : ''} | ${median(g.rates).toFixed(0)} | **${median(g.ratios).toFixed(3)}** | ${(g.events / runs).toFixed(0)} | ${perToken(g.cpu.ms, g.cpu.tokens)} | ${perToken(g.direct.ms, g.direct.tokens)} | ${(g.direct.ms / Math.max(1, g.direct.tokens) / (g.cpu.ms / Math.max(1, g.cpu.tokens))).toFixed(3)} |`,
    ),
    '',
    'Ratio: median of per-pair ratios gateway / direct (target ≥ 0.95). The CPU ratio compares each gateway with the direct runs paired with it; it is what the tokens/s ratio tends to on a machine without a spare core.',
    '',
    `CPU per token (all runs, /proc schedstat): direct ${perToken(directCpu.ms, directCpu.tokens)} µs (bench process), of which its JavaScript thread ${perToken(directCpu.mainMs, directCpu.tokens)} µs; ${sides.map((g) => `gateway${named ? ` (${gapName(g.gap)})` : ''} process ${perToken(g.cpu.ms, g.cpu.tokens)} µs, of which its JavaScript thread ${perToken(g.cpu.mainMs, g.cpu.tokens)} µs`).join('; ')}. On a loaded machine the ratio follows the CPU each side needs per token; with a core to spare it follows the model's critical path, from which the gateway's per-event work is kept off (see "Local model").`,
    ...(perThread
      ? [
          '',
          `CPU µs per token by thread (\`--threads\`; tN = Nth thread created): direct: ${threadText(directCpu.threads, process.pid, directCpu.tokens)}; ${sides.map((g) => `gateway${named ? ` (${gapName(g.gap)})` : ''}: ${threadText(g.cpu.threads, g.pid, g.cpu.tokens)}`).join('; ')}.`,
        ]
      : []),
  ].join('\n');
  console.log(table);
  const flags = `${gaps[0] === undefined && gaps.length === 1 ? '' : ` --gaps=${gaps.join(',')}`}${warmup === 20 ? '' : ` --warmup=${warmup}`}`;
  if (process.argv.includes('--write')) replaceSection('Local model through the gateway', `Reproduce: \`npx tsx bench/local-through-gateway.ts ${runs} ${maxTokens}${flags} --write\`\n\n${table}\n`);
} finally {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
  await context.dispose();
  await model.dispose();
}
