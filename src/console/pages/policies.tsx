/** @jsxImportSource hono/jsx */
/**
 * @module console/pages/policies
 * Markup of the policy editor: policy picker, YAML editor with line gutter, validation status and
 * error list, save form; the test bench beside it; the diff and the version history below; the
 * roll-back confirmation dialog. Filled by `assets/policies-js.ts`.
 */
import type { FC } from 'hono/jsx';
import { ConfirmDialog } from './confirm-dialog.tsx';

const SAMPLE = 'Please send the signed contract to jane.doe@example.com and call me on +1 415 555 0134 tomorrow.';

export const PoliciesPage: FC = () => (
  <>
    <div class="page-head">
      <div>
        <h1>Policies</h1>
        <p>Every save is a new version; the newest is in force at once, no restart.</p>
      </div>
      <div class="actions">
        <label for="policy-select">Policy</label>
        <select id="policy-select"><option>Loading…</option></select>
      </div>
    </div>
    <p id="policy-meta" class="muted small">&nbsp;</p>
    <div class="editor-layout">
      <section class="panel" aria-labelledby="editor-heading">
        <div class="panel-head">
          <h2 id="editor-heading">Policy YAML</h2>
          <div class="actions">
            <span id="validation-status" class="status-line pending" role="status">Loading…</span>
          </div>
        </div>
        <div class="editor">
          <pre id="gutter" class="gutter" aria-hidden="true">1</pre>
          <textarea id="source" aria-label="Policy YAML" aria-describedby="validation-status" spellcheck={false}
            autocapitalize="off" autocomplete="off" wrap="off"></textarea>
        </div>
        <ul id="errors" class="errors" aria-label="Validation errors" hidden></ul>
        <form id="save-form" class="save-row">
          <div class="field">
            <label for="save-message">Change message</label>
            <input id="save-message" name="message" type="text" placeholder="Why this change (kept in the version history)" autocomplete="off" />
          </div>
          <button type="submit" id="save" class="btn btn-primary needs-admin" disabled>Save new version</button>
        </form>
        <p id="save-result" class="sr-only" role="status"></p>
      </section>
      <section class="panel bench" aria-labelledby="bench-heading">
        <h2 id="bench-heading">Test bench</h2>
        <p id="bench-policy-note" class="muted small">Runs a sample prompt through the policy without sending anything anywhere.</p>
        <div class="field">
          <label for="bench-text">Sample prompt</label>
          <textarea id="bench-text" spellcheck={false}>{SAMPLE}</textarea>
        </div>
        <div class="result-row">
          <button type="button" id="bench-run" class="btn btn-primary">Run test</button>
          <span class="muted small">or <kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the sample</span>
        </div>
        <div id="bench-result" aria-live="polite"></div>
      </section>
    </div>
    <div class="grid grid-2" id="history">
      <section class="panel" aria-labelledby="diff-title">
        <h2 id="diff-title">Changes</h2>
        <div id="diff" class="diff" tabindex={0} role="region" aria-labelledby="diff-title"></div>
      </section>
      <section class="panel" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Version history</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Version</th><th scope="col">Saved</th><th scope="col">Author</th><th scope="col">Message</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody id="versions-body"></tbody>
          </table>
        </div>
      </section>
    </div>
    <ConfirmDialog id="rollback" title="Roll back?" confirm="Roll back" tone="primary">
      <p id="rollback-text"></p>
      <div class="field">
        <label for="rollback-message">Change message</label>
        <input id="rollback-message" type="text" autocomplete="off" />
      </div>
    </ConfirmDialog>
  </>
);
