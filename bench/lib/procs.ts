/**
 * @module bench/lib/procs
 * Starting the processes a benchmark compares (mock upstream, bare proxy, gateway, load
 * generator) as separate OS processes, so no two share an event loop, and stopping them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];

/** Output kept per child after its start line matched: enough for an error report, bounded for long runs. */
const TAIL = 64 * 1024;

/**
 * Spawns `node [args]` and resolves with the first stdout/stderr match of `pattern`. Output keeps
 * being drained afterwards (a full pipe would stall the child) but only its tail is kept, so a
 * gateway logging every request for 100,000 requests costs the benchmark process nothing.
 */
export function startProcess(args: string[], pattern: RegExp, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ match: RegExpExecArray; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let matched = false;
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`timed out waiting for ${pattern} from ${args.join(' ')}:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (matched) {
        if (out.length > 2 * TAIL) out = out.slice(-TAIL);
        return;
      }
      const m = pattern.exec(out);
      if (m) {
        matched = true;
        clearTimeout(t);
        res({ match: m, child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => rej(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
}

/** A TCP port that was free a moment ago, for programs that cannot listen on port 0 and report it. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Resolves once `url` answers any HTTP status (for servers that print no parseable start line). */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs} ms`, { cause: e });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export const tsx = (file: string, ...args: string[]) => ['--import', 'tsx', resolve(ROOT, file), ...args];

/** Lets `stopAll` stop a child that is not a Node process (e.g. nginx). */
export function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

export function stopAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.once('exit', stopAll);

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/**
 * Runs autocannon as its own process (for `seconds`, or until `amount` requests) and returns its
 * JSON summary. `rps` is completed requests over the run's duration. Latencies are autocannon's,
 * in whole milliseconds; use `latencyProbe` for sub-millisecond figures.
 */
export async function autocannon(url: string, opts: { body: string; connections: number; seconds?: number; amount?: number; rate?: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const args = [resolve(ROOT, 'node_modules/autocannon/autocannon.js'), '-j', '-m', 'POST', '-c', String(opts.connections), '-b', opts.body, '-H', 'content-type=application/json'];
  if (opts.amount) args.push('-a', String(opts.amount));
  else args.push('-d', String(opts.seconds ?? 5));
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (opts.rate) args.push('-R', String(opts.rate));
  args.push(url);
  const out = await runNode(args);
  const j = JSON.parse(out) as {
    requests: { average: number; total: number };
    latency: { p50: number; p90: number; p99: number };
    duration: number;
    errors: number;
    non2xx: number;
  };
  return { rps: j.requests.total / j.duration, p50: j.latency.p50, p90: j.latency.p90, p99: j.latency.p99, errors: j.errors, non2xx: j.non2xx, total: j.requests.total };
}

export interface ProbeResult {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  failed: number;
  /** Open loop only: requests per second achieved. */
  rate?: number;
}

/** Latency probe (bench/lib/latency-probe.ts) as its own process, sequential or open loop at `rate`; figures in µs. */
export async function latencyProbe(url: string, opts: { bodyFile: string; n: number; warmup: number; headers?: Record<string, string>; rate?: number; connections?: number }): Promise<ProbeResult> {
  const args = [...tsx('bench/lib/latency-probe.ts'), '--url', url, '--body-file', opts.bodyFile, '-n', String(opts.n), '--warmup', String(opts.warmup)];
  if (opts.rate) args.push('--rate', String(opts.rate), '--connections', String(opts.connections ?? 16));
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('--header', `${k}=${v}`);
  return JSON.parse(await runNode(args)) as ProbeResult;
}

/** Runs `node args` to completion and returns its stdout; rejects with its stderr on failure. */
function runNode(args: string[]): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res, rej) => {
    child.once('exit', (code) => (code === 0 ? res(out) : rej(new Error(`${args.slice(0, 3).join(' ')} … exited with ${code}: ${err.slice(-2000)}`))));
  });
}
