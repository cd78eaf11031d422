/**
 * @module console/assets/audit-js
 * Browser script of the audit log page: filters mirrored in the page URL (so a filtered view can
 * be linked), the table with cursor paging, a record's detail in a modal `<dialog>`, CSV/JSONL
 * export through the API's streamed export (fetched with the bearer token, saved as a file), and
 * the hash chain's verification badge.
 */
export const AUDIT_JS = String.raw`
(function () {
  'use strict';
  var V = window.Veil, h = V.h;
  var form = V.$('#audit-filters');
  var body = V.$('#audit-body');
  var more = V.$('#load-more');
  var count = V.$('#audit-count');
  var dlg = V.$('#record-dialog');
  var FIELDS = ['team', 'key', 'decision', 'route', 'model', 'status', 'finding', 'kind'];
  var RANGES = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 };
  var cursor = null, shown = 0, records = {};

  function toLocalInput(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    var off = d.getTimezoneOffset() * 60000;
    return new Date(d.getTime() - off).toISOString().slice(0, 16);
  }
  function fromLocalInput(v) {
    if (!v) return '';
    var d = new Date(v);
    return isNaN(d.getTime()) ? '' : d.toISOString();
  }
  function syncCustom() {
    var custom = form.elements.range.value === 'custom';
    V.$$('.custom-range', form).forEach(function (el) { el.hidden = !custom; });
  }

  /**
   * The form's filters as query parameters: for the API (filters only; a relative range becomes
   * its start time) or, with forPage, for the page URL (keeps the range name, so a link stays relative).
   */
  function formQuery(forPage) {
    var p = new URLSearchParams();
    var range = form.elements.range.value;
    if (forPage) {
      if (range && range !== 'any') p.set('range', range);
    } else if (RANGES[range]) p.set('from', new Date(Date.now() - RANGES[range] * 3600000).toISOString());
    if (range === 'custom') {
      var f = fromLocalInput(form.elements.from.value), t = fromLocalInput(form.elements.to.value);
      if (f) p.set('from', f);
      if (t) p.set('to', t);
    }
    FIELDS.forEach(function (k) { var v = form.elements[k].value.trim(); if (v) p.set(k, v); });
    return p;
  }
  function readUrl() {
    var p = new URLSearchParams(location.search);
    var range = p.get('range') || ((p.get('from') || p.get('to')) ? 'custom' : 'any');
    form.elements.range.value = range;
    if (p.get('from')) form.elements.from.value = toLocalInput(p.get('from'));
    if (p.get('to')) form.elements.to.value = toLocalInput(p.get('to'));
    FIELDS.forEach(function (k) { if (p.get(k)) form.elements[k].value = p.get(k); });
    syncCustom();
    return p.get('seq');
  }

  function isAdminRecord(r) { return typeof r.endpoint === 'string' && r.endpoint.indexOf('ADMIN ') === 0; }

  function row(r) {
    records[r.seq] = r;
    var admin = isAdminRecord(r);
    var bad = r.status >= 400;
    return h('tr', { 'data-request-id': r.requestId },
      h('td', null, V.fmtTime(r.ts)),
      h('td', null, h('button', { type: 'button', class: 'btn-link mono', 'data-seq': r.seq, 'aria-label': 'Details of ' + r.requestId }, r.requestId)),
      h('td', null, r.team || '—'),
      h('td', null, admin ? h('span', { class: 'muted' }, r.endpoint.slice(6)) : (r.model || '—')),
      h('td', null, admin ? h('span', { class: 'badge d-none' }, 'admin') : V.badge(r.decision)),
      h('td', null, r.route),
      h('td', { class: 'num' }, bad ? h('strong', { style: { color: 'var(--danger)' } }, String(r.status)) : String(r.status)),
      h('td', { class: 'wrap' }, V.findingsText(r.findings)),
      h('td', null, r.policyId ? r.policyId + (r.policyVersion ? ' v' + r.policyVersion : '') : '—'),
      h('td', { class: 'num' }, V.fmtMs(r.totalMs)));
  }

  function load(append) {
    var p = formQuery(false);
    p.set('limit', '50');
    if (append && cursor) p.set('cursor', cursor);
    if (!append) {
      V.clear(body).appendChild(h('tr', null, h('td', { colspan: 10, class: 'empty' }, 'Loading…')));
      shown = 0;
    }
    more.disabled = true;
    return V.api('/audit?' + p.toString()).then(function (r) {
      if (!append) V.clear(body);
      if (!r.ok) { body.appendChild(h('tr', null, h('td', { colspan: 10, class: 'empty' }, V.errorText(r)))); count.textContent = ''; return; }
      r.data.data.forEach(function (rec) { body.appendChild(row(rec)); });
      shown += r.data.data.length;
      if (!shown) body.appendChild(h('tr', null, h('td', { colspan: 10, class: 'empty' }, 'No records match these filters.')));
      cursor = r.data.next_cursor;
      more.hidden = !cursor;
      more.disabled = false;
      count.textContent = 'Showing ' + V.fmtNum(shown) + ' record' + (shown === 1 ? '' : 's') + (cursor ? ' — more available' : '');
    });
  }

  function kv(label, value, mono) {
    return [h('dt', null, label), h('dd', mono ? { class: 'mono' } : null, value === null || value === undefined || value === '' ? '—' : value)];
  }
  function showRecord(r) {
    V.$('#record-title').textContent = 'Record #' + r.seq;
    var b = V.clear(V.$('#record-body'));
    var findings = Object.keys(r.findings || {});
    b.appendChild(h('dl', { class: 'kv' },
      kv('Request id', r.requestId, true), kv('Time', V.fmtTime(r.ts) + ' (' + r.ts + ')'), kv('Endpoint', r.endpoint, true),
      kv('Team', r.team), kv('Key', r.keyId, true), kv('Model', r.model),
      kv('Decision', isAdminRecord(r) ? 'admin action' : V.badge(r.decision)), kv('Route', r.route), kv('Provider', r.provider),
      kv('Status', r.status + (r.errorCode ? ' · ' + r.errorCode : '')),
      kv('Policy', r.policyId ? r.policyId + (r.policyVersion ? ' (version ' + r.policyVersion + ')' : '') : null),
      kv('Policy hash', r.policyHash, true),
      kv('Findings', findings.length ? h('ul', { class: 'small', style: { margin: '0', 'padding-left': '18px' } }, findings.map(function (k) { return h('li', null, h('span', { class: 'mono' }, k), ' × ' + r.findings[k]); })) : 'none'),
      kv('Streamed', r.stream ? 'yes' : 'no'),
      kv('Tokens', (r.tokensIn === null || r.tokensIn === undefined ? '—' : r.tokensIn) + ' in · ' + (r.tokensOut === null || r.tokensOut === undefined ? '—' : r.tokensOut) + ' out'),
      kv('Timing', 'inspect ' + V.fmtMs(r.inspectMs) + ' · upstream ' + V.fmtMs(r.upstreamMs) + ' · total ' + V.fmtMs(r.totalMs)),
      kv('Chain', r.chainId + ' #' + r.chainSeq), kv('Previous hash', r.prevHash, true), kv('Hash', r.hash, true),
      r.detail ? kv('Admin detail', h('pre', { class: 'transformed' }, JSON.stringify(r.detail, null, 2))) : null));
    V.openDialog(dlg);
  }

  body.addEventListener('click', function (ev) {
    var btn = ev.target.closest('button[data-seq]');
    if (!btn) return;
    var rec = records[btn.getAttribute('data-seq')];
    if (rec) showRecord(rec);
  });
  V.$('#record-close').addEventListener('click', function () { dlg.close(); });

  function exportAs(format, btn) {
    var p = formQuery(false);
    p.set('format', format);
    btn.disabled = true;
    var label = btn.textContent;
    btn.textContent = 'Exporting…';
    V.api('/audit/export?' + p.toString(), { raw: true }).then(function (r) {
      if (!r.ok) {
        return r.response ? r.response.text().then(function () { V.toast('Export failed (HTTP ' + r.status + ').', 'bad'); }) : V.toast('Export failed: the gateway is unreachable.', 'bad');
      }
      return r.response.blob().then(function (blob) {
        var stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
        V.saveBlob(blob, 'veil-audit-' + stamp + '.' + format);
        V.toast('Exported ' + format.toUpperCase() + ' (' + V.fmtNum(blob.size) + ' bytes).');
      });
    }).then(function () { btn.disabled = false; btn.textContent = label; });
  }
  V.$('#export-csv').addEventListener('click', function (ev) { exportAs('csv', ev.currentTarget); });
  V.$('#export-jsonl').addEventListener('click', function (ev) { exportAs('jsonl', ev.currentTarget); });

  function verify() {
    var b = V.$('#chain-badge');
    b.className = 'chain pending';
    V.clear(b).appendChild(document.createTextNode('Verifying chain…'));
    V.api('/audit/verify').then(function (r) {
      V.clear(b);
      if (!r.ok) { b.className = 'chain bad'; V.append(b, [h('span', { class: 'dot' }), 'Chain status unavailable: ' + V.errorText(r)]); return; }
      var v = r.data;
      if (v.ok) {
        b.className = 'chain ok';
        V.append(b, [h('span', { class: 'dot' }), 'Chain verified · ' + V.fmtNum(v.checked) + ' records' + (v.chains ? ' · ' + v.chains + ' chain' + (v.chains === 1 ? '' : 's') : '')]);
      } else {
        b.className = 'chain bad';
        var fb = v.first_bad || {};
        V.append(b, [h('span', { class: 'dot' }), 'Chain broken at #' + (fb.seq === undefined ? '?' : fb.seq) + (fb.kind ? ' (' + fb.kind + ')' : '') + (fb.reason ? ': ' + fb.reason : '')]);
      }
    });
  }
  V.$('#verify').addEventListener('click', verify);

  form.elements.range.addEventListener('change', syncCustom);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = formQuery(true).toString();
    history.replaceState(null, '', location.pathname + (q ? '?' + q : ''));
    load(false);
  });
  form.addEventListener('reset', function () {
    setTimeout(function () { syncCustom(); history.replaceState(null, '', location.pathname); load(false); }, 0);
  });
  more.addEventListener('click', function () { load(true); });

  var openSeq = readUrl();
  V.onReady(function () {
    load(false);
    verify();
    if (openSeq) V.api('/audit/' + encodeURIComponent(openSeq)).then(function (r) { if (r.ok) showRecord(r.data); else V.toast(V.errorText(r), 'bad'); });
  });
})();
`;
