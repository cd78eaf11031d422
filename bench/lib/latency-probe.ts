/**
 * @module bench/lib/latency-probe
 * A sequential latency probe, run as its own process: N requests one after another on one
 * keep-alive connection, each timed with `performance.now()` from the first byte written to the
 * last byte read. autocannon reports whole milliseconds, which cannot show a 0.3 ms overhead;
 * this can. Sequential also means the target never queues, so the figure is pure service time.
 * Prints one JSON line: `{ n, p50, p90, p99, max, mean, failed }` in microseconds.
 *
 * @example
 * node --import tsx bench/lib/latency-probe.ts --url http://127.0.0.1:8787/v1/chat/completions \
 *   --body-file /tmp/body.json --header 'authorization=Bearer sk' -n 2000 --warmup 200
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
  },
});

const url = new URL(values.url!);
const body = readFileSync(values['body-file']!);
const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(body.length) };
for (const h of values.header) {
  const i = h.indexOf('=');
  headers[h.slice(0, i).toLowerCase()] = h.slice(i + 1);
}
// One socket, kept alive, Nagle off: the same conditions autocannon gives each connection.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function once(): Promise<{ us: number; ok: boolean }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
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
for (let i = 0; i < n; i++) {
  const r = await once();
  times.push(r.us);
  if (!r.ok) failed++;
}
agent.destroy();
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))]!;
const round = (x: number) => Math.round(x);
process.stdout.write(
  JSON.stringify({ n, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(times[times.length - 1]!), mean: round(times.reduce((a, b) => a + b, 0) / n), failed }) + '\n',
);
