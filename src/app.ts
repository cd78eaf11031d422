/**
 * @module app
 * `createApp(deps)`: the whole gateway as a Hono app. Runtime-agnostic — no Node or Workers
 * imports here or below; the entries (`entry/node.ts`, `entry/worker.ts`) build the deps
 * (stores, providers, local model) and hand them in.
 *
 * @example
 * const app = createApp({ keys, audit, policies, routes, pseudonymizer, limits });
 * serve({ fetch: app.fetch, port: 8787 });
 */
import { Hono, type Context } from 'hono';
import type { AuditStore } from './audit/types.ts';
import { DEFAULT_UPSTREAM_MAX_BYTES, DEFAULT_UPSTREAM_STREAM_MAX_BYTES } from './config/config-schema.ts';
import type { LoadedPolicy } from './config/policy-load.ts';
import { DIALECT_ROUTES } from './dialects/index.ts';
import type { Dialect } from './dialects/types.ts';
import { openaiChat, renderOpenAIError } from './dialects/openai-chat/index.ts';
import { createAdminApi, type AdminDeps } from './admin/index.ts';
import { createConsole } from './console/index.tsx';
import { auditRequests } from './http/audit-middleware.ts';
import { requireGatewayKey } from './http/auth.ts';
import { parseJsonBody } from './http/body.ts';
import { createRateLimiter, modelAllowed, type RateLimiter } from './http/key-limits.ts';
import type { VeilEnv } from './http/env.ts';
import { requestIoOf, type RequestIoSource } from './http/request-io.ts';
import { listModels } from './http/routes/models.ts';
import type { GatewayKey, KeyStore } from './keys/types.ts';
import { rejectSensitiveModelName } from './pipeline/inspect-request.ts';
import { runPipeline } from './pipeline/run.ts';
import { ConversationMemory } from './restore/conversation-memory.ts';
import type { RouteTable } from './route/route.ts';
import type { Pseudonymizer } from './transform/pseudonymizer.ts';
import { isVeilError, VeilError } from './util/errors.ts';
import { silentLogger, type Logger } from './util/log.ts';

export interface PolicyResolver {
  /** The policy in force for this key (its own, else its team's, else the organisation default). */
  forKey(key: GatewayKey): (LoadedPolicy & { version?: number | null }) | undefined;
  ids(): string[];
}

export interface AppDeps {
  keys: KeyStore;
  audit: AuditStore;
  policies: PolicyResolver;
  routes: RouteTable;
  /** Per-team pseudonymizers, e.g. `(team) => createPseudonymizer({ secret, scope: team })`; cached here. */
  pseudonymizer: (scope: string) => Promise<Pseudonymizer>;
  limits: {
    maxBodyBytes: number;
    upstreamTimeoutMs: number;
    /** Largest non-streamed upstream answer; default `DEFAULT_UPSTREAM_MAX_BYTES`. */
    maxUpstreamBytes?: number;
    /** Most bytes relayed from one streamed upstream answer; default `DEFAULT_UPSTREAM_STREAM_MAX_BYTES`. */
    maxUpstreamStreamBytes?: number;
  };
  log?: Logger;
  now?: () => number;
  version?: string;
  /** The admin API (`/admin/api`, docs/admin-api.md); absent = not served. */
  admin?: AdminDeps;
  /** Per-key rate limit store (`http/rate-limit.sql.ts` to share it across processes/isolates); default in memory. */
  rateLimiter?: RateLimiter;
  /** A runtime's cheaper way to the body and the client-gone signal (`http/request-io.ts`); default: the web `Request`. */
  requestIo?: RequestIoSource;
}

