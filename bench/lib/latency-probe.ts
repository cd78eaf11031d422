/**
 * @module bench/lib/latency-probe
 * A sequential latency probe, run as its own process: N requests one after another on one
 * keep-alive connection, each timed with `performance.now()` from the first byte written to the
 * last byte read. autocannon reports whole milliseconds, which cannot show a 0.3 ms overhead;
 * this can. Sequential also means the target never queues, so the figure is pure service time.
 * Prints one JSON line: `{ n, p50, p90, p99, max, mean, failed }` in microseconds.
 *
 * With `--rate R` it is an open-loop load instead, still µs-resolved: request i is due at
 * start + i/R and goes out on one of `--connections` keep-alive sockets; its latency counts from
 * when it was due, not when a socket was free, so a target that falls behind shows its queueing
 * (no coordinated omission). This is the "added latency at 1,000 req/s" measurement; autocannon's
 * fixed rate reports whole milliseconds. The JSON then also has `rate` (achieved req/s).
 *
 * @example
 * node --import tsx bench/lib/latency-probe.ts --url http://127.0.0.1:8787/v1/chat/completions \
 *   --body-file /tmp/body.json --header 'authorization=Bearer sk' -n 2000 --warmup 200 [--rate 1000 --connections 16]
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'body-file': { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    n: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    rate: { type: 'string', default: '0' },
    connections: { type: 'string', default: '16' },
  },
});
const rate = Number(values.rate);

const url = new URL(values.url!);
const body = readFileSync(values['body-file']!);
const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(body.length) };
for (const h of values.header) {
  const i = h.indexOf('=');
  headers[h.slice(0, i).toLowerCase()] = h.slice(i + 1);
}
// One socket (open loop: `--connections`), kept alive, Nagle off: the same conditions autocannon
// gives each connection. Past the last socket the Agent queues, and that wait is counted.
const agent = new Agent({ keepAlive: true, maxSockets: rate > 0 ? Number(values.connections) : 1 });

function once(t0 = performance.now()): Promise<{ us: number; ok: boolean }> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve({ us: (performance.now() - t0) * 1000, ok: res.statusCode === 200 }));
      res.on('error', () => resolve({ us: (performance.now() - t0) * 1000, ok: false }));
    });
    req.setNoDelay(true);
    req.on('error', () => resolve({ us: (performance.now() - t0) * 1000, ok: false }));
    req.end(body);
  });
}

const n = Number(values.n);
for (let i = 0; i < Number(values.warmup); i++) await once();
const times: number[] = [];
let failed = 0;
let achieved: number | undefined;
if (rate > 0) {
  // Due times on a fixed grid; a timer wakes every millisecond (or sooner) to send what is due.
  const start = performance.now();
  const pending: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < n && start + (sent * 1000) / rate <= now) {
        const due = start + (sent * 1000) / rate;
        sent++;
        pending.push(
          once(due).then((r) => {
            times.push(r.us);
            if (!r.ok) failed++;
          }),
        );
      }
      if (sent < n) setTimeout(tick, Math.max(0, Math.min(1, start + (sent * 1000) / rate - performance.now())));
      else done();
    };
    tick();
  });
  await Promise.all(pending);
  achieved = Math.round((n * 1000) / (performance.now() - start));
} else {
  for (let i = 0; i < n; i++) {
    const r = await once();
    times.push(r.us);
    if (!r.ok) failed++;
  }
}
agent.destroy();
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))]!;
const round = (x: number) => Math.round(x);
process.stdout.write(
  JSON.stringify({ n, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(times[times.length - 1]!), mean: round(times.reduce((a, b) => a + b, 0) / n), failed, ...(achieved === undefined ? {} : { rate: achieved }) }) + '\n',
);
