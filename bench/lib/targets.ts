/**
 * @module bench/lib/targets
 * Starts what the gateway benchmarks compare, each as its own process on 127.0.0.1: the mock
 * upstream, a bare @hono/node-server pass-through proxy, a raw node:http hop (the floor of a Node
 * proxy's added latency), nginx as a reverse proxy when installed (the floor of the loopback hop
 * itself, `nginx-hop.ts`), the Veil gateway (default policy, audit log on) and Portkey's
 * open-source gateway as plain pass-through. A target that cannot start is reported with its
 * error instead of failing the whole run.
 */
import { join } from 'node:path';
import { startNginxHop } from './nginx-hop.ts';
import { freePort, startProcess, tsx } from './procs.ts';

export interface Target {
  name: string;
  /** Chat Completions URL. */
  url: string;
  headers: Record<string, string>;
  pid: number;
}

export interface Targets {
  mock: Target;
  bare: Target;
  /** `bench/lib/raw-proxy.ts`: the floor of one Node proxy hop (no framework, no work). */
  raw: Target;
  /** nginx as a plain reverse proxy (`nginx-hop.ts`); null when not installed, `nginxError` says why. */
  nginx: (Target & { version: string }) | null;
  nginxError: string | null;
  veil: Target;
  /** Null when Portkey could not be started; `portkeyError` says why. */
  portkey: Target | null;
  portkeyError: string | null;
}

export interface TargetOptions {
  /** Directory for the gateway's SQLite database. */
  dir: string;
  replyBytes: number;
  chunkSize: number;
  portkey: boolean;
}

/** Portkey's Node entry, as its package.json `start:node` script runs it. */
export const PORTKEY_ENTRY = 'node_modules/@portkey-ai/gateway/build/start-server.js';

export async function startTargets(o: TargetOptions): Promise<Targets> {
  const mockP = await startProcess(tsx('bench/lib/mock-server.ts', '--reply-bytes', String(o.replyBytes), '--chunk-size', String(o.chunkSize)), /MOCK_UPSTREAM_URL=(\S+)/);
  const mockUrl = mockP.match[1]!;
  const bareP = await startProcess(tsx('bench/bare-proxy.ts', '--upstream', `${mockUrl}/v1`), /BARE_PROXY_URL=(\S+)/);
  const rawP = await startProcess(tsx('bench/lib/raw-proxy.ts', '--upstream', mockUrl), /RAW_PROXY_URL=(\S+)/);
  // VEIL_BIN runs another checkout's gateway (e.g. a copy from before a change) against the same peers.
  const veilP = await startProcess([process.env.VEIL_BIN ?? 'bin/veil.mjs', 'start'], /listening on (http:\/\/\S+)/, {
    PORT: '0',
    VEIL_HOST: '127.0.0.1',
    VEIL_DB: join(o.dir, 'veil.db'),
    OPENAI_BASE_URL: `${mockUrl}/v1`,
    OPENAI_API_KEY: 'sk-bench',
  }, 60_000);
  const key = /(veil_\S+)/.exec(veilP.output())![1]!;
  const ng = await startNginxHop(mockUrl, o.dir);

  let portkey: Target | null = null;
  let portkeyError: string | null = null;
  if (o.portkey) {
    try {
      const port = await freePort();
      // --headless: no web console; the Portkey server itself has no host option and listens on all interfaces.
      const p = await startProcess(['--import', './bench/lib/portkey-mutable-headers.mjs', PORTKEY_ENTRY, `--port=${port}`, '--headless'], /Ready for connections/, {}, 60_000);
      portkey = {
        name: 'portkey',
        url: `http://127.0.0.1:${port}/v1/chat/completions`,
        headers: { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mockUrl}/v1` },
        pid: p.child.pid!,
      };
    } catch (e) {
      portkeyError = (e as Error).message.split('\n').slice(0, 3).join(' ');
    }
  }
  return {
    mock: { name: 'mock direct', url: `${mockUrl}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench' }, pid: mockP.child.pid! },
    bare: { name: 'bare proxy', url: `${bareP.match[1]}/v1/chat/completions`, headers: {}, pid: bareP.child.pid! },
    raw: { name: 'raw hop', url: `${rawP.match[1]}/v1/chat/completions`, headers: {}, pid: rawP.child.pid! },
    nginx: 'error' in ng ? null : { name: 'nginx hop', url: ng.url, headers: { authorization: 'Bearer sk-bench' }, pid: ng.pid, version: ng.version },
    nginxError: 'error' in ng ? ng.error : null,
    veil: { name: 'veil', url: `${veilP.match[1]}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` }, pid: veilP.child.pid! },
    portkey,
    portkeyError,
  };
}
