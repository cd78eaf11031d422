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
import { limitsOf, type GatewayConfig } from '../config/config-schema.ts';
import { readPolicyFiles } from '../config/policy-dir.node.ts';
import { createSqliteAdminKeyStore, createSqliteSettingsStore } from '../admin/admin-store.sqlite.node.ts';
import { applyRetention, retentionDays } from '../admin/audit.ts';
import { createSqliteAuditReader } from '../admin/audit-reader.sqlite.node.ts';
import type { AdminDeps } from '../admin/index.ts';
import { createPolicyRegistry, importPolicySources, type PolicyRegistry } from '../policy-store/registry.ts';
import { createSqlitePolicyStore } from '../policy-store/sqlite.node.ts';
import { openDatabase } from '../db/open.node.ts';
import { startWalCheckpointer } from '../db/wal-checkpointer.node.ts';
import { nodeRequestIo } from '../http/request-io.node.ts';
import { createSqliteRateLimiter } from '../http/rate-limit.sqlite.node.ts';
import { createSqliteKeyStore } from '../keys/sqlite.node.ts';
import { createLocalModel } from '../providers/local-llama.node.ts';
import { createNodeHttpFetch } from '../providers/node-http-fetch.node.ts';
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
  /** Admin API bootstrap token; default `VEIL_ADMIN_TOKEN`. Null/empty: only personal admin keys. */
  adminToken?: string | null;
}

export async function startGateway(cfg: GatewayConfig, opts: StartOptions = {}): Promise<RunningGateway> {
  const log = opts.log ?? jsonLogger((l) => process.stdout.write(l + '\n'));
  const progress = opts.progress ?? (() => {});

  // Policy files are read before the database is touched.
  const policyFiles = readPolicyFiles(cfg.policies);
  const db = openDatabase(cfg.db);
  // The store holds every version; a file changed since it was last imported becomes a new version
  // (all or nothing), so a change made in git wins at start; a file unchanged since then leaves a
  // later console edit in force (a restart must not silently undo it). The running set is the store's.
  const policyStore = createSqlitePolicyStore(db);
  let registry: PolicyRegistry;
  try {
    const imported = await importPolicySources(policyStore, policyFiles, 'import', {
      keepLaterEdits: true,
      onKept: (id, file) => progress(`kept policy '${id}' as edited after ${file} was imported; \`veil policy export\` writes it back to the file`),
    });
    if (imported.length) progress(`imported policies from ${cfg.policies}: ${imported.join(', ')}`);
    registry = await createPolicyRegistry(policyStore, { defaultPolicy: cfg.default_policy });
  } catch (e) {
    db.close();
    throw e;
  }
  const policies = { keys: () => registry.ids() };
  if (!registry.get(registry.defaultPolicyId())) {
    db.close();
    throw new Error(`Default policy '${registry.defaultPolicyId()}' not found in ${cfg.policies} (loaded: ${registry.ids().join(', ')})`);
  }
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
      streamMinGapMs: cfg.local.stream_min_gap_ms,
      onProgress: (pct) => {
        const step = Math.floor(pct / 10);
        if (step > last) progress(`  model load ${Math.round(pct)}%`);
        last = step;
      },
    });
    progress(`local model ready: ${local.id}`);
  }

  // node:http with keep-alive instead of the global fetch (undici): a fraction of its CPU per request.
  const upstreamHttp = createNodeHttpFetch();
  const providers = new Map<string, RemoteProvider>(
    cfg.providers.map((p) => [
      p.id,
      createRemoteProvider({ id: p.id, kind: p.kind, baseUrl: p.base_url, apiKey: p.api_key, timeoutMs: cfg.upstream_timeout_ms, fetch: upstreamHttp.fetch }),
    ]),
  );
  const resolver: PolicyResolver = registry;
  const pseudonymizer = (scope: string) => createPseudonymizer({ secret, scope });
  const settings = createSqliteSettingsStore(db);
  const adminToken = opts.adminToken === undefined ? process.env.VEIL_ADMIN_TOKEN ?? null : opts.adminToken;
  const admin: AdminDeps = {
    registry,
    keys,
    adminKeys: createSqliteAdminKeyStore(db),
    settings,
    audit,
    reader: createSqliteAuditReader(db, { flush: () => audit.flush() }),
    pseudonymizer,
    bootstrapToken: adminToken || null,
    log,
  };
  // Retention set in the admin API is re-applied hourly (and once now).
  const applyRetentionNow = async () => {
    const days = await retentionDays(settings);
    if (days) await applyRetention(audit, days);
  };
  await applyRetentionNow();
  const retentionTimer = setInterval(() => {
    applyRetentionNow().catch((e) => log.log('error', 'audit retention failed', { error: (e as Error)?.name }));
  }, 3_600_000);
  retentionTimer.unref();
  const app = createApp({
    keys,
    audit,
    policies: resolver,
    routes: { models: cfg.models, providers, local, localId: local?.id ?? null },
    pseudonymizer,
    limits: limitsOf(cfg),
    log,
    admin,
    requestIo: nodeRequestIo,
    // Counted in the database file by default, so several processes on it share each key's limit.
    rateLimiter: cfg.limits.rate_limit_store === 'database' ? createSqliteRateLimiter(db, { log }) : undefined,
  });

  // WAL checkpoints (and their fsyncs) in a worker thread, off the requests; started last so a
  // failed start above leaves no thread behind.
  const walCheckpointer = startWalCheckpointer(db, { log });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: cfg.port, hostname: cfg.host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  log.log('info', 'veil gateway listening', { url: `http://${cfg.host}:${port}`, policies: [...policies.keys()].join(','), local: local?.id ?? null });
  return {
    url: `http://${cfg.host}:${port}`,
    port,
    async close() {
      clearInterval(retentionTimer);
      await new Promise<void>((r) => server.close(() => r()));
      upstreamHttp.close();
      await local?.close();
      // Flush grouped appends, then sign the chain head: deleting the newest records while the
      // gateway is down is then detectable by `veil audit verify`.
      await audit.flush();
      await audit.checkpoint();
      await walCheckpointer.close();
      db.close();
    },
  };
}
