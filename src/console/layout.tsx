/** @jsxImportSource hono/jsx */
/**
 * @module console/layout
 * The HTML shell every console page shares: head (stylesheet and scripts from `/admin/assets`,
 * nothing external), a skip link, the top bar with navigation (`aria-current` on the page you are
 * on) and the signed-in admin, then the page's own markup. Pages are static: the scripts fill
 * them from the admin API with the token kept in sessionStorage.
 */
import type { Child, FC } from 'hono/jsx';

export type PageId = 'dashboard' | 'audit' | 'policies' | 'keys';

export const NAV: ReadonlyArray<{ id: PageId; path: string; label: string }> = [
  { id: 'dashboard', path: '', label: 'Dashboard' },
  { id: 'audit', path: '/audit', label: 'Audit log' },
  { id: 'policies', path: '/policies', label: 'Policies' },
  { id: 'keys', path: '/keys', label: 'Keys' },
];

export interface ShellProps {
  base: string;
  apiBase: string;
  page: PageId | 'login';
  title: string;
  /** Script names under `/assets`, after `common.js`. */
  script: string;
  /** Query appended to asset URLs so a new gateway build is never served stale assets. */
  assetVersion: string;
  children?: Child;
}

export const Logo: FC<{ size?: number }> = ({ size = 22 }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3Z" fill="#2f6ea8" />
    <path d="M7.5 11.5h9M7.5 14.5h6" stroke="#fff" stroke-width="2" stroke-linecap="round" />
  </svg>
);

const Head: FC<ShellProps> = (p) => {
  const asset = (name: string) => `${p.base}/assets/${name}?v=${p.assetVersion}`;
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <meta name="robots" content="noindex" />
      <title>{`${p.title} · Veil admin`}</title>
      <link rel="icon" href={asset('favicon.svg')} type="image/svg+xml" />
      <link rel="stylesheet" href={asset('console.css')} />
      <script src={asset('common.js')} defer></script>
      <script src={asset(p.script)} defer></script>
    </head>
  );
};

export const Shell: FC<ShellProps> = (p) => (
  <html lang="en" data-base={p.base} data-api={p.apiBase} data-page={p.page}>
    <Head {...p} />
    <body>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href={p.base}>
          <Logo />
          Veil <small>admin</small>
        </a>
        <nav aria-label="Console">
          <ul>
            {NAV.map((n) => (
              <li>
                <a href={`${p.base}${n.path}`} aria-current={n.id === p.page ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="session">
          <span id="whoami" aria-live="polite">Checking session…</span>
          <button type="button" class="btn btn-small" id="signout">Sign out</button>
        </div>
      </header>
      <main id="main" tabindex={-1}>
        {p.children}
      </main>
    </body>
  </html>
);

export const LoginPage: FC<Omit<ShellProps, 'page' | 'title' | 'script'>> = (p) => {
  const props: ShellProps = { ...p, page: 'login', title: 'Sign in', script: 'login.js' };
  return (
    <html lang="en" data-base={p.base} data-api={p.apiBase} data-page="login">
      <Head {...props} />
      <body>
        <main id="main" class="login-wrap">
          <div class="panel login">
            <div class="brand-big">
              <Logo size={32} />
              <span>Veil admin</span>
            </div>
            <form id="login-form" novalidate>
              <h1>Sign in</h1>
              <p class="muted">
                Paste an admin token: the gateway's <code>VEIL_ADMIN_TOKEN</code> or a personal admin key (<code>veiladm_…</code>).
              </p>
              <div class="field">
                <label for="token">Admin token</label>
                <input id="token" name="token" type="password" autocomplete="off" spellcheck={false} required autofocus aria-describedby="token-hint login-error" />
                <span class="hint" id="token-hint">
                  Kept in this browser tab only (session storage) and sent to the admin API of this gateway. Closing the tab signs you out.
                </span>
              </div>
              <p id="login-error" class="notice bad" role="alert" hidden></p>
              <button id="login-submit" type="submit" class="btn btn-primary">Sign in</button>
            </form>
          </div>
        </main>
      </body>
    </html>
  );
};
