/**
 * @module entry/node
 * The Node gateway: wires better-sqlite3 (audit, keys), the policy directory, node-llama-cpp (local
 * model) and @hono/node-server around the runtime-agnostic `createApp`. Everything is read and
 * checked once here; a bad policy or config stops the start with a message naming file and field.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type PolicyResolver } from '../app.ts';
import { createSqliteAuditStore } from '../audit/sqlite.node.ts';
import type { GatewayConfig } from '../config/config-schema.ts';
import { loadPolicyDir } from '../config/policy-dir.node.ts';
import type { LoadedPolicy } from '../config/policy-load.ts';
import { openDatabase } from '../db/open.node.ts';
import { createSqliteKeyStore } from '../keys/sqlite.node.ts';
import { createLocalModel } from '../providers/local-llama.node.ts';
import { createRemoteProvider, type RemoteProvider } from '../providers/remote.ts';
import type { LocalModel } from '../providers/types.ts';
import { createPseudonymizer } from '../transform/pseudonymizer.ts';
import { gatewaySecret } from '../config/secret.node.ts';
import { jsonLogger, type Logger } from '../util/log.ts';

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Human progress lines (model load); stderr in the CLI. */
  progress?: (line: string) => void;
  /** Create and print a first key when none exist (default true). */
  bootstrapKey?: boolean;
}

export async function startGateway(cfg: GatewayConfig, opts: StartOptions = {}): Promise<RunningGateway> {
  const log = opts.log ?? jsonLogger((l) => process.stdout.write(l + '\n'));
  const progress = opts.progress ?? (() => {});

  const policies = await loadPolicyDir(cfg.policies);
  if (!policies.has(cfg.default_policy)) {
    throw new Error(`Default policy '${cfg.default_policy}' not found in ${cfg.policies} (loaded: ${[...policies.keys()].join(', ')})`);
  }
  const db = openDatabase(cfg.db);
  const secret = gatewaySecret(cfg);
  const audit = createSqliteAuditStore(db, { secret });
  const keys = createSqliteKeyStore(db);
  if (opts.bootstrapKey !== false && (await keys.list()).length === 0) {
    // A fresh install must be usable with one command: create the first key and show it once.
    const first = await keys.create({ team: 'default', policyId: null });
    progress(`no gateway keys yet — created one for team 'default' (shown once, store it now):\n\n  ${first.secret}\n`);
  }

  let local: LocalModel | null = null;
  if (cfg.local.model_path) {
    progress(`loading local model ${cfg.local.model_path} …`);
    let last = -1;
    local = await createLocalModel({
      modelPath: cfg.local.model_path,
      id: cfg.local.id,
      threads: cfg.local.threads,
      contextSize: cfg.local.context_size,
      sequences: cfg.local.sequences,
      maxQueue: cfg.local.max_queue,
      defaultMaxTokens: cfg.local.max_tokens,
      chatWrapper: cfg.local.chat_wrapper,
      onProgress: (pct) => {
        const step = Math.floor(pct / 10);
        if (step > last) progress(`  model load ${Math.round(pct)}%`);
        last = step;
      },
    });
    progress(`local model ready: ${local.id}`);
  }

  const providers = new Map<string, RemoteProvider>(
    cfg.providers.map((p) => [p.id, createRemoteProvider({ id: p.id, kind: p.kind, baseUrl: p.base_url, apiKey: p.api_key, timeoutMs: cfg.upstream_timeout_ms })]),
  );
  const resolver: PolicyResolver = {
    forKey: (key) => policies.get(key.policyId ?? cfg.default_policy) as LoadedPolicy | undefined,
    ids: () => [...policies.keys()],
  };
  const app = createApp({
    keys,
    audit,
    policies: resolver,
    routes: { models: cfg.models, providers, local, localId: local?.id ?? null },
    pseudonymizer: (scope) => createPseudonymizer({ secret, scope }),
    limits: { maxBodyBytes: cfg.max_body_bytes, upstreamTimeoutMs: cfg.upstream_timeout_ms },
    log,
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: cfg.port, hostname: cfg.host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  log.log('info', 'veil gateway listening', { url: `http://${cfg.host}:${port}`, policies: [...policies.keys()].join(','), local: local?.id ?? null });
  return {
    url: `http://${cfg.host}:${port}`,
    port,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      await local?.close();
      // Flush grouped appends, then sign the chain head: deleting the newest records while the
      // gateway is down is then detectable by `veil audit verify`.
      await audit.flush();
      await audit.checkpoint();
      db.close();
    },
  };
}
