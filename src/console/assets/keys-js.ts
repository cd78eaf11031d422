/**
 * @module console/assets/keys-js
 * Browser script of the keys page: gateway keys (create — the secret shown once, list, edit
 * team/policy/rate limit/allowed models, revoke after a confirmation) and policy bindings (the
 * organisation default and per-team policies).
 */
export const KEYS_JS = String.raw`
(function () {
  'use strict';
  var V = window.Veil, h = V.h;
  var tbody = V.$('#keys-body');
  var createForm = V.$('#create-key');
  var secretBox = V.$('#new-secret');
  var editDlg = V.$('#edit-dialog');
  var editForm = V.$('#edit-form');
  var revokeDlg = V.$('#revoke-dialog');
  var showRevoked = V.$('#show-revoked');
  var policies = [], defaultPolicy = null, keys = [], editing = null, revoking = null;

  function policyOptions(sel, selected, emptyLabel) {
    V.clear(sel);
    sel.appendChild(h('option', { value: '' }, emptyLabel));
    policies.forEach(function (p) { sel.appendChild(h('option', { value: p.id, selected: p.id === selected }, p.id)); });
    sel.value = selected || '';
  }
  /** "60" → 60, "" → null; undefined when not a positive integer. */
  function parseRpm(v) {
    v = String(v).trim();
    if (!v) return null;
    var n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }
  function parseModels(v) {
    var list = String(v).split(/[\s,]+/).filter(Boolean);
    return list.length ? list : null;
  }
  /** The API body of a key form (create or edit), or null after telling the user what is wrong. */
  function keyBody(f) {
    var rpm = parseRpm(f.rpm.value);
    if (rpm === undefined) { V.toast('Rate limit must be a whole number of requests per minute, or empty.', 'bad'); f.rpm.focus(); return null; }
    return { team: f.team.value.trim(), policy_id: f.policy.value || null, rate_limit_rpm: rpm, allowed_models: parseModels(f.models.value) };
  }

  function keyRow(k) {
    var revoked = !!k.revoked_at;
    var admin = V.isAdmin();
    return h('tr', { 'data-key-id': k.id, class: revoked ? 'muted' : null },
      h('td', { class: 'mono' }, k.prefix + '…'),
      h('td', null, k.team),
      h('td', null, k.policy_id || h('span', { class: 'muted' }, 'team / default')),
      h('td', { class: 'num' }, k.rate_limit_rpm ? k.rate_limit_rpm + '/min' : h('span', { class: 'muted' }, 'unlimited')),
      h('td', { class: 'wrap' }, k.allowed_models ? k.allowed_models.join(', ') : h('span', { class: 'muted' }, 'all')),
      h('td', null, V.fmtTime(k.created_at)),
      h('td', null, revoked ? h('span', { class: 'badge d-block' }, 'revoked') : h('span', { class: 'badge d-allow' }, 'active')),
      h('td', null, revoked ? null : [
        h('button', { type: 'button', class: 'btn btn-small needs-admin', disabled: !admin, 'aria-label': 'Edit key ' + k.prefix, onclick: function () { openEdit(k); } }, 'Edit'), ' ',
        h('button', { type: 'button', class: 'btn btn-small btn-danger needs-admin', disabled: !admin, 'aria-label': 'Revoke key ' + k.prefix, onclick: function () { askRevoke(k); } }, 'Revoke')
      ]));
  }
  function renderKeys() {
    V.clear(tbody);
    var list = keys.filter(function (k) { return showRevoked.checked || !k.revoked_at; });
    if (!list.length) tbody.appendChild(h('tr', null, h('td', { colspan: 8, class: 'empty' }, keys.length ? 'Only revoked keys — tick "Show revoked" to see them.' : 'No gateway keys yet.')));
    list.forEach(function (k) { tbody.appendChild(keyRow(k)); });
    V.$('#keys-count').textContent = keys.filter(function (k) { return !k.revoked_at; }).length + ' active, ' + keys.filter(function (k) { return k.revoked_at; }).length + ' revoked';
  }
  function loadKeys() {
    return V.api('/keys').then(function (r) {
      if (!r.ok) { V.clear(tbody).appendChild(h('tr', null, h('td', { colspan: 8, class: 'empty' }, V.errorText(r)))); return; }
      keys = r.data.data.slice().sort(function (a, b) { return String(b.created_at).localeCompare(String(a.created_at)); });
      renderKeys();
    });
  }
  showRevoked.addEventListener('change', renderKeys);

  createForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = createForm.elements;
    var body = keyBody(f);
    if (!body) return;
    if (!body.team) { V.toast('A key needs a team.', 'bad'); f.team.focus(); return; }
    V.api('/keys', { method: 'POST', body: body }).then(function (r) {
      if (!r.ok) { V.toast('Not created: ' + V.errorText(r), 'bad'); return; }
      V.$('#new-secret-value').textContent = r.data.secret;
      V.$('#new-secret-team').textContent = r.data.key.team;
      secretBox.hidden = false;
      V.$('#copy-secret').focus();
      createForm.reset();
      loadKeys();
    });
  });
  V.$('#copy-secret').addEventListener('click', function () {
    var text = V.$('#new-secret-value').textContent;
    var done = function () { V.toast('Key copied to the clipboard.'); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () { V.toast('Copy failed: select the key and copy it by hand.', 'bad'); });
  });
  V.$('#dismiss-secret').addEventListener('click', function () {
    V.$('#new-secret-value').textContent = '';
    secretBox.hidden = true;
    createForm.elements.team.focus();
  });

  function openEdit(k) {
    editing = k;
    var f = editForm.elements;
    V.$('#edit-title').textContent = 'Edit key ' + k.prefix + '…';
    f.team.value = k.team;
    policyOptions(f.policy, k.policy_id, 'Team / organisation default');
    f.rpm.value = k.rate_limit_rpm || '';
    f.models.value = k.allowed_models ? k.allowed_models.join(', ') : '';
    V.openDialog(editDlg);
  }
  V.$('#edit-cancel').addEventListener('click', function () { editDlg.close(); });
  editForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var body = keyBody(editForm.elements);
    if (!body) return;
    V.api('/keys/' + encodeURIComponent(editing.id), { method: 'PATCH', body: body }).then(function (r) {
      if (!r.ok) { V.toast('Not saved: ' + V.errorText(r), 'bad'); return; }
      editDlg.close();
      V.toast('Key ' + r.data.key.prefix + '… updated.');
      loadKeys();
    });
  });

  function askRevoke(k) {
    revoking = k;
    V.$('#revoke-text').textContent = 'Key ' + k.prefix + '… of team ' + k.team + ' will stop working at once. This cannot be undone.';
    V.openDialog(revokeDlg);
  }
  V.$('#revoke-cancel').addEventListener('click', function () { revokeDlg.close(); });
  V.$('#revoke-confirm').addEventListener('click', function () {
    V.api('/keys/' + encodeURIComponent(revoking.id) + '/revoke', { method: 'POST', body: {} }).then(function (r) {
      revokeDlg.close();
      if (!r.ok) { V.toast('Not revoked: ' + V.errorText(r), 'bad'); return; }
      V.toast('Key ' + r.data.key.prefix + '… revoked.');
      loadKeys();
    });
  });

  // ---- bindings ------------------------------------------------------------------------------
  var bindBody = V.$('#bindings-body');
  function renderBindings(b) {
    defaultPolicy = b.default_policy;
    policyOptions(V.$('#default-policy'), b.default_policy, '—');
    V.clear(bindBody);
    if (!b.teams.length) bindBody.appendChild(h('tr', null, h('td', { colspan: 3, class: 'empty' }, 'No team bindings: every team uses the organisation default.')));
    b.teams.forEach(function (t) {
      bindBody.appendChild(h('tr', null, h('td', null, t.team), h('td', null, t.policy_id),
        h('td', null, h('button', { type: 'button', class: 'btn btn-small needs-admin', disabled: !V.isAdmin(), 'aria-label': 'Remove binding of team ' + t.team, onclick: function () {
          V.api('/bindings/teams/' + encodeURIComponent(t.team), { method: 'DELETE' }).then(function (r) { if (r.ok) renderBindings(r.data); else V.toast(V.errorText(r), 'bad'); });
        } }, 'Remove'))));
    });
  }
  V.$('#default-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var id = V.$('#default-policy').value;
    if (!id) return;
    V.api('/bindings/default', { method: 'PUT', body: { policy_id: id } }).then(function (r) {
      if (!r.ok) { V.toast(V.errorText(r), 'bad'); return; }
      V.toast('Organisation default is now ' + r.data.default_policy + '.');
      renderBindings(r.data);
    });
  });
  V.$('#bind-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var form = ev.currentTarget;
    var f = form.elements;
    var team = f.team.value.trim();
    if (!team || !f.policy.value) { V.toast('Choose a team and a policy.', 'bad'); return; }
    V.api('/bindings/teams/' + encodeURIComponent(team), { method: 'PUT', body: { policy_id: f.policy.value } }).then(function (r) {
      if (!r.ok) { V.toast(V.errorText(r), 'bad'); return; }
      V.toast('Team ' + team + ' now uses ' + f.policy.value + '.');
      form.reset();
      renderBindings(r.data);
    });
  });

  V.onReady(function () {
    V.api('/policies').then(function (r) {
      if (r.ok) policies = r.data.data;
      policyOptions(createForm.elements.policy, null, 'Team / organisation default');
      policyOptions(V.$('#bind-form').elements.policy, null, 'Choose a policy');
      return V.api('/bindings');
    }).then(function (r) { if (r.ok) renderBindings(r.data); });
    loadKeys();
  });
})();
`;
