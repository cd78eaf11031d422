/** @jsxImportSource hono/jsx */
/**
 * @module console/pages/keys
 * Markup of the keys page: create a gateway key (its secret shown once), the keys table, policy
 * bindings (organisation default, per team), and the edit and revoke dialogs. Filled by
 * `assets/keys-js.ts`.
 */
import type { FC } from 'hono/jsx';
import { ConfirmDialog } from './confirm-dialog.tsx';

const KeyFields: FC<{ prefix: string }> = ({ prefix }) => (
  <>
    <div class="field">
      <label for={`${prefix}-team`}>Team</label>
      <input id={`${prefix}-team`} name="team" type="text" required autocomplete="off" placeholder="research" aria-describedby={`${prefix}-team-hint`} />
      <span class="hint" id={`${prefix}-team-hint`}>Audit records and pseudonyms are per team.</span>
    </div>
    <div class="field">
      <label for={`${prefix}-policy`}>Policy</label>
      <select id={`${prefix}-policy`} name="policy" aria-describedby={`${prefix}-policy-hint`}><option value="">Team / organisation default</option></select>
      <span class="hint" id={`${prefix}-policy-hint`}>Overrides the team's binding.</span>
    </div>
    <div class="field">
      <label for={`${prefix}-rpm`}>Rate limit</label>
      <input id={`${prefix}-rpm`} name="rpm" type="number" min="1" step="1" inputmode="numeric" placeholder="unlimited" aria-describedby={`${prefix}-rpm-hint`} />
      <span class="hint" id={`${prefix}-rpm-hint`}>Requests per minute; empty = unlimited.</span>
    </div>
    <div class="field">
      <label for={`${prefix}-models`}>Allowed models</label>
      <input id={`${prefix}-models`} name="models" type="text" autocomplete="off" placeholder="all models" aria-describedby={`${prefix}-models-hint`} />
      <span class="hint" id={`${prefix}-models-hint`}>Comma-separated; <code>claude-*</code> matches a prefix.</span>
    </div>
  </>
);

export const KeysPage: FC = () => (
  <>
    <div class="page-head">
      <div>
        <h1>Keys</h1>
        <p>Gateway keys are what applications send as <code>Authorization: Bearer veil_…</code>. Only a hash is stored.</p>
      </div>
    </div>
    <div class="stack">
      <section class="panel">
        <form id="create-key">
          <fieldset>
            <legend>Create a gateway key</legend>
            <div class="form-row">
              <KeyFields prefix="new" />
              <button type="submit" class="btn btn-primary needs-admin">Create key</button>
            </div>
          </fieldset>
        </form>
        <div id="new-secret" class="notice warn" hidden>
          <strong>New key for team <span id="new-secret-team"></span>.</strong> Copy it now: it is shown only this once and cannot be recovered.
          <div class="secret-box">
            <code id="new-secret-value" aria-label="New gateway key"></code>
            <button type="button" class="btn" id="copy-secret">Copy</button>
            <button type="button" class="btn" id="dismiss-secret">Done</button>
          </div>
        </div>
      </section>
      <section class="panel" aria-labelledby="keys-heading">
        <div class="panel-head">
          <h2 id="keys-heading">Gateway keys</h2>
          <span id="keys-count" class="muted small"></span>
          <div class="actions">
            <input type="checkbox" id="show-revoked" />
            <label for="show-revoked">Show revoked</label>
          </div>
        </div>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th><th scope="col">Team</th><th scope="col">Policy</th><th scope="col" class="num">Rate limit</th>
                <th scope="col">Allowed models</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody id="keys-body"><tr><td colspan={8} class="empty">Loading…</td></tr></tbody>
          </table>
        </div>
      </section>
      <section class="panel" aria-labelledby="bindings-heading">
        <h2 id="bindings-heading">Policy bindings</h2>
        <p class="muted small">A request is checked against its key's policy if it has one, else its team's, else the organisation default.</p>
        <form id="default-form" class="form-row compact">
          <div class="field">
            <label for="default-policy">Organisation default</label>
            <select id="default-policy"></select>
          </div>
          <button type="submit" class="btn needs-admin">Set default</button>
        </form>
        <div class="table-wrap spaced">
          <table>
            <thead><tr><th scope="col">Team</th><th scope="col">Policy</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody id="bindings-body"></tbody>
          </table>
        </div>
        <form id="bind-form" class="form-row compact">
          <div class="field">
            <label for="bind-team">Team</label>
            <input id="bind-team" name="team" type="text" autocomplete="off" />
          </div>
          <div class="field">
            <label for="bind-policy">Policy</label>
            <select id="bind-policy" name="policy"></select>
          </div>
          <button type="submit" class="btn needs-admin">Bind team</button>
        </form>
      </section>
    </div>
    <dialog id="edit-dialog" aria-labelledby="edit-title">
      <form id="edit-form">
        <div class="dlg-head"><h2 id="edit-title">Edit key</h2></div>
        <div class="dlg-body stack">
          <KeyFields prefix="edit" />
        </div>
        <div class="dlg-foot">
          <button type="button" class="btn" id="edit-cancel">Cancel</button>
          <button type="submit" class="btn btn-primary">Save</button>
        </div>
      </form>
    </dialog>
    <ConfirmDialog id="revoke" title="Revoke key?" confirm="Revoke key" tone="danger">
      <p id="revoke-text"></p>
    </ConfirmDialog>
  </>
);
