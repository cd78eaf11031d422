/**
 * @module admin
 * `createAdminApi(deps)`: the admin API as a Hono sub-app, mounted by `createApp` at
 * `/admin/api`. Contract: docs/admin-api.md. Runtime-agnostic: the stores come in through deps.
 *
 * @example
 * app.route('/admin/api', createAdminApi({ registry, keys, adminKeys, settings, audit, reader, pseudonymizer, bootstrapToken }));
 */
import { Hono } from 'hono';
import { isVeilError, VeilError } from '../util/errors.ts';
import { silentLogger } from '../util/log.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes, requireAdminAuth } from './auth.ts';
import type { AdminDeps } from './deps.ts';
import { renderAdminError, type AdminEnv } from './http.ts';
import { inspectRoutes } from './inspect.ts';
import { keyRoutes } from './keys.ts';
import { policyRoutes } from './policies.ts';

export type { AdminDeps } from './deps.ts';

export function createAdminApi(deps: AdminDeps): Hono<AdminEnv> {
  const log = deps.log ?? silentLogger;
  const app = new Hono<AdminEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('cache-control', 'no-store');
  });
  app.use('*', requireAdminAuth(deps));
  authRoutes(app);
  policyRoutes(app);
  inspectRoutes(app);
  auditRoutes(app);
  keyRoutes(app);
  app.notFound((c) => {
    const { status, body } = renderAdminError(new VeilError('not_found', `No admin route for ${c.req.method} ${c.req.path.slice(0, 200)}.`));
    return c.json(body as object, status as 404);
  });
  app.onError((e, c) => {
    const err = isVeilError(e) ? e : new VeilError('internal_error', 'Internal error in the Veil admin API.');
    // Never the message: it may quote request content.
    if (!isVeilError(e)) log.log('error', 'admin api error', { path: c.req.path.slice(0, 200), error: (e as Error)?.name, where: (e as Error)?.stack?.split('\n')[1]?.trim() });
    const { status, body } = renderAdminError(err);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (err.status === 401) headers['www-authenticate'] = 'Bearer realm="veil-admin"';
    return new Response(JSON.stringify(body), { status, headers });
  });
  return app;
}
