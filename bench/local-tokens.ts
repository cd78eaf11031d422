/**
 * @module bench/local-tokens
 * Tokens per second of node-llama-cpp called directly against the same generation through
 * `createLocalModel().generate` (queue, streaming channel, sequence reset), in one process, with
 * the same binding, model, settings and prompt, runs interleaved so machine drift hits both alike.
 * A third path reads the same stream while spending `busyUs` of CPU per read, as the gateway does
 * per event (serialize, write to the socket): the channel wakes its reader off the generation's
 * critical path, so with a core to spare that work overlaps the next decode instead of adding to
 * it; on a loaded machine it still costs its share of the CPU.
 * With `--gap=MS`, a fourth path reads with the same busy reader from a provider whose stream is
 * paced by `streamMinGapMs` (the gateway's `local.stream_min_gap_ms`): fewer, larger reads.
 * With `--write`, puts the table into `docs/benchmarks.md` under "## Local model" (only that section).
 *
 * Run: npx tsx bench/local-tokens.ts [model.gguf] [runs] [maxTokens] [busyUs] [--gap=MS] [--write]
 */

import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { getLlama, LlamaChat, LlamaLogLevel } from 'node-llama-cpp';
import { createLocalModel, PlainChatWrapper, toChatHistory } from '../src/providers/local-llama.node.ts';
import type { ChatMessage } from '../src/providers/types.ts';
import { findTestModel } from '../test/support/model.ts';
import { replaceSection } from './lib/doc.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const modelPath = args[0] ?? process.env.VEIL_LOCAL_MODEL ?? findTestModel();
const runs = Number(args[1] ?? 20);
const maxTokens = Number(args[2] ?? 256);
const busyUs = Number(args[3] ?? 150);
const gapArg = process.argv.find((a) => a.startsWith('--gap='))?.slice('--gap='.length);
const gapMs = gapArg === undefined ? undefined : Number(gapArg);
if (gapMs !== undefined && !(gapMs >= 0)) throw new Error('--gap takes milliseconds, e.g. --gap=4');
const PROMPT = 'Once upon a time';
const messages: ChatMessage[] = [{ role: 'user', content: PROMPT }];

if (!modelPath || !existsSync(modelPath)) {
  console.error('no model: pass a GGUF path, set VEIL_LOCAL_MODEL, or place stories260K.gguf in ../shared/models');
  process.exit(1);
}

interface Run {
  tokens: number;
  ms: number;
  reads: number;
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
  return { tokens, ms, reads: 0 };
}

// Through Veil: same binding, one sequence, everything the gateway path does inside the provider.
const local = await createLocalModel({ modelPath, llama, chatWrapper: 'plain', sequences: 1, threads: 1 });
const paced = gapMs === undefined ? undefined : await createLocalModel({ modelPath, llama, chatWrapper: 'plain', sequences: 1, threads: 1, streamMinGapMs: gapMs });

async function veil(workUs = 0, provider = local): Promise<Run> {
  const t0 = performance.now();
  const gen = await provider.generate({ messages, maxTokens }, new AbortController().signal);
  let reads = 0;
  for await (const _ of gen.chunks) {
    reads++;
    // What the gateway spends per event, as busy CPU time on the event loop.
    const until = performance.now() + workUs / 1000;
    while (performance.now() < until);
  }
  const { usage } = await gen.done;
  return { tokens: usage.completionTokens, ms: performance.now() - t0, reads };
}

await direct();
await veil();
const directRuns: Run[] = [];
const veilRuns: Run[] = [];
const busyRuns: Run[] = [];
const pacedRuns: Run[] = [];
const loadBefore = loadavg()[0] ?? 0;
for (let i = 0; i < runs; i++) {
  // Rotate which path goes first so none always runs right after another's cleanup.
  const paths = [async () => directRuns.push(await direct()), async () => veilRuns.push(await veil()), async () => busyRuns.push(await veil(busyUs))];
  if (paced) paths.push(async () => pacedRuns.push(await veil(busyUs, paced)));
  for (let k = 0; k < paths.length; k++) await paths[(i + k) % paths.length]!();
}
const loadAfter = loadavg()[0] ?? 0;

await local.close();
await paced?.close();
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
const busyRatio = median(busyRuns.map((v, i) => tps(v) / tps(directRuns[i] as Run)));
const pacedRatio = median(pacedRuns.map((v, i) => tps(v) / tps(directRuns[i] as Run)));
const readsPerRun = (rs: Run[]) => (rs.reduce((a, r) => a + r.reads, 0) / Math.max(1, rs.length)).toFixed(0);

const modelName = modelPath.split(/[\\/]/).pop() ?? modelPath;
const section = [
  `Tokens per second generating from \`${modelName}\` (prompt "${PROMPT}", greedy, up to ${maxTokens} tokens, threads 1, one sequence, \`plain\` wrapper), node-llama-cpp ${'3.21.1'} called directly vs through \`createLocalModel().generate\` (queue + streaming + sequence reset), and through it again with a reader that spends ${busyUs} µs of CPU per read (what the gateway spends per streamed event). Same process and binding, runs interleaved (rotating which goes first) after one warm-up each. ${cpus().length} CPU cores, Node ${process.versions.node}, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (other processes on the machine make single runs noisy; the paired ratio is the figure to trust).`,
  '',
  '| path | runs | tokens/run | tokens/s (total) | tokens/s (median run) | ms/run (median) |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  row('node-llama-cpp direct', directRuns),
  row('createLocalModel().generate', veilRuns),
  row(`generate, reader busy ${busyUs} µs per read`, busyRuns),
  ...(paced ? [row(`generate, stream gap ${gapMs} ms, reader busy ${busyUs} µs per read`, pacedRuns)] : []),
  '',
  `Ratio through the provider / direct: **${pairedRatio.toFixed(3)}** (median of per-pair ratios; ratio of totals ${ratio.toFixed(3)}). With a busy reader: **${busyRatio.toFixed(3)}** (${readsPerRun(busyRuns)} reads per run; the provider wakes its reader after the next decode was dispatched, so the reader's work runs beside the decode rather than before it; on a machine without a spare core it still takes CPU from the model).${paced ? ` Paced by a ${gapMs} ms stream gap, same busy reader: **${pacedRatio.toFixed(3)}** (${readsPerRun(pacedRuns)} reads per run).` : ''}`,
  '',
  'Reproduce:',
  '',
  '```sh',
  '# defaults: model from VEIL_LOCAL_MODEL or ../shared/models/stories260K.gguf, 20 runs, 256 tokens, 150 µs busy reader',
  'npx tsx bench/local-tokens.ts',
  '# this run: model, runs, maxTokens, busy µs per read',
  `npx tsx bench/local-tokens.ts ${args[0] ? modelPath : '../shared/models/stories260K.gguf'} ${runs} ${maxTokens} ${busyUs}${paced ? ` --gap=${gapMs}` : ''} --write`,
  '```',
  '',
  'The end-to-end figure through the HTTP gateway is in "Local model through the gateway".',
].join('\n');

console.log(section);
if (process.argv.includes('--write')) replaceSection('Local model', section);
