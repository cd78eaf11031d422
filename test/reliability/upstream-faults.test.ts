/**
 * Upstream faults, 1,000 of them, through a real gateway process: refused connections, 429 with
 * Retry-After, 500, stalls before the headers and mid-body (streamed and not), resets, malformed
 * SSE, in-stream errors and oversized answers. Every one gets a clear error in OpenAI's shape (or
 * an in-band error event) within the configured timeout, and afterwards no socket to the upstream
 * is left open, the gateway holds no more file descriptors than before and its memory is bounded.
 */
import { readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Behaviour } from '../support/mock-upstream/behaviours.ts';
import { closedPortUrl, startMockUpstream, type MockUpstream } from '../support/mock-upstream/index.ts';
import { pool, send, type HttpResult } from './support/load.ts';
import { PROC_UPSTREAM_KEY, prepareGatewayDir, spawnGateway, type GatewayDir, type GatewayProcess } from './support/process-gateway.ts';

/** Short enough to keep the run quick, long enough that a busy CI box answers healthy requests in time. */
const TIMEOUT_MS = 1500;
/** Longer than the whole test: a stall the gateway does not cut shows up as a socket left open. */
const FOREVER = 120_000;
const PER_FAULT = 91;
const CONCURRENCY = 48;

let mock: MockUpstream;
let dir: GatewayDir;
let gw: GatewayProcess;

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  dir = await prepareGatewayDir();
  const dead = await closedPortUrl();
  gw = await spawnGateway({
    dbPath: dir.dbPath,
    upstreamUrl: mock.url,
    env: { VEIL_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) },
    // `dead-model` goes to a provider where nothing listens: the refused-connection case.
    configYaml: [
      'providers:',
      '  - { id: openai, kind: openai, base_url: "http://127.0.0.1:1/v1" }',
      `  - { id: dead, kind: openai, base_url: "${dead}/v1" }`,
      'models:',
      '  - { id: gpt-4o-mini, provider: openai }',
      '  - { id: dead-model, provider: dead }',
      '',
    ].join('\n'),
  });
});
afterAll(async () => {
  await gw?.stop();
  await mock?.close();
  dir?.remove();
});

interface Fault {
  name: string;
  behaviour: Behaviour;
  stream: boolean;
  model?: string;
  /** Checks one response; returns a reason when it is wrong. */
  expect(r: HttpResult, ms: number): string | null;
}

const errorShape = (r: HttpResult, status: number, code: string): string | null => {
  if (r.status !== status) return `status ${r.status}, wanted ${status}: ${r.body.slice(0, 200)}`;
  try {
    const e = (JSON.parse(r.body) as { error: { message: unknown; type: unknown; code: unknown } }).error;
    if (typeof e.message !== 'string' || typeof e.type !== 'string' || e.code !== code) return `error body ${r.body.slice(0, 200)}`;
  } catch {
    return `not JSON: ${r.body.slice(0, 200)}`;
  }
  return null;
};
/** A streamed answer that ends with an in-band error event naming `code` (or any error). */
const streamError = (r: HttpResult, code?: string): string | null => {
  if (r.status !== 200) return `status ${r.status}`;
  if (!r.body.includes('"error"')) return `no error event: ${r.body.slice(-200)}`;
  if (code && !r.body.includes(code)) return `error event without ${code}: ${r.body.slice(-200)}`;
  return null;
};
const bounded = (ms: number) => (ms < TIMEOUT_MS + 3000 ? null : `took ${Math.round(ms)} ms`);

const FAULTS: Fault[] = [
  { name: 'refused connection', behaviour: { kind: 'echo' }, stream: false, model: 'dead-model', expect: (r) => errorShape(r, 502, 'upstream_error') ?? (r.body.includes('Could not reach') ? null : 'unclear message') },
  {
    name: '429 with Retry-After',
    behaviour: { kind: 'error', status: 429, headers: { 'retry-after': '3' } },
    stream: false,
    expect: (r) => errorShape(r, 429, 'rate_limited') ?? (r.headers['retry-after'] === '3' ? null : `retry-after ${String(r.headers['retry-after'])}`),
  },
  { name: '500', behaviour: { kind: 'error', status: 500, body: { error: { message: `down, key ${PROC_UPSTREAM_KEY}` } } }, stream: false, expect: (r) => errorShape(r, 502, 'upstream_error') },
  { name: 'stall before headers', behaviour: { kind: 'stallBeforeHeaders', ms: FOREVER }, stream: false, expect: (r, ms) => errorShape(r, 504, 'upstream_timeout') ?? bounded(ms) },
  { name: 'stall before headers (stream)', behaviour: { kind: 'stallBeforeHeaders', ms: FOREVER }, stream: true, expect: (r, ms) => errorShape(r, 504, 'upstream_timeout') ?? bounded(ms) },
  { name: 'stall mid-stream', behaviour: { kind: 'stallMidStream', afterChunks: 2, ms: FOREVER }, stream: true, expect: (r, ms) => streamError(r, 'upstream_timeout') ?? bounded(ms) },
  { name: 'stall mid-body (JSON)', behaviour: { kind: 'stallMidStream', afterChunks: 1, ms: FOREVER }, stream: false, expect: (r, ms) => errorShape(r, 504, 'upstream_timeout') ?? bounded(ms) },
  { name: 'reset mid-stream', behaviour: { kind: 'resetMidStream', afterChunks: 2 }, stream: true, expect: (r) => streamError(r) },
  { name: 'reset mid-body (JSON)', behaviour: { kind: 'resetMidStream', afterChunks: 1 }, stream: false, expect: (r) => errorShape(r, 502, 'upstream_error') },
  { name: 'malformed SSE', behaviour: { kind: 'malformedSse' }, stream: true, expect: (r) => streamError(r, 'upstream_error') },
  { name: 'truncated JSON', behaviour: { kind: 'malformedSse' }, stream: false, expect: (r) => errorShape(r, 502, 'upstream_error') },
  { name: 'error event mid-stream', behaviour: { kind: 'errorMidStream', afterChunks: 2 }, stream: true, expect: (r) => streamError(r) },
];

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

