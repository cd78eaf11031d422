/**
 * @module admin/auth
 * Admin authentication and roles. `Authorization: Bearer <token>`: the bootstrap token
 * (`VEIL_ADMIN_TOKEN`, role admin) or a personal admin key. Auditors may read and may call the
 * few POST routes that change nothing (inspect, validate, diff); any other write from an auditor
 * is refused with 403 and the refusal is itself recorded in the audit chain.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { VeilError } from '../util/errors.ts';
import { authenticateAdmin } from './admin-keys.ts';
import type { AdminDeps } from './deps.ts';
import { recordAction, type AdminEnv } from './http.ts';

/** POST routes an auditor may call: they compute, they do not change anything. */
export const READ_ONLY_POSTS: readonly RegExp[] = [/^\/inspect$/, /^\/policies\/validate$/, /^\/policies\/[^/]+\/diff$/];

/** Routes only an admin may read (they list who holds admin power). */
const ADMIN_ONLY_READS: readonly RegExp[] = [/^\/admin-keys(\/|$)/];

function bearer(headers: Headers): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return m ? m[1]! : null;
}

/** Path below the mount point (`/admin/api`), so the role table does not depend on it. */
function localPath(path: string): string {
  const i = path.indexOf('/admin/api');
  return i >= 0 ? path.slice(i + '/admin/api'.length) || '/' : path;
}

export function needsAdmin(method: string, path: string): boolean {
  const p = localPath(path);
  if (ADMIN_ONLY_READS.some((r) => r.test(p))) return true;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return !(method === 'POST' && READ_ONLY_POSTS.some((r) => r.test(p)));
}

export function requireAdminAuth(deps: AdminDeps): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    c.set('deps', deps);
    c.set('startedAt', performance.now());
    const token = bearer(c.req.raw.headers);
    if (!token) throw new VeilError('unauthorized', 'Missing admin token: send "Authorization: Bearer <admin token>".');
    const actor = await authenticateAdmin(token, { bootstrapToken: deps.bootstrapToken, keys: deps.adminKeys });
    if (!actor) throw new VeilError('unauthorized', 'Invalid or revoked admin token.');
    c.set('actor', actor);
    if (actor.role !== 'admin' && needsAdmin(c.req.method, c.req.path)) {
      await recordAction(c, { action: 'denied', target: `${c.req.method} ${localPath(c.req.path)}`.slice(0, 200), status: 403, errorCode: 'forbidden' });
      throw new VeilError('forbidden', `The '${actor.role}' role cannot do this; it needs the 'admin' role.`);
    }
    await next();
  };
}

/** `GET /me`: who the token belongs to (the console's login check). */
export function authRoutes(app: Hono<AdminEnv>): void {
  app.get('/me', (c) => c.json({ actor: c.get('actor') }));
}
