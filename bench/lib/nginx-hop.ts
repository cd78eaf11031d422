/**
 * @module bench/lib/nginx-hop
 * A second floor for the added-latency figures: Debian's nginx as a plain reverse proxy to the
 * same mock (keep-alive upstream connections, no buffering, no logging). `raw-proxy.ts` is the
 * floor of a Node proxy; nginx, an event loop in C, shows what the loopback hop itself costs on
 * this machine, so a reader can tell the machine's share of a gateway's added latency from
 * Node's and from the gateway's own work. Optional: without `nginx` on PATH the benchmark says
 * so and measures the rest (`apt-get install nginx-light` adds it; nothing is downloaded).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, track, waitForHttp } from './procs.ts';

export type NginxHop = { url: string; pid: number; version: string } | { error: string };

export async function startNginxHop(upstreamUrl: string, dir: string): Promise<NginxHop> {
  const v = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (v.error) return { error: 'nginx not installed (apt-get install nginx-light)' };
  const version = /nginx\/(\S+)/.exec(v.stderr)?.[1] ?? 'unknown';
  const port = await freePort();
  const up = new URL(upstreamUrl);
  const conf = join(dir, 'nginx.conf');
  // One worker like the Node targets' one event loop; temp paths and the pid file in the
  // benchmark's own folder, so nothing outside it is touched and no root-owned path is needed.
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir};
  scgi_temp_path ${dir};
  upstream mock { server ${up.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`,
  );
  const child = track(spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' }));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, 10_000);
  } catch (e) {
    child.kill('SIGTERM');
    return { error: `nginx did not start: ${(e as Error).message.split('\n')[0]}` };
  }
  return { url: `${url}/v1/chat/completions`, pid: child.pid!, version };
}
