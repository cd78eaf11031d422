/**
 * @module bench/local-tokens
 * Tokens per second of node-llama-cpp called directly against the same generation through
 * `createLocalModel().generate` (queue, streaming channel, sequence reset), in one process, with
 * the same binding, model, settings and prompt, runs interleaved so machine drift hits both alike.
 * Writes the table into `docs/benchmarks.md` under "## Local model" (only that section).
 *
 * Run: npx tsx bench/local-tokens.ts [model.gguf] [runs] [maxTokens]
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaChat, LlamaLogLevel } from 'node-llama-cpp';
import { createLocalModel, PlainChatWrapper, toChatHistory } from '../src/providers/local-llama.node.ts';
import type { ChatMessage } from '../src/providers/types.ts';
import { findTestModel } from '../test/support/model.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelPath = process.argv[2] ?? process.env.VEIL_LOCAL_MODEL ?? findTestModel();
const runs = Number(process.argv[3] ?? 20);
const maxTokens = Number(process.argv[4] ?? 256);
const PROMPT = 'Once upon a time';
const messages: ChatMessage[] = [{ role: 'user', content: PROMPT }];

if (!modelPath || !existsSync(modelPath)) {
  console.error('no model: pass a GGUF path, set VEIL_LOCAL_MODEL, or place stories260K.gguf in ../shared/models');
  process.exit(1);
}

interface Run {
  tokens: number;
  ms: number;
}

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: 1 });

// Direct: the library as a user would call it, one sequence, same wrapper, cleared between runs.
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const context = await model.createContext({ sequences: 1, threads: 1 });
const sequence = context.getSequence();
const directChat = new LlamaChat({ contextSequence: sequence, chatWrapper: new PlainChatWrapper() });

async function direct(): Promise<Run> {
  let tokens = 0;
  const t0 = performance.now();
  await directChat.generateResponse(toChatHistory(messages), {
    maxTokens,
    onTextChunk: () => undefined,
    onToken: (t) => {
      tokens += t.length;
    },
  });
  const ms = performance.now() - t0;
  await sequence.clearHistory();
  return { tokens, ms };
}

// Through Veil: same binding, one sequence, everything the gateway path does inside the provider.
const local = await createLocalModel({ modelPath, llama, chatWrapper: 'plain', sequences: 1, threads: 1 });

async function veil(): Promise<Run> {
  const t0 = performance.now();
  const gen = await local.generate({ messages, maxTokens }, new AbortController().signal);
  for await (const _ of gen.chunks) {
    // drain, as the HTTP layer would
  }
  const { usage } = await gen.done;
  return { tokens: usage.completionTokens, ms: performance.now() - t0 };
}

await direct();
await veil();
const directRuns: Run[] = [];
const veilRuns: Run[] = [];
const loadBefore = loadavg()[0] ?? 0;
for (let i = 0; i < runs; i++) {
  // Alternate which path goes first so neither always runs right after the other's cleanup.
  if (i % 2 === 0) {
    directRuns.push(await direct());
    veilRuns.push(await veil());
  } else {
    veilRuns.push(await veil());
    directRuns.push(await direct());
  }
}
const loadAfter = loadavg()[0] ?? 0;

await local.close();
directChat.dispose();
await context.dispose();
await model.dispose();
await llama.dispose();

const rate = (rs: Run[]) => rs.reduce((a, r) => a + r.tokens, 0) / (rs.reduce((a, r) => a + r.ms, 0) / 1000);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const row = (name: string, rs: Run[]) =>
  `| ${name} | ${runs} | ${Math.round(rs.reduce((a, r) => a + r.tokens, 0) / rs.length)} | ${rate(rs).toFixed(0)} | ${median(rs.map((r) => r.tokens / (r.ms / 1000))).toFixed(0)} | ${median(rs.map((r) => r.ms)).toFixed(1)} |`;
const ratio = rate(veilRuns) / rate(directRuns);
// Each Veil run follows a direct run, so the median of per-pair ratios discounts load spikes
// from other processes better than the totals do.
const tps = (r: Run) => r.tokens / (r.ms / 1000);
const pairedRatio = median(veilRuns.map((v, i) => tps(v) / tps(directRuns[i] as Run)));

const modelName = modelPath.split(/[\\/]/).pop() ?? modelPath;
const section = [
  '## Local model',
  '',
  `Tokens per second generating from \`${modelName}\` (prompt "${PROMPT}", greedy, up to ${maxTokens} tokens, threads 1, one sequence, \`plain\` wrapper), node-llama-cpp ${'3.21.1'} called directly vs through \`createLocalModel().generate\` (queue + streaming + sequence reset). Same process and binding, runs interleaved (alternating which goes first) after one warm-up each. Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} CPU cores, Node ${process.versions.node}, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (other processes on the machine make single runs noisy; the paired ratio is the figure to trust).`,
  '',
  '| path | runs | tokens/run | tokens/s (total) | tokens/s (median run) | ms/run (median) |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  row('node-llama-cpp direct', directRuns),
  row('createLocalModel().generate', veilRuns),
  '',
  `Ratio through the provider / direct: **${pairedRatio.toFixed(3)}** (median of per-pair ratios; ratio of totals ${ratio.toFixed(3)}).`,
  '',
  'Reproduce:',
  '',
  '```sh',
  '# defaults: model from VEIL_LOCAL_MODEL or ../shared/models/stories260K.gguf, 20 runs, 256 tokens',
  'npx tsx bench/local-tokens.ts',
  '# this run: model, runs, maxTokens',
  `npx tsx bench/local-tokens.ts ${process.argv[2] ? modelPath : '../shared/models/stories260K.gguf'} ${runs} ${maxTokens}`,
  '```',
  '',
  'The end-to-end figure through the HTTP gateway is measured separately.',
  '',
].join('\n');

console.log(section);

const docPath = resolve(repoRoot, 'docs', 'benchmarks.md');
const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
const start = doc.indexOf('## Local model');
let updated: string;
if (start < 0) {
  updated = `${doc.replace(/\n*$/, '\n\n')}${section}`;
} else {
  const next = doc.indexOf('\n## ', start + 1);
  // Keep a blank line before the following section.
  updated = doc.slice(0, start) + section + (next < 0 ? '' : `\n${doc.slice(next + 1)}`);
}
writeFileSync(docPath, updated);
console.log(`updated ${docPath}`);
