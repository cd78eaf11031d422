/**
 * @module bench/lib/raw-proxy
 * The floor of one proxy hop on this machine: a `node:http` server that forwards each request's
 * bytes to the upstream over a keep-alive `node:http` agent and pipes the answer back — no
 * framework, no web `Request`/`Response`, no parsing, no work. What it adds over calling the
 * upstream directly is the cost of a second hop through a Node process (two more socket writes,
 * process wake-ups, node:http's parser and client) that any Node proxy pays before doing
 * anything; a latency target below it cannot be met here by a gateway on Node. (`nginx-hop.ts`
 * measures the hop itself, without Node.) Prints `RAW_PROXY_URL=<url>`.
 *
 * @example
 * node --import tsx bench/lib/raw-proxy.ts --upstream http://127.0.0.1:9999
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { upstream: { type: 'string' } } });
const upstream = new URL(values.upstream!);
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (d: Buffer) => parts.push(d));
  req.on('end', () => {
    const body = Buffer.concat(parts);
    const up = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        agent,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'content-length': body.length, authorization: 'Bearer sk-bench' },
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, { 'content-type': ur.headers['content-type'] ?? 'application/json' });
        ur.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    up.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`RAW_PROXY_URL=http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