export function createApp(deps: AppDeps): Hono<VeilEnv> {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => performance.now());
  const app = new Hono<VeilEnv>();
  const pseudonymizers = new Map<string, Promise<Pseudonymizer>>();
  const limiter = deps.rateLimiter ?? createRateLimiter();
  const pipelineDeps = {
    routes: deps.routes,
    pseudonymizer: (scope: string) => {
      let p = pseudonymizers.get(scope);
      if (!p) pseudonymizers.set(scope, (p = deps.pseudonymizer(scope)));
      return p;
    },
    upstreamTimeoutMs: deps.limits.upstreamTimeoutMs,
    maxUpstreamBytes: deps.limits.maxUpstreamBytes ?? DEFAULT_UPSTREAM_MAX_BYTES,
    maxUpstreamStreamBytes: deps.limits.maxUpstreamStreamBytes ?? DEFAULT_UPSTREAM_STREAM_MAX_BYTES,
    log,
    now,
    // Per app (so per Node process, per Workers isolate): in memory only, see the module.
    conversations: new ConversationMemory(),
  };

  app.get('/healthz', (c) =>
    c.json({
      status: 'ok',
      version: deps.version ?? 'dev',
      local_model: deps.routes.local ? deps.routes.local.id : null,
      policies: deps.policies.ids(),
    }),
  );

  app.use('/v1/*', auditRequests(deps.audit, log, now));
  app.use('/v1/*', requireGatewayKey(deps.keys, deps.requestIo));

  app.get('/v1/models', (c) => c.json(listModels(deps.routes, Math.floor(Date.now() / 1000))));

  const modelRoute = (dialect: Dialect) => async (c: Context<VeilEnv>) => {
    c.set('dialect', dialect);
    const key = c.get('key');
    if (key.rateLimitRpm) {
      const r = await limiter.take(key.id, key.rateLimitRpm);
      if (!r.ok) throw new VeilError('rate_limited', `This key is limited to ${key.rateLimitRpm} requests per minute; retry in ${r.retryAfterSec} s.`, { retryAfter: r.retryAfterSec });
    }
    const policy = deps.policies.forKey(key);
    if (!policy) throw new VeilError('internal_error', `The policy bound to this key is not loaded.`);
    c.get('audit').set({ policyId: policy.doc.id, policyHash: policy.hash, policyVersion: policy.version ?? null });
    const io = requestIoOf(c, deps.requestIo);
    const body = parseJsonBody(await io.body(deps.limits.maxBodyBytes));
    const model = typeof (body as { model?: unknown } | null)?.model === 'string' ? (body as { model: string }).model : null;
    // Before the model name is recorded anywhere: it is client text and may carry a value.
    if (model !== null) rejectSensitiveModelName(model, policy, log, c.get('requestId'));
    if (model !== null && !modelAllowed(key, model)) {
      c.get('audit').set({ model: model.slice(0, 200) });
      throw new VeilError('model_not_allowed', `This key may not use the model '${model.slice(0, 100)}'.`);
    }
    const res = await runPipeline(dialect, body, {
      requestId: c.get('requestId'),
      key,
      policy,
      onClientGone: io.onClientGone,
      audit: c.get('audit'),
      headers: c.get('veilHeaders'),
      clientHeader: io.header,
    }, pipelineDeps);
    // Every pipeline response is built with the request's veil headers.
    c.set('veilHeadersSent', true);
    return res;
  };

  for (const { path, dialect } of DIALECT_ROUTES) app.post(path, modelRoute(dialect));
  // Errors thrown before the route ran (auth, audit) still come back in the client's own shape:
  // found from the path here rather than by one more middleware on every request.
  const dialectByPath = new Map<string, Dialect>(DIALECT_ROUTES.map((r) => [r.path, r.dialect]));

  if (deps.admin) app.route('/admin/api', createAdminApi(deps.admin));
  if (deps.admin) app.route('/admin', createConsole());

  app.notFound((c) => {
    const err = new VeilError('not_found', `No route for ${c.req.method} ${c.req.path.slice(0, 200)}.`);
    return c.json(renderOpenAIError(err).body as object, 404);
  });

  app.onError((e, c) => {
    const err = isVeilError(e) ? e : new VeilError('internal_error', `Internal error in Veil (request ${c.get('requestId') ?? 'unknown'}).`);
    if (!isVeilError(e)) {
      // Never the message: it may quote request content.
      log.log('error', 'unhandled error', { requestId: c.get('requestId'), error: (e as Error)?.name, where: (e as Error)?.stack?.split('\n')[1]?.trim() });
    }
    const dialect = c.get('dialect') ?? dialectByPath.get(c.req.path) ?? openaiChat;
    const { status, body } = dialect.renderError(err);
    c.get('audit')?.set({ status, errorCode: err.code });
    const headers: Record<string, string> = { ...(c.get('veilHeaders') ?? {}) };
    if (err.retryAfter) headers['retry-after'] = String(Math.ceil(err.retryAfter));
    if (err.code === 'policy_blocked') headers['x-veil-decision'] = 'block';
    c.set('veilHeadersSent', true);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  });

  return app;
}
