/**
 * @module entry/worker
 * The Cloudflare Workers gateway: the same `createApp` as on Node, wired to D1 (audit log,
 * gateway keys, versioned policies, admin keys and settings — same `migrations/`), remote
 * providers over `fetch`, and — for the local route — a private OpenAI-compatible endpoint (no
 * GGUF can load here). `env` is parsed once per isolate into typed deps; a misconfigured
 * deployment answers every request with a clear 500 naming the bad setting (never its value).
 *
 * Policies: the files bundled at build time are imported into D1 at an isolate's first start
 * when their text differs from the version in force (the Node rule), then the admin API edits
 * them in D1. Each isolate compiles its own copy; a save in one isolate reaches the others
 * within `VEIL_POLICY_REFRESH_SECONDS` (a cheap fingerprint query before a request, at most that
 * often; `policy-store/refresh.ts`).
 *
 * Per-key rate limits are counted in D1 (`http/rate-limit.d1.ts`) so they hold across isolates.
 *
 * Each isolate gets its own D1 audit chain (see `audit/d1.ts`). A stream's audit record is
 * written when the stream really ends, after `fetch` has returned, so the response body is
 * watched and `ctx.waitUntil` keeps the isolate alive until that write has settled.
 */
import type { Hono } from 'hono';
import * as z from 'zod';
import defaultPolicy from '../../policies/default.yaml';
import { createD1AdminKeyStore, createD1SettingsStore } from '../admin/admin-store.d1.ts';
import { applyRetention, retentionDays } from '../admin/audit.ts';
import { createD1AuditReader } from '../admin/audit-reader.d1.ts';
import type { AdminDeps } from '../admin/index.ts';
import { createApp } from '../app.ts';
import { createD1AuditStore, type D1AuditStore, type D1Database } from '../audit/d1.ts';
import { DEFAULT_PROVIDERS, GatewayConfig, limitsOf } from '../config/config-schema.ts';
import { PolicyLoadError } from '../config/policy-load.ts';
import type { VeilEnv } from '../http/env.ts';
import { createD1RateLimiter } from '../http/rate-limit.d1.ts';
import { createD1KeyStore } from '../keys/d1.ts';
import { createD1PolicyStore } from '../policy-store/d1.ts';
import { createPolicyRefresher, type PolicyRefresher } from '../policy-store/refresh.ts';
import { createPolicyRegistry, importPolicySources, type PolicyRegistry } from '../policy-store/registry.ts';
import { createPrivateEndpointModel } from '../providers/private-endpoint.ts';
import { createRemoteProvider, type RemoteProvider } from '../providers/remote.ts';
import type { LocalModel } from '../providers/types.ts';
import { createPseudonymizer } from '../transform/pseudonymizer.ts';
import { jsonLogger, type Logger } from '../util/log.ts';

/** Policies compiled into the bundle (wrangler `Text` rule). Add a line per file in `policies/`. */
export const BUNDLED_POLICIES: readonly { file: string; text: string }[] = [{ file: 'policies/default.yaml', text: defaultPolicy }];

// Empty vars (`FOO = ""`) mean "not set", as on Node.
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const num = (min: number) => opt(z.coerce.number().int().min(min));

