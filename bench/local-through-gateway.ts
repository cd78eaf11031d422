/**
 * @module bench/local-through-gateway
 * Local-model tokens/s end to end: a streaming chat request through the Veil gateway (its own
 * process, HTTP, auth, inspection, audit, SSE) against node-llama-cpp called directly in this
 * process, same model, same settings (1 thread, greedy, plain wrapper, same prompt and token
 * budget). Runs alternate so machine drift hits both alike; the figure is the median ratio.
 *
 * Run: npx tsx bench/local-through-gateway.ts [runs] [maxTokens] [--write] [--cpu-prof=DIR]
 * `--cpu-prof=DIR` writes a V8 CPU profile of the gateway process into DIR (for finding where
 * the per-token time goes; summarize it with `npx tsx bench/lib/cpu-profile-summary.ts FILE`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
const cpu = { direct: { ms: 0, mainMs: 0, tokens: 0 }, gateway: { ms: 0, mainMs: 0, tokens: 0 } };

async function direct(): Promise<number> {
  let tokens = 0;
  const c0 = process.cpuUsage();
  const m0 = cpuMs(process.pid, process.pid) ?? 0;
  const t0 = performance.now();
  await chat.generateResponse(toChatHistory([{ role: 'user', content: PROMPT }]), { maxTokens, onToken: (t) => (tokens += t.length) });
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  cpu.direct.ms += (c.user + c.system) / 1000;
  cpu.direct.mainMs += (cpuMs(process.pid, process.pid) ?? 0) - m0;
  cpu.direct.tokens += tokens;
  await sequence.clearHistory();
  return tokens / s;
}

const dir = mkdtempSync(join(tmpdir(), 'veil-bench-local-'));
try {
  const gw = await startProcess([...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), 'bin/veil.mjs', 'start'], /listening on (http:\/\/\S+)/, {
    PORT: '0',
    VEIL_DB: join(dir, 'veil.db'),
    VEIL_LOCAL_MODEL: modelPath,
    VEIL_LOCAL_CHAT_WRAPPER: 'plain',
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  });
  const url = gw.match[1]!;
  const key = /(veil_\S+)/.exec(gw.output())![1]!;
  const localId = 'local/' + modelPath.split('/').pop()!.replace(/\.gguf$/, '');

  // node:http, not fetch: the client shares the two cores with the gateway and the model, and
  // fetch's web-stream reader costs several times more CPU per streamed event.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(`${url}/v1/chat/completions`);
  const payload = JSON.stringify({ model: localId, stream: true, stream_options: { include_usage: true }, max_tokens: maxTokens, messages: [{ role: 'user', content: PROMPT }] });
  function post(): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  // The gateway's main (JavaScript) thread is the task whose id is the process id; the model
  // decodes on a thread of its own.
  const gwPid = gw.child.pid!;
  async function viaGateway(): Promise<number> {
    const c0 = cpuMs(gwPid) ?? 0;
    const m0 = cpuMs(gwPid, gwPid) ?? 0;
    const t0 = performance.now();
    const { status, text } = await post();
    const s = (performance.now() - t0) / 1000;
    const usage = text.split('\n\n').filter((e) => e.includes('"usage"')).map((e) => JSON.parse(e.slice(6)).usage).pop();
    if (!usage) throw new Error(`no usage in stream (status ${status})`);
    cpu.gateway.ms += (cpuMs(gwPid) ?? 0) - c0;
    cpu.gateway.mainMs += (cpuMs(gwPid, gwPid) ?? 0) - m0;
    cpu.gateway.tokens += usage.completion_tokens;
    return usage.completion_tokens / s;
  }

  await direct();
  await viaGateway();
  cpu.direct = { ms: 0, mainMs: 0, tokens: 0 };
  cpu.gateway = { ms: 0, mainMs: 0, tokens: 0 };
  const loadBefore = loadText();
  const ratios: number[] = [];
  const d: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [a, b] = i % 2 ? [await viaGateway(), await direct()] : [await direct(), await viaGateway()].reverse();
    g.push(a!);
    d.push(b!);
    ratios.push(a! / b!);
  }
  const loadAfter = loadText();
  const perToken = (ms: number, tokens: number) => ((ms * 1000) / Math.max(1, tokens)).toFixed(0);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const table = [
    `Streaming chat request through the gateway (separate process: HTTP, auth, inspection, audit, SSE) vs node-llama-cpp called directly; \`${modelPath.split('/').pop()}\`, prompt "${PROMPT}", greedy, ${maxTokens} tokens, both sides with the gateway's local defaults (1 thread, context 2048, 2 sequences), ${runs} alternating runs. Gateway time includes the HTTP round trip; the client reads the stream with node:http. Load average (1 / 5 / 15 min) ${loadBefore} before, ${loadAfter} after.`,
    '',
    '| path | median tokens/s |',
    '| --- | ---: |',
    `| node-llama-cpp direct | ${median(d).toFixed(0)} |`,
    `| through the Veil gateway | ${median(g).toFixed(0)} |`,
    '',
    `Median per-pair ratio gateway / direct: **${median(ratios).toFixed(3)}** (target ≥ 0.95).`,
    '',
    `CPU per token (all runs, /proc, 10 ms ticks): direct ${perToken(cpu.direct.ms, cpu.direct.tokens)} µs (bench process), of which its JavaScript thread ${perToken(cpu.direct.mainMs, cpu.direct.tokens)} µs; gateway process ${perToken(cpu.gateway.ms, cpu.gateway.tokens)} µs, of which its JavaScript thread ${perToken(cpu.gateway.mainMs, cpu.gateway.tokens)} µs. On a loaded machine the ratio follows the CPU each side needs per token; with a core to spare it follows the model's critical path, from which the gateway's per-event work is kept off (see "Local model").`,
  ].join('\n');
  console.log(table);
  if (process.argv.includes('--write')) replaceSection('Local model through the gateway', `Reproduce: \`npx tsx bench/local-through-gateway.ts ${runs} ${maxTokens} --write\`\n\n${table}\n`);
} finally {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
  await context.dispose();
  await model.dispose();
}