async function runFault(agent: Agent, f: Fault, n: number): Promise<string[]> {
  mock.behave(f.behaviour);
  const problems: string[] = [];
  await pool(n, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const r = await send(agent, `${gw.url}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${dir.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: f.model ?? 'gpt-4o-mini', stream: f.stream, messages: [{ role: 'user', content: `a fault test message number ${i}` }] }),
      timeoutMs: 20_000,
    });
    const ms = performance.now() - t0;
    const bad = !r.complete ? `incomplete: ${r.error}` : f.expect(r, ms);
    if (bad) problems.push(`${f.name} #${i}: ${bad}`);
    if (/\n\s+at |\.ts:\d+|node:internal/.test(r.body)) problems.push(`${f.name} #${i}: stack trace in body`);
    if (r.body.includes(PROC_UPSTREAM_KEY)) problems.push(`${f.name} #${i}: upstream key in body`);
  });
  return problems;
}

describe('upstream faults', () => {
  it(`${FAULTS.length * PER_FAULT} faulty requests: clear bounded errors, no leaked sockets, bounded memory`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const fdsBefore = openFds(gw.pid);
    // Warm-up: one pass of every fault, so the baseline includes JIT and pools.
    const problems: string[] = [];
    for (const f of FAULTS) problems.push(...(await runFault(agent, f, 8)));
    const rssWarm = gw.rssBytes();
    for (const f of FAULTS) problems.push(...(await runFault(agent, f, PER_FAULT)));
    const rssAfter = gw.rssBytes();
    agent.destroy();
    mock.behave({ kind: 'echo' });
    expect(problems.slice(0, 20)).toEqual([]);

    // Every stalled upstream request was cancelled: the mock's sockets drain (idle keep-alive
    // connections close within the keep-alive timeout; a leaked stall would stay for FOREVER).
    const until = Date.now() + 12_000;
    while (mock.openConnections() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(mock.openConnections()).toBe(0);
    expect(openFds(gw.pid)).toBeLessThanOrEqual(fdsBefore + 4);

    const growthMb = (rssAfter - rssWarm) / 2 ** 20;
    console.log(`upstream faults: RSS ${Math.round(rssWarm / 2 ** 20)} MB after warm-up, ${Math.round(rssAfter / 2 ** 20)} MB after ${FAULTS.length * PER_FAULT} faults (growth ${growthMb.toFixed(1)} MB), fds ${fdsBefore} → ${openFds(gw.pid)}`);
    expect(growthMb).toBeLessThan(120);

    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('an oversized JSON answer is refused with a clear 502; a large stream passes in bounded memory', async () => {
    // Its own gateway with a roomy timeout: building a 33 MB answer takes the mock longer than 300 ms.
    const dir2 = await prepareGatewayDir();
    const gw2 = await spawnGateway({ dbPath: dir2.dbPath, upstreamUrl: mock.url, env: { VEIL_UPSTREAM_TIMEOUT_MS: '20000' } });
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const post = (stream: boolean) =>
      send(agent, `${gw2.url}/v1/chat/completions`, {
        headers: { authorization: `Bearer ${dir2.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'big please' }] }),
        timeoutMs: 60_000,
      });
    try {
      // The default cap on a non-streamed answer (upstream_max_bytes) is 32 MiB; streams get 64 MiB.
      mock.behave({ kind: 'oversized', bytes: 33 * 2 ** 20 });
      const big = await post(false);
      expect(errorShape(big, 502, 'upstream_error')).toBeNull();
      expect(big.body).toContain('exceeded');
      const rssBefore = gw2.rssBytes();
      mock.behave({ kind: 'oversized', bytes: 8 * 2 ** 20 });
      const streamed = await post(true);
      expect(streamed.status).toBe(200);
      expect(streamed.body.length).toBeGreaterThan(8 * 2 ** 20);
      expect(streamed.body).toContain('[DONE]');
      expect((gw2.rssBytes() - rssBefore) / 2 ** 20).toBeLessThan(200);
    } finally {
      mock.behave({ kind: 'echo' });
      agent.destroy();
      await gw2.stop();
      dir2.remove();
    }
  }, 120_000);
});
