/**
 * @module console/assets/policies-js
 * Browser script of the policy editor: YAML in a textarea with a line-number gutter; validation
 * through `POST /admin/api/policies/validate` debounced as the user types, errors listed with
 * line and field and marked in the gutter (a click jumps to the line); the diff of the editor's
 * text against the version in force; save with a message; version history with roll back; and
 * the test bench, which runs the editor's unsaved text on a sample and highlights the findings.
 * Responses that arrive out of order are dropped (a sequence number per kind of call).
 */
export const POLICIES_JS = String.raw`
(function () {
  'use strict';
  var V = window.Veil, h = V.h;
  var LINE_PX = 20;
  var NEW = '__new__';
  var TEMPLATE = 'id: new-policy\ndescription: What this policy is for.\n# Start from the organisation default and override what differs.\nextends: default\n\nrules:\n  EMAIL: { action: redact }\n';

  var select = V.$('#policy-select');
  var meta = V.$('#policy-meta');
  var src = V.$('#source');
  var gutter = V.$('#gutter');
  var statusEl = V.$('#validation-status');
  var errorsEl = V.$('#errors');
  var saveBtn = V.$('#save');
  var saveMsg = V.$('#save-message');
  var diffEl = V.$('#diff');
  var diffTitle = V.$('#diff-title');
  var versionsBody = V.$('#versions-body');
  var benchText = V.$('#bench-text');
  var benchRun = V.$('#bench-run');
  var benchOut = V.$('#bench-result');
  var benchNote = V.$('#bench-policy-note');
  var rbDialog = V.$('#rollback-dialog');

  var current = { id: null, version: null, source: '', isNew: false, defaultPolicy: null };
  var validation = { ok: false, errors: [], source: null };
  var seq = { validate: 0, diff: 0, bench: 0 };
  var rollbackTo = null;

  // ---- gutter -------------------------------------------------------------------------------
  function errorLines() {
    var set = {};
    validation.errors.forEach(function (e) { if (e.line) set[e.line] = true; });
    return set;
  }
  function renderGutter() {
    var n = src.value.split('\n').length;
    var bad = validation.source === src.value ? errorLines() : {};
    V.clear(gutter);
    for (var i = 1; i <= n; i++) {
      if (i > 1) gutter.appendChild(document.createTextNode('\n'));
      if (bad[i]) gutter.appendChild(h('span', { class: 'err', title: 'Error on line ' + i }, String(i)));
      else gutter.appendChild(document.createTextNode(String(i)));
    }
    gutter.appendChild(document.createTextNode('\n\n'));
    gutter.scrollTop = src.scrollTop;
  }
  src.addEventListener('scroll', function () { gutter.scrollTop = src.scrollTop; });

  function jumpToLine(line) {
    var lines = src.value.split('\n');
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || '').length;
    src.focus();
    src.setSelectionRange(start, end);
    src.scrollTop = Math.max(0, (line - 4) * LINE_PX);
  }

  // ---- validation ---------------------------------------------------------------------------
  function setStatus(kind, text) {
    statusEl.className = 'status-line ' + kind;
    statusEl.textContent = text;
  }
  function renderErrors(errors) {
    V.clear(errorsEl);
    errorsEl.hidden = !errors.length;
    errors.forEach(function (e) {
      var loc = e.line ? 'Line ' + e.line : 'Document';
      var btn = h('button', { type: 'button', 'data-line': e.line || '' },
        h('span', { class: 'loc' }, loc),
        e.field ? h('span', { class: 'field-name' }, e.field + ':') : null,
        e.message);
      if (e.line) btn.addEventListener('click', function () { jumpToLine(e.line); });
      errorsEl.appendChild(h('li', null, btn));
    });
  }
  function updateSaveState() {
    var dirty = current.isNew || src.value !== current.source;
    var valid = validation.ok && validation.source === src.value;
    saveBtn.disabled = !(valid && dirty && V.isAdmin());
    saveBtn.title = !V.isAdmin() ? 'Needs the admin role' : !valid ? 'Fix the errors first' : !dirty ? 'No changes to save' : '';
  }
  function validate() {
    var text = src.value;
    var my = ++seq.validate;
    return V.api('/policies/validate', { method: 'POST', body: { source: text } }).then(function (r) {
      if (my !== seq.validate) return;
      if (!r.ok) {
        validation = { ok: false, errors: r.data && r.data.error && r.data.error.details ? r.data.error.details : [{ line: null, field: null, message: V.errorText(r) }], source: text };
      } else {
        validation = { ok: !!r.data.ok, errors: r.data.ok ? [] : (r.data.errors || []), source: text, types: r.data.types || [] };
      }
      if (validation.ok) setStatus('ok', '✓ Valid policy' + (validation.types && validation.types.length ? ' · ' + validation.types.length + ' entity types' : ''));
      else setStatus('bad', '✗ ' + validation.errors.length + ' error' + (validation.errors.length === 1 ? '' : 's') + ' — nothing can be saved until fixed');
      renderErrors(validation.errors);
      renderGutter();
      updateSaveState();
      benchNote.textContent = validation.ok ? 'Checked against the editor\u2019s text (unsaved changes included).' : 'The editor has errors: the bench uses the version in force.';
    });
  }
  var validateSoon = V.debounce(validate, 350);

  // ---- diff ---------------------------------------------------------------------------------
  function renderUnified(text) {
    V.clear(diffEl);
    text.split('\n').forEach(function (line) {
      if (line === '') return;
      var c = line.indexOf('+++') === 0 || line.indexOf('---') === 0 ? 'meta' : line[0] === '@' ? 'hunk' : line[0] === '+' ? 'add' : line[0] === '-' ? 'del' : '';
      diffEl.appendChild(h('div', { class: c }, line));
    });
  }
  function diffMessage(msg) { V.clear(diffEl).appendChild(h('div', { class: 'meta' }, msg)); }
  function refreshDiff() {
    if (current.isNew) { diffTitle.textContent = 'Changes'; diffMessage('A new policy: there is no version in force to compare with yet.'); return; }
    diffTitle.textContent = 'Changes against version ' + current.version + ' (in force)';
    var my = ++seq.diff;
    V.api('/policies/' + encodeURIComponent(current.id) + '/diff', { method: 'POST', body: { source: src.value } }).then(function (r) {
      if (my !== seq.diff) return;
      if (!r.ok) { diffMessage(V.errorText(r)); return; }
      if (!r.data.changed) diffMessage('No changes: the editor matches version ' + current.version + '.');
      else renderUnified(r.data.diff);
    });
  }
  var diffSoon = V.debounce(refreshDiff, 500);

  // ---- versions -----------------------------------------------------------------------------
  function loadVersions() {
    V.clear(versionsBody);
    if (current.isNew) { versionsBody.appendChild(h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'Not saved yet.'))); return; }
    V.api('/policies/' + encodeURIComponent(current.id) + '/versions').then(function (r) {
      V.clear(versionsBody);
      if (!r.ok) { versionsBody.appendChild(h('tr', null, h('td', { colspan: 5, class: 'empty' }, V.errorText(r)))); return; }
      r.data.data.forEach(function (v) {
        var inForce = v.version === current.version;
        versionsBody.appendChild(h('tr', null,
          h('td', null, 'v' + v.version, inForce ? [' ', h('span', { class: 'badge d-allow' }, 'in force')] : null),
          h('td', null, V.fmtTime(v.created_at)),
          h('td', null, v.author || '—'),
          h('td', { class: 'wrap' }, v.message || h('span', { class: 'muted' }, 'no message')),
          h('td', null, inForce ? null : [
            h('button', { type: 'button', class: 'btn btn-small', onclick: function () { showVersionDiff(v.version); } }, 'Diff'), ' ',
            h('button', { type: 'button', class: 'btn btn-small needs-admin', disabled: !V.isAdmin(), onclick: function () { askRollback(v.version); } }, 'Roll back')
          ])));
      });
    });
  }
  function showVersionDiff(version) {
    diffTitle.textContent = 'Version ' + version + ' → version ' + current.version + ' (in force)';
    var my = ++seq.diff;
    V.api('/policies/' + encodeURIComponent(current.id) + '/diff?from=' + version + '&to=' + current.version).then(function (r) {
      if (my !== seq.diff) return;
      if (!r.ok) { diffMessage(V.errorText(r)); return; }
      if (!r.data.changed) diffMessage('Versions ' + version + ' and ' + current.version + ' are identical.');
      else renderUnified(r.data.diff);
      diffEl.focus();
    });
  }
  function askRollback(version) {
    rollbackTo = version;
    V.$('#rollback-text').textContent = 'Make a new version of ' + current.id + ' whose text equals version ' + version + '. History is kept; nothing is deleted.';
    V.$('#rollback-message').value = 'Roll back to version ' + version;
    V.openDialog(rbDialog);
  }
  V.$('#rollback-cancel').addEventListener('click', function () { rbDialog.close(); });
  V.$('#rollback-confirm').addEventListener('click', function () {
    var version = rollbackTo;
    V.api('/policies/' + encodeURIComponent(current.id) + '/rollback', { method: 'POST', body: { version: version, message: V.$('#rollback-message').value } }).then(function (r) {
      rbDialog.close();
      if (!r.ok) { V.toast(V.errorText(r), 'bad'); return; }
      V.toast('Rolled back: ' + r.data.id + ' version ' + r.data.version + ' is now in force.');
      showPolicy(r.data);
    });
  });

  // ---- load / save --------------------------------------------------------------------------
  function metaText(p) {
    return 'Version ' + p.version + ' in force · saved ' + V.fmtTime(p.created_at) + ' by ' + (p.author || 'unknown') + ' · sha256 ' + String(p.hash || '').slice(0, 12);
  }
  function showPolicy(p) {
    current = { id: p.id, version: p.version, source: p.source, isNew: false, defaultPolicy: current.defaultPolicy };
    meta.textContent = metaText(p);
    src.value = p.source;
    validation = { ok: false, errors: [], source: null };
    renderGutter();
    setStatus('pending', 'Checking…');
    validate();
    refreshDiff();
    loadVersions();
    var url = location.pathname + '?id=' + encodeURIComponent(p.id);
    history.replaceState(null, '', url);
  }
  function loadPolicy(id) {
    if (id === NEW) {
      current = { id: null, version: null, source: '', isNew: true, defaultPolicy: current.defaultPolicy };
      meta.textContent = 'A new policy: it is created when you save. Its id comes from the YAML.';
      src.value = TEMPLATE.replace('extends: default', 'extends: ' + (current.defaultPolicy || 'default'));
      validation = { ok: false, errors: [], source: null };
      renderGutter(); setStatus('pending', 'Checking…'); validate(); refreshDiff(); loadVersions();
      return Promise.resolve();
    }
    return V.api('/policies/' + encodeURIComponent(id)).then(function (r) {
      if (!r.ok) { V.toast(V.errorText(r), 'bad'); return; }
      showPolicy(r.data);
    });
  }
  function loadList(selectId) {
    return V.api('/policies').then(function (r) {
      if (!r.ok) { V.toast(V.errorText(r), 'bad'); return null; }
      current.defaultPolicy = r.data.default_policy;
      V.clear(select);
      r.data.data.forEach(function (p) {
        select.appendChild(h('option', { value: p.id }, p.id + ' (v' + p.version + ')' + (p.id === r.data.default_policy ? ' — organisation default' : '')));
      });
      if (V.isAdmin()) select.appendChild(h('option', { value: NEW }, 'New policy…'));
      var want = selectId || r.data.default_policy || (r.data.data[0] && r.data.data[0].id);
      select.value = want;
      return want;
    });
  }
  select.addEventListener('change', function () {
    if (!current.isNew && src.value !== current.source && !confirm('Discard the unsaved changes to ' + current.id + '?')) { select.value = current.id; return; }
    loadPolicy(select.value);
  });

  V.$('#save-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    var body = { source: src.value, message: saveMsg.value.trim() };
    saveBtn.disabled = true;
    var req = current.isNew
      ? V.api('/policies', { method: 'POST', body: body })
      : V.api('/policies/' + encodeURIComponent(current.id), { method: 'PUT', body: body });
    req.then(function (r) {
      if (!r.ok) {
        if (r.data && r.data.error && r.data.error.details) { validation = { ok: false, errors: r.data.error.details, source: src.value }; renderErrors(validation.errors); renderGutter(); setStatus('bad', '✗ Not saved: ' + V.errorText(r)); }
        else V.toast('Not saved: ' + V.errorText(r), 'bad');
        updateSaveState();
        return;
      }
      if (r.data.changed === false) { V.toast('Nothing saved: the text equals the version in force.'); updateSaveState(); return; }
      saveMsg.value = '';
      V.toast('Saved ' + r.data.id + ' version ' + r.data.version + ' — now in force.');
      V.$('#save-result').textContent = 'Saved ' + r.data.id + ' version ' + r.data.version + '.';
      loadList(r.data.id).then(function () { showPolicy(r.data); });
    });
  });

  src.addEventListener('input', function () {
    renderGutter();
    setStatus('pending', 'Checking…');
    saveBtn.disabled = true;
    validateSoon();
    diffSoon();
  });

  // ---- test bench ---------------------------------------------------------------------------
  function highlighted(text, findings) {
    var out = [], at = 0;
    findings.slice().sort(function (a, b) { return a.start - b.start; }).forEach(function (f) {
      if (f.start < at) return;
      if (f.start > at) out.push(text.slice(at, f.start));
      out.push(h('mark', { class: 'finding a-' + (f.action || 'redact'), title: f.type + ' · ' + (f.action || '') + ' · score ' + f.score + ' · ' + f.detector },
        text.slice(f.start, f.end), h('span', { class: 'tag', 'aria-hidden': 'true' }, f.type)));
      // Screen readers hear the type in words rather than a styled tag.
      out.push(h('span', { class: 'sr-only' }, ' (' + f.type + ', ' + (f.action || '') + ')'));
      at = f.end;
    });
    out.push(text.slice(at));
    return out;
  }
  function runBench() {
    var text = benchText.value;
    if (!text.trim()) { V.clear(benchOut).appendChild(h('p', { class: 'muted' }, 'Type a sample prompt first.')); return; }
    var useEditor = validation.ok && validation.source === src.value;
    var body = { text: text };
    if (useEditor) body.policy = src.value; else if (current.id) body.policy = current.id;
    var my = ++seq.bench;
    benchRun.disabled = true;
    V.api('/inspect', { method: 'POST', body: body }).then(function (r) {
      benchRun.disabled = false;
      if (my !== seq.bench) return;
      V.clear(benchOut);
      if (!r.ok) { benchOut.appendChild(h('div', { class: 'notice bad', role: 'alert' }, V.errorText(r))); return; }
      var d = r.data;
      benchOut.appendChild(h('div', { class: 'result-row' },
        h('span', null, 'Decision'), h('span', { id: 'bench-decision', class: 'badge d-' + d.decision }, d.decision),
        h('span', { class: 'muted small' }, d.findings.length + ' finding' + (d.findings.length === 1 ? '' : 's') + ' · policy ' + (d.policy && d.policy.id ? d.policy.id + (d.policy.version ? ' v' + d.policy.version : ' (editor text)') : ''))));
      benchOut.appendChild(h('h3', null, 'Findings in the sample'));
      benchOut.appendChild(h('div', { class: 'sample', id: 'bench-sample' }, highlighted(text, d.findings)));
      if (d.findings.length) {
        benchOut.appendChild(h('div', { class: 'table-wrap', style: { 'margin-top': '10px' } }, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Type'), h('th', null, 'Action'), h('th', { class: 'num' }, 'Score'), h('th', null, 'Detector'), h('th', { class: 'num' }, 'Span'))),
          h('tbody', null, d.findings.map(function (f) {
            return h('tr', null, h('td', { class: 'mono' }, f.type), h('td', null, V.badge(f.action)), h('td', { class: 'num' }, Number(f.score).toFixed(2)), h('td', null, f.detector), h('td', { class: 'num' }, f.start + '–' + f.end));
          })))));
      }
      benchOut.appendChild(h('h3', { style: { 'margin-top': '12px' } }, d.decision === 'redact' ? 'What leaves the gateway' : 'Transformed text'));
      if (d.decision === 'local') benchOut.appendChild(h('p', { class: 'muted small' }, 'Decision local: this request would be answered on-premises; nothing leaves.'));
      if (d.decision === 'block') benchOut.appendChild(h('p', { class: 'muted small' }, 'Decision block: this request would be refused; nothing leaves.'));
      benchOut.appendChild(h('pre', { class: 'transformed', id: 'bench-transformed' }, d.transformed));
    });
  }
  benchRun.addEventListener('click', runBench);
  benchText.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runBench(); } });

  V.onReady(function () {
    var want = new URLSearchParams(location.search).get('id');
    loadList(want).then(function (id) { if (id) loadPolicy(id); });
  });
})();
`;
