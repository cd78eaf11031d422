/** @jsxImportSource hono/jsx */
/**
 * @module console/pages/dashboard
 * Markup of the dashboard: period picker, four headline numbers, the two traffic charts, the
 * latest blocked requests, top finding types and usage by team. Empty containers with ids that
 * `assets/dashboard-js.ts` fills from `GET /admin/api/audit/stats`.
 */
import type { FC } from 'hono/jsx';

const Stat: FC<{ id: string; label: string; children?: unknown }> = ({ id, label, children }) => (
  <div class="panel stat" id={id}>
    <span class="label">{label}</span>
    <span class="value">—</span>
    <span class="sub">&nbsp;</span>
    {children}
  </div>
);

export const DashboardPage: FC<{ base: string }> = ({ base }) => (
  <>
    <div class="page-head">
      <div>
        <h1>Dashboard</h1>
        <p>What went through the gateway, and what Veil did with it.</p>
      </div>
      <div class="actions">
        <label for="range">Period</label>
        <select id="range">
          <option value="24">Last 24 hours</option>
          <option value="168">Last 7 days</option>
          <option value="720">Last 30 days</option>
        </select>
        <button type="button" class="btn" id="refresh">Refresh</button>
        <span id="dash-status" class="muted small" role="status"></span>
      </div>
    </div>
    <div class="stack">
      <section class="grid grid-4" aria-label="Totals">
        <Stat id="stat-total" label="Requests" />
        <Stat id="stat-redact" label="Redacted before leaving" />
        <Stat id="stat-blocked" label="Blocked" />
        <Stat id="stat-local" label="Answered locally (share of routed)">
          <div class="share-bar" id="share-bar" role="img" aria-label="Local and remote share"></div>
        </Stat>
      </section>
      <section class="grid grid-2">
        <div class="panel">
          <h2>Traffic by decision</h2>
          <div id="chart-decision"></div>
        </div>
        <div class="panel">
          <h2>Traffic by route</h2>
          <div id="chart-route"></div>
        </div>
      </section>
      <section class="grid grid-3-1">
        <div class="panel">
          <div class="panel-head">
            <h2>Latest blocked requests</h2>
            <div class="actions">
              <a href={`${base}/audit?decision=block`}>All blocked requests</a>
            </div>
          </div>
          <div class="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">Time</th><th scope="col">Team</th><th scope="col">Model</th><th scope="col">Findings</th><th scope="col">Request</th></tr>
              </thead>
              <tbody id="blocked-body"><tr><td colspan={5} class="empty">Loading…</td></tr></tbody>
            </table>
          </div>
        </div>
        <div class="panel">
          <h2>Top finding types</h2>
          <div id="top-findings"><p class="muted">Loading…</p></div>
        </div>
      </section>
      <section class="panel">
        <h2>Usage by team</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Team</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Tokens in</th><th scope="col" class="num">Tokens out</th></tr>
            </thead>
            <tbody id="teams-body"><tr><td colspan={4} class="empty">Loading…</td></tr></tbody>
          </table>
        </div>
      </section>
    </div>
  </>
);
