/** @jsxImportSource hono/jsx */
/**
 * @module console/pages/audit
 * Markup of the audit log: chain badge and export buttons, the filter form (every filter the
 * API knows), the records table and the record-detail dialog. Filled by `assets/audit-js.ts`.
 */
import type { FC } from 'hono/jsx';

const Text: FC<{ name: string; label: string; placeholder?: string; type?: string }> = (p) => (
  <div class="field">
    <label for={`f-${p.name}`}>{p.label}</label>
    <input id={`f-${p.name}`} name={p.name} type={p.type ?? 'text'} placeholder={p.placeholder} autocomplete="off" spellcheck={false} />
  </div>
);

const Choice: FC<{ name: string; label: string; options: Array<[string, string]> }> = (p) => (
  <div class="field">
    <label for={`f-${p.name}`}>{p.label}</label>
    <select id={`f-${p.name}`} name={p.name}>
      {p.options.map(([v, l]) => <option value={v}>{l}</option>)}
    </select>
  </div>
);

export const AuditPage: FC = () => (
  <>
    <div class="page-head">
      <div>
        <h1>Audit log</h1>
        <p>One hash-chained record per request and per admin action. Records hold finding types and counts, never values.</p>
      </div>
      <div class="actions">
        <span id="chain-badge" class="chain pending" role="status">Chain not checked yet</span>
        <button type="button" class="btn" id="verify">Verify chain</button>
        <button type="button" class="btn" id="export-csv">Export CSV</button>
        <button type="button" class="btn" id="export-jsonl">Export JSONL</button>
      </div>
    </div>
    <div class="stack">
      <form id="audit-filters" class="panel filters" aria-label="Filters">
        <Choice name="range" label="Time range" options={[['any', 'Any time'], ['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['custom', 'Custom…']]} />
        <div class="field custom-range" hidden>
          <label for="f-from">From</label>
          <input id="f-from" name="from" type="datetime-local" />
        </div>
        <div class="field custom-range" hidden>
          <label for="f-to">To (exclusive)</label>
          <input id="f-to" name="to" type="datetime-local" />
        </div>
        <Text name="team" label="Team" />
        <Text name="key" label="Key id" />
        <Choice name="decision" label="Decision" options={[['', 'Any'], ['allow', 'allow'], ['redact', 'redact'], ['local', 'local'], ['block', 'block']]} />
        <Choice name="route" label="Route" options={[['', 'Any'], ['remote', 'remote'], ['local', 'local'], ['none', 'none']]} />
        <Text name="model" label="Model" placeholder="gpt-4o-mini" />
        <Text name="status" label="Status" placeholder="403" type="number" />
        <Text name="finding" label="Finding type" placeholder="EMAIL" />
        <Choice name="kind" label="Kind" options={[['', 'All'], ['request', 'Requests'], ['admin', 'Admin actions']]} />
        <div class="buttons">
          <button type="submit" class="btn btn-primary">Apply</button>
          <button type="reset" class="btn">Reset</button>
        </div>
      </form>
      <div class="table-wrap">
        <table id="audit-table">
          <caption class="sr-only">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th><th scope="col">Request</th><th scope="col">Team</th><th scope="col">Model</th>
              <th scope="col">Decision</th><th scope="col">Route</th><th scope="col" class="num">Status</th>
              <th scope="col">Findings</th><th scope="col">Policy</th><th scope="col" class="num">Total</th>
            </tr>
          </thead>
          <tbody id="audit-body"><tr><td colspan={10} class="empty">Loading…</td></tr></tbody>
        </table>
      </div>
      <div class="table-foot">
        <span id="audit-count" role="status"></span>
        <button type="button" class="btn" id="load-more" hidden>Load more</button>
      </div>
    </div>
    <dialog id="record-dialog" aria-labelledby="record-title">
      <div class="dlg-head">
        <h2 id="record-title">Record</h2>
        <button type="button" class="btn btn-small" id="record-close">Close</button>
      </div>
      <div class="dlg-body" id="record-body"></div>
    </dialog>
  </>
);
