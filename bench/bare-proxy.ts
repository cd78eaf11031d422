/**
 * @module bench/bare-proxy
 * The baseline for gateway overhead: the thinnest possible pass-through proxy on the same stack
 * (@hono/node-server + the same node:http upstream client the gateway uses, so the ratio
 * measures Veil's own work, not a difference in HTTP clients), with no auth, inspection or audit.
 * Prints `BARE_PROXY_URL=<url>`.
 *
 * @example
 * npx tsx bench/bare-proxy.ts --upstream http://127.0.0.1:9999/v1
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createNodeHttpFetch } from '../src/providers/node-http-fetch.node.ts';
import { bareProxyApp } from './lib/bare-app.ts';

const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } } });
const upstream = values.upstream!;
const upstreamHttp = createNodeHttpFetch();
const app = bareProxyApp((url, init) => upstreamHttp.fetch(url, init), upstream);
const server = serve({ fetch: app.fetch, port: Number(values.port), hostname: '127.0.0.1' }, () => {
  process.stdout.write(`BARE_PROXY_URL=http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
