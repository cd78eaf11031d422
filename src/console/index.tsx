/** @jsxImportSource hono/jsx */
/**
 * @module console
 * `createConsole()`: the admin web console as a Hono sub-app, mounted by `createApp` at `/admin`.
 * Static HTML (hono/jsx) plus a stylesheet and vanilla scripts held as strings — no build step,
 * no fs reads (Workers), nothing from a CDN (air-gapped hosts). The pages hold no data: their
 * scripts call the JSON admin API (`/admin/api`, see docs/admin-api.md) with the admin token the
 * user pasted, so the console needs no server-side session and no auth of its own.
 *
 * Every response carries a strict Content-Security-Policy (scripts and styles from this origin
 * only, no inline script), so even a value that slipped into the DOM could not run. The headers
 * are set per route, not by middleware: a `use('*')` here would also wrap `/admin/api/*`.
 *
 * @example
 * app.route('/admin', createConsole());
 */
import { Hono, type Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { AUDIT_JS } from './assets/audit-js.ts';
import { COMMON_JS } from './assets/common-js.ts';
import { DASHBOARD_JS } from './assets/dashboard-js.ts';
import { KEYS_JS } from './assets/keys-js.ts';
import { LOGIN_JS } from './assets/login-js.ts';
import { POLICIES_JS } from './assets/policies-js.ts';
import { CONSOLE_CSS } from './assets/styles.ts';
import { LoginPage, Shell, type PageId } from './layout.tsx';
import { AuditPage } from './pages/audit.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { KeysPage } from './pages/keys.tsx';
import { PoliciesPage } from './pages/policies.tsx';

export interface ConsoleOptions {
  /** Where the console is mounted; links and asset URLs start with it. Default `/admin`. */
  base?: string;
  /** The admin API the scripts call. Default `${base}/api`. */
  apiBase?: string;
}

const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3Z" fill="#2f6ea8"/><path d="M7.5 11.5h9M7.5 14.5h6" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>';

/** Served assets: name → [content type, body]. */
export const CONSOLE_ASSETS: Readonly<Record<string, readonly [string, string]>> = {
  'console.css': ['text/css; charset=utf-8', CONSOLE_CSS],
  'common.js': ['text/javascript; charset=utf-8', COMMON_JS],
  'login.js': ['text/javascript; charset=utf-8', LOGIN_JS],
  'dashboard.js': ['text/javascript; charset=utf-8', DASHBOARD_JS],
  'audit.js': ['text/javascript; charset=utf-8', AUDIT_JS],
  'policies.js': ['text/javascript; charset=utf-8', POLICIES_JS],
  'keys.js': ['text/javascript; charset=utf-8', KEYS_JS],
  'favicon.svg': ['image/svg+xml', FAVICON_SVG],
};

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** FNV-1a over every asset: changes whenever any asset does, so `?v=` busts caches. */
function assetVersion(): string {
  let h = 0x811c9dc5;
  for (const [, body] of Object.values(CONSOLE_ASSETS)) {
    for (let i = 0; i < body.length; i++) {
      h ^= body.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

const PAGES: Record<PageId, { title: string; script: string; body: (base: string) => JSX.Element }> = {
  dashboard: { title: 'Dashboard', script: 'dashboard.js', body: (base) => <DashboardPage base={base} /> },
  audit: { title: 'Audit log', script: 'audit.js', body: () => <AuditPage /> },
  policies: { title: 'Policies', script: 'policies.js', body: () => <PoliciesPage /> },
  keys: { title: 'Keys', script: 'keys.js', body: () => <KeysPage /> },
};

async function htmlResponse(c: Context, el: JSX.Element): Promise<Response> {
  const body = '<!DOCTYPE html>' + (await el.toString());
  return c.body(body, 200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
}

export function createConsole(opts: ConsoleOptions = {}): Hono {
  const base = (opts.base ?? '/admin').replace(/\/+$/, '');
  const apiBase = opts.apiBase ?? `${base}/api`;
  const version = assetVersion();
  const app = new Hono();
  const shared = { base, apiBase, assetVersion: version };

  const pageRoute = (id: PageId) => (c: Context) => {
    const p = PAGES[id];
    return htmlResponse(c, <Shell {...shared} page={id} title={p.title} script={p.script}>{p.body(base)}</Shell>);
  };
  app.get('/', pageRoute('dashboard'));
  // `/admin/` (an empty last segment: the parent app is strict about slashes) → `/admin`.
  app.get('/:slash{.{0}}', (c) => c.redirect(base, 301));
  app.get('/dashboard', (c) => c.redirect(base, 302));
  app.get('/audit', pageRoute('audit'));
  app.get('/policies', pageRoute('policies'));
  app.get('/keys', pageRoute('keys'));
  app.get('/login', (c) => htmlResponse(c, <LoginPage {...shared} />));

  app.get('/assets/:name', (c) => {
    const asset = CONSOLE_ASSETS[c.req.param('name')];
    if (!asset) return c.text('Not found', 404, SECURITY_HEADERS);
    const etag = `"${version}"`;
    const headers = { ...SECURITY_HEADERS, 'content-type': asset[0], etag, 'cache-control': 'no-cache' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(asset[1], 200, headers);
  });

  return app;
}