/** The bindings and vars the Worker reads; everything else in `env` is ignored. */
export const WorkerEnv = z.object({
  DB: z.custom<D1Database>(
    (v) => typeof (v as D1Database | undefined)?.prepare === 'function' && typeof (v as D1Database).batch === 'function',
    'missing D1 binding: add [[d1_databases]] with binding = "DB" to wrangler.toml',
  ),
  /** Keys the placeholders (stable per team) and signs audit checkpoints. `wrangler secret put VEIL_SECRET`. */
  VEIL_SECRET: z.string({ error: 'not set: run `wrangler secret put VEIL_SECRET` (32+ random characters)' }).min(16, 'must be at least 16 characters'),
  /** Optional full gateway config (models, providers) as a JSON object var; env values below override it. */
  VEIL_CONFIG: opt(z.union([z.string(), z.record(z.string(), z.unknown())])),
  VEIL_DEFAULT_POLICY: opt(z.string().min(1)),
  VEIL_MAX_BODY_BYTES: num(1024),
  VEIL_UPSTREAM_TIMEOUT_MS: num(1),
  VEIL_UPSTREAM_MAX_BYTES: num(1024),
  VEIL_UPSTREAM_STREAM_MAX_BYTES: num(1024),
  OPENAI_BASE_URL: opt(z.string().url()),
  OPENAI_API_KEY: opt(z.string()),
  ANTHROPIC_BASE_URL: opt(z.string().url()),
  ANTHROPIC_API_KEY: opt(z.string()),
  /** The local route: a private OpenAI-compatible endpoint (e.g. a Node Veil gateway behind a tunnel). */
  LOCAL_ENDPOINT_URL: opt(z.string().url()),
  LOCAL_ENDPOINT_KEY: opt(z.string()),
  /** Model id offered to clients and recorded; default `local/private`. */
  LOCAL_MODEL_ID: opt(z.string().min(1)),
  /** Model name sent to the endpoint when it differs from LOCAL_MODEL_ID. */
  LOCAL_ENDPOINT_MODEL: opt(z.string().min(1)),
  LOCAL_MAX_TOKENS: num(1),
  /** Cloudflare Access service token, when the tunnel is protected by Access. */
  CF_ACCESS_CLIENT_ID: opt(z.string()),
  CF_ACCESS_CLIENT_SECRET: opt(z.string()),
  /** `debug` | `info` | `warn` | `error`; default `info`. */
  VEIL_LOG_LEVEL: opt(z.enum(['debug', 'info', 'warn', 'error'])),
  /** Bootstrap admin token (role admin) for `/admin/api` and the console. Unset: only personal admin keys. */
  VEIL_ADMIN_TOKEN: opt(z.string().min(16, 'must be at least 16 characters (use 32+ random characters)')),
  /** How stale an isolate's policies may be after a save in another isolate; default 5, 0 = check every request. */
  VEIL_POLICY_REFRESH_SECONDS: num(0),
  /** Per-key rate limits counted in D1 (`database`, default: shared by every isolate) or per isolate (`memory`). */
  VEIL_RATE_LIMIT_STORE: opt(z.enum(['memory', 'database'])),
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export interface WorkerGateway {
  app: Hono<VeilEnv>;
  audit: D1AuditStore;
  cfg: GatewayConfig;
  registry: PolicyRegistry;
  admin: AdminDeps;
  /** Picks up policy saves made by other isolates (at most once per refresh interval). */
  refresher: PolicyRefresher;
}

/** Default `VEIL_POLICY_REFRESH_SECONDS`. */
export const DEFAULT_POLICY_REFRESH_SECONDS = 5;

export interface BuildOptions {
  policies?: readonly { file: string; text: string }[];
  /** Outbound fetch for providers and the private endpoint (tests); default the global one, looked up per call. */
  fetch?: typeof fetch;
  log?: Logger;
  /** Clock for the policy refresh interval (tests). */
  now?: () => number;
}

/** Thrown by `buildWorkerGateway` when bindings or policies are wrong; lists every problem. */
export class WorkerConfigError extends Error {
  /**
   * `retryable`: the problem is outside this isolate's config (e.g. D1's schema not yet migrated),
   * so the next request should try the start again rather than keep the failure.
   */
  constructor(
    readonly problems: string[],
    readonly retryable = false,
  ) {
    super(`Veil is misconfigured:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WorkerConfigError';
  }
}

/**
 * Parses `env`, imports the bundled policies into D1 when they differ from the versions in force,
 * and builds the app and its stores. Bad settings or policies throw `WorkerConfigError` before D1
 * is touched.
 */
export async function buildWorkerGateway(env: unknown, opts: BuildOptions = {}): Promise<WorkerGateway> {
  const parsed = WorkerEnv.safeParse(env ?? {});
  if (!parsed.success) {
    throw new WorkerConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const e = parsed.data;
  const cfg = gatewayConfig(e);
  const log = opts.log ?? jsonLogger((l) => console.log(l), e.VEIL_LOG_LEVEL ?? 'info');
  const doFetch: typeof fetch = opts.fetch ?? ((input, init) => fetch(input, init));

  const bundled = [...(opts.policies ?? BUNDLED_POLICIES)];
  const policyStore = createD1PolicyStore(e.DB);
  let registry: PolicyRegistry;
  let stamp0: string;
  try {
    // All or nothing, as on Node: a bad bundled file stops the start and writes nothing.
    await importPolicySources(policyStore, bundled, 'import', { onlyNewTexts: true });
    stamp0 = await policyStore.stamp();
    registry = await createPolicyRegistry(policyStore, { defaultPolicy: cfg.default_policy });
  } catch (err) {
    if (err instanceof PolicyLoadError) throw new WorkerConfigError([err.message]);
    if (/no such table/i.test((err as Error)?.message ?? '')) {
      throw new WorkerConfigError(['DB: the D1 schema is missing or out of date: run `wrangler d1 migrations apply veil --remote`'], true);
    }
    throw err;
  }
  if (!registry.get(registry.defaultPolicyId())) {
    throw new WorkerConfigError([
      `VEIL_DEFAULT_POLICY: policy '${registry.defaultPolicyId()}' is neither bundled nor in D1 (policies: ${registry.ids().join(', ')})`,
    ]);
  }
  const refreshSeconds = e.VEIL_POLICY_REFRESH_SECONDS ?? DEFAULT_POLICY_REFRESH_SECONDS;
  const refresher = createPolicyRefresher(registry, () => policyStore.stamp(), {
    intervalMs: refreshSeconds * 1000,
    initialStamp: stamp0,
    now: opts.now,
    onError: (err) => log.log('warn', 'policy refresh failed; keeping the policies in force', { error: (err as Error)?.name }),
  });

  const audit = createD1AuditStore(e.DB, { secret: e.VEIL_SECRET });
  const keys = createD1KeyStore(e.DB);
  const providers = new Map<string, RemoteProvider>(
    cfg.providers.map((p) => [
      p.id,
      createRemoteProvider({ id: p.id, kind: p.kind, baseUrl: p.base_url, apiKey: p.api_key, timeoutMs: cfg.upstream_timeout_ms, fetch: doFetch }),
    ]),
  );
  let local: LocalModel | null = null;
  if (e.LOCAL_ENDPOINT_URL) {
    const access: Record<string, string> =
      e.CF_ACCESS_CLIENT_ID && e.CF_ACCESS_CLIENT_SECRET
        ? { 'cf-access-client-id': e.CF_ACCESS_CLIENT_ID, 'cf-access-client-secret': e.CF_ACCESS_CLIENT_SECRET }
        : {};
    local = createPrivateEndpointModel({
      id: e.LOCAL_MODEL_ID ?? 'local/private',
      baseUrl: e.LOCAL_ENDPOINT_URL,
      apiKey: e.LOCAL_ENDPOINT_KEY,
      model: e.LOCAL_ENDPOINT_MODEL,
      headers: access,
      timeoutMs: cfg.upstream_timeout_ms,
      defaultMaxTokens: e.LOCAL_MAX_TOKENS ?? cfg.local.max_tokens,
      fetch: doFetch,
    });
  }
  const pseudonymizer = (scope: string) => createPseudonymizer({ secret: e.VEIL_SECRET, scope });
  const admin: AdminDeps = {
    registry,
    keys,
    adminKeys: createD1AdminKeyStore(e.DB),
    settings: createD1SettingsStore(e.DB),
    audit,
    reader: createD1AuditReader(e.DB, { flush: () => audit.idle() }),
    pseudonymizer,
    bootstrapToken: e.VEIL_ADMIN_TOKEN ?? null,
    log,
  };
  const app = createApp({
    keys,
    audit,
    policies: registry,
    routes: { models: cfg.models, providers, local, localId: local?.id ?? null },
    pseudonymizer,
    limits: limitsOf(cfg),
    log,
    admin,
    // In D1 by default: an isolate's own memory would let a key make its limit once per isolate.
    rateLimiter: cfg.limits.rate_limit_store === 'database' ? createD1RateLimiter(e.DB, { log }) : undefined,
  });
  return { app, audit, cfg, registry, admin, refresher };
}

/** The env-to-config mapping the Node loader does for its env overrides, for the keys Workers have. */
function gatewayConfig(e: WorkerEnv): GatewayConfig {
  let base: Record<string, unknown> = {};
  if (typeof e.VEIL_CONFIG === 'string') {
    try {
      const j: unknown = JSON.parse(e.VEIL_CONFIG);
      if (j && typeof j === 'object' && !Array.isArray(j)) base = j as Record<string, unknown>;
      else throw new Error('not an object');
    } catch {
      throw new WorkerConfigError(['VEIL_CONFIG: must be a JSON object']);
    }
  } else if (e.VEIL_CONFIG) base = e.VEIL_CONFIG;

  const raw: Record<string, unknown> = { ...base };
  if (e.VEIL_DEFAULT_POLICY) raw.default_policy = e.VEIL_DEFAULT_POLICY;
  if (e.VEIL_MAX_BODY_BYTES !== undefined) raw.max_body_bytes = e.VEIL_MAX_BODY_BYTES;
  if (e.VEIL_UPSTREAM_TIMEOUT_MS !== undefined) raw.upstream_timeout_ms = e.VEIL_UPSTREAM_TIMEOUT_MS;
  if (e.VEIL_UPSTREAM_MAX_BYTES !== undefined) raw.upstream_max_bytes = e.VEIL_UPSTREAM_MAX_BYTES;
  if (e.VEIL_UPSTREAM_STREAM_MAX_BYTES !== undefined) raw.upstream_stream_max_bytes = e.VEIL_UPSTREAM_STREAM_MAX_BYTES;
  if (e.VEIL_RATE_LIMIT_STORE) raw.limits = { ...(raw.limits as object | undefined), rate_limit_store: e.VEIL_RATE_LIMIT_STORE };
  const providers = (Array.isArray(raw.providers) ? raw.providers : DEFAULT_PROVIDERS).map((p) => ({ ...(p as Record<string, unknown>) }));
  const vendor = (id: 'openai' | 'anthropic', baseUrl: string | undefined, apiKey: string | undefined) => {
    if (!baseUrl && !apiKey) return;
    let p = providers.find((x) => (x.id ?? 'openai') === id);
    if (!p) providers.push((p = { id, kind: id }));
    if (baseUrl) p.base_url = baseUrl;
    if (apiKey) p.api_key = apiKey;
  };
  vendor('openai', e.OPENAI_BASE_URL, e.OPENAI_API_KEY);
  vendor('anthropic', e.ANTHROPIC_BASE_URL, e.ANTHROPIC_API_KEY);
  raw.providers = providers;

  const cfg = GatewayConfig.safeParse(raw);
  if (!cfg.success) throw new WorkerConfigError(cfg.error.issues.map((i) => `VEIL_CONFIG.${i.path.join('.')}: ${i.message}`));
  return cfg.data;
}

/**
 * Keeps the isolate alive (`waitUntil`) until the response body has been fully sent or
 * cancelled and every audit append it caused has settled.
 */
export function holdUntilAudited(res: Response, audit: D1AuditStore, ctx: Pick<ExecutionContextLike, 'waitUntil'>): Response {
  const isStream = res.body !== null && (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  if (!isStream || !res.body) {
    ctx.waitUntil(audit.idle());
    return res;
  }
  let finished!: () => void;
  const bodyDone = new Promise<void>((r) => (finished = r));
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          ctl.close();
          finished();
        } else ctl.enqueue(value);
      } catch (e) {
        ctl.error(e);
        finished();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
      finished();
    },
  });
  ctx.waitUntil(bodyDone.then(() => audit.idle()));
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** What the runtime passes as the third `fetch` argument (structural; no Workers types needed). */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  props: unknown;
}

function misconfigured(err: unknown): Response {
  const message = err instanceof WorkerConfigError ? err.message : 'Veil failed to start in this Worker.';
  return Response.json({ error: { message, type: 'server_error', param: null, code: 'misconfigured' } }, { status: 500 });
}

// One gateway per isolate, rebuilt only if the runtime hands in a different env object. A
// start that failed for a reason outside the config (D1 unreachable, schema not yet migrated)
// is forgotten, so the next request tries again; a config error stays until the next deploy.
let cached: { env: unknown; gateway: Promise<WorkerGateway> } | null = null;

export function gatewayFor(env: unknown): Promise<WorkerGateway> {
  if (!cached || cached.env !== env) {
    const gateway = buildWorkerGateway(env);
    const entry = { env, gateway };
    gateway.catch((e) => {
      console.error(e instanceof WorkerConfigError ? e.message : 'Veil failed to start', (e as Error)?.name);
      if (!(e instanceof WorkerConfigError) || e.retryable) {
        if (cached === entry) cached = null;
      }
    });
    cached = entry;
  }
  return cached.gateway;
}

/** What the runtime passes to `scheduled` (structural). */
export interface ScheduledControllerLike {
  scheduledTime: number;
  cron: string;
}

export default {
  async fetch(request: Request, env: unknown, ctx: ExecutionContextLike): Promise<Response> {
    let gw: WorkerGateway;
    try {
      gw = await gatewayFor(env);
    } catch (e) {
      return misconfigured(e);
    }
    await gw.refresher.maybeRefresh();
    const res = await gw.app.fetch(request, env, ctx);
    return holdUntilAudited(res, gw.audit, ctx);
  },

  /** Cron trigger (wrangler.toml `[triggers]`): re-applies the audit retention set in the admin API, as Node does hourly. */
  async scheduled(_controller: ScheduledControllerLike, env: unknown): Promise<void> {
    const gw = await gatewayFor(env);
    const days = await retentionDays(gw.admin.settings);
    if (days) await applyRetention(gw.audit, days);
  },
};
