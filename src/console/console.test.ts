/**
 * The console as served, without a browser: routes and content types, the security headers,
 * nothing loaded from outside the gateway, every script at least parses, every element a page's
 * script looks up by id exists in that page's HTML, and the markup keeps its labels. The real
 * behaviour in Chromium is `test/console.browser.test.ts`.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ASSETS, CONSOLE_CSP, createConsole } from './index.tsx';

const app = new Hono();
app.route('/admin', createConsole());
app.get('/admin/api/me', (c) => c.json({ actor: { id: 'x', role: 'admin' } }));

const get = (path: string, headers?: Record<string, string>) => app.request(path, { headers });
const html = async (path: string) => (await get(path)).text();

const PAGES = [
  { path: '/admin', script: 'dashboard.js', title: 'Dashboard' },
  { path: '/admin/audit', script: 'audit.js', title: 'Audit log' },
  { path: '/admin/policies', script: 'policies.js', title: 'Policies' },
  { path: '/admin/keys', script: 'keys.js', title: 'Keys' },
  { path: '/admin/login', script: 'login.js', title: 'Sign in' },
];

describe('pages', () => {
  it.each(PAGES)('$path is a complete HTML page with its script and the security headers', async ({ path, script, title }) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body.startsWith('<!DOCTYPE html><html lang="en"')).toBe(true);
    expect(body).toContain(`<title>${title} · Veil admin</title>`);
    expect(body).toMatch(new RegExp(`src="/admin/assets/common\\.js\\?v=[0-9a-f]{8}"`));
    expect(body).toMatch(new RegExp(`src="/admin/assets/${script.replace('.', '\\.')}\\?v=[0-9a-f]{8}"`));
    // No inline script (the CSP would refuse it anyway) and nothing from another origin.
    expect(body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(body).not.toMatch(/\sstyle="/);
  });

  it('sends /admin/ to the dashboard at /admin', async () => {
    const res = await get('/admin/');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/admin');
    expect(await html('/admin')).toContain('<h1>Dashboard</h1>');
  });

  it('marks the current page in the navigation and only that one', async () => {
    const body = await html('/admin/policies');
    const current = [...body.matchAll(/<a href="([^"]+)" aria-current="page"/g)].map((m) => m[1]);
    expect(current).toEqual(['/admin/policies']);
  });

  it('gives every form control a label', async () => {
    for (const { path } of PAGES) {
      const body = await html(path);
      const ids = [...body.matchAll(/<(?:input|select|textarea)\b[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
      const labelled = new Set([...body.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
      for (const id of ids) {
        const tag = body.match(new RegExp(`<(?:input|select|textarea)\\b[^>]*\\sid="${id}"[^>]*>`))![0];
        expect(labelled.has(id) || /aria-label="/.test(tag), `${path}: #${id} has no label`).toBe(true);
      }
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it('uses buttons, not clickable divs', async () => {
    for (const { path } of PAGES) expect(await html(path)).not.toMatch(/<(div|span)[^>]*\s(onclick|role="button")/);
  });

  it('honours another mount point', async () => {
    const other = new Hono();
    other.route('/ops/console', createConsole({ base: '/ops/console', apiBase: '/ops/api' }));
    const body = await (await other.request('/ops/console/keys')).text();
    expect(body).toContain('data-base="/ops/console" data-api="/ops/api"');
    expect(body).toContain('href="/ops/console/audit"');
    expect(body).toMatch(/src="\/ops\/console\/assets\/keys\.js\?v=/);
  });

  it('leaves unknown paths and the API to other routes', async () => {
    expect((await get('/admin/nope')).status).toBe(404);
    expect(await (await get('/admin/api/me')).json()).toEqual({ actor: { id: 'x', role: 'admin' } });
    // The console's headers are per route, so the API's responses are not given them.
    expect((await get('/admin/api/me')).headers.get('content-security-policy')).toBeNull();
  });
});

describe('assets', () => {
  it.each(Object.keys(CONSOLE_ASSETS))('%s is served with its type and an etag', async (name) => {
    const res = await get(`/admin/assets/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(CONSOLE_ASSETS[name]![0]);
    expect(await res.text()).toBe(CONSOLE_ASSETS[name]![1]);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{8}"$/);
    expect((await get(`/admin/assets/${name}`, { 'if-none-match': etag })).status).toBe(304);
  });

  it('answers 404 for an unknown asset', async () => {
    expect((await get('/admin/assets/evil.js')).status).toBe(404);
  });

  const scripts = Object.entries(CONSOLE_ASSETS).filter(([n]) => n.endsWith('.js'));

  it.each(scripts)('%s parses as a script', (_name, [, src]) => {
    expect(() => new Function(src)).not.toThrow();
  });

  it.each(scripts)('%s never writes HTML from strings and loads nothing from outside', (_name, [, src]) => {
    expect(src).not.toMatch(/\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(src).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('finds in each page every element its script looks up by id', async () => {
    for (const { path, script } of PAGES) {
      const body = await html(path);
      const src = CONSOLE_ASSETS[script]![1];
      const wanted = [...src.matchAll(/V\.\$\('#([\w-]+)'/g)].map((m) => m[1]!);
      expect(wanted.length, script).toBeGreaterThan(3);
      for (const id of wanted) expect(body, `${script} needs #${id} on ${path}`).toContain(`id="${id}"`);
    }
  });

  it('the stylesheet has a visible focus style and imports nothing', () => {
    const css = CONSOLE_ASSETS['console.css']![1];
    expect(css).toContain(':focus-visible');
    expect(css).not.toMatch(/@import|url\(/);
  });
});
