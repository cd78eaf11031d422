/**
 * @module console/assets/common-js
 * Browser script shared by every console page (`/admin/assets/common.js`): the admin token in
 * sessionStorage, `api()` (fetch with `Authorization: Bearer`, never throws, 401 → back to the
 * login page), a DOM builder that only ever sets text (no innerHTML, so nothing from the API can
 * inject markup), formatting, toasts and the header's session box. Plain ES2017 in a string:
 * served as-is, no build step. It must not contain backticks or dollar-brace (it lives in a
 * template literal).
 */
export const COMMON_JS = String.raw`
(function () {
  'use strict';
  var TOKEN_KEY = 'veil.adminToken';
  var root = document.documentElement;
  var base = root.getAttribute('data-base') || '/admin';
  var apiBase = root.getAttribute('data-api') || (base + '/api');
  var page = root.getAttribute('data-page') || '';

  function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function setToken(t) { sessionStorage.setItem(TOKEN_KEY, t); }
  function clearToken() { try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage off */ } }

  function toLogin() {
    var next = location.pathname + location.search;
    location.replace(base + '/login?next=' + encodeURIComponent(next));
  }

  /** Calls the admin API. Resolves { ok, status, data, response }; never rejects. */
  function api(path, opts) {
    opts = opts || {};
    var headers = { accept: 'application/json' };
    var t = opts.token || token();
    if (t) headers.authorization = 'Bearer ' + t;
    var init = { method: opts.method || 'GET', headers: headers, cache: 'no-store' };
    if (opts.body !== undefined) { headers['content-type'] = 'application/json'; init.body = JSON.stringify(opts.body); }
    return fetch(apiBase + path, init).then(function (res) {
      if (res.status === 401 && !opts.noRedirect) { clearToken(); toLogin(); }
      if (opts.raw) return { ok: res.ok, status: res.status, data: null, response: res };
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: { message: 'The server answered with something that is not JSON (HTTP ' + res.status + ').' } }; }
        return { ok: res.ok, status: res.status, data: data, response: res };
      });
    }, function () {
      return { ok: false, status: 0, data: { error: { message: 'Could not reach the gateway.' } }, response: null };
    });
  }

  function errorText(r) {
    var e = r && r.data && r.data.error;
    if (e && e.message) return e.message;
    return 'Request failed (HTTP ' + (r ? r.status : '?') + ').';
  }

  /** h('a', { href: '/x', class: 'btn', onclick: fn }, 'text', child, [more]) */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  var SVG_NS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs) {
    var el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else if (k === 'style' && typeof v === 'object') Object.keys(v).forEach(function (p) { el.style.setProperty(p, v[p]); });
      else el.setAttribute(k, v === true ? '' : String(v));
    });
  }
  function append(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function $(sel, ctx) { return (ctx || document).querySelector(sel); }
  function $$(sel, ctx) { return Array.prototype.slice.call((ctx || document).querySelectorAll(sel)); }

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function fmtTime(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function fmtNum(n) { return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US'); }
  function fmtPct(x) { return (Math.round((x || 0) * 1000) / 10).toFixed(1) + '%'; }
  function fmtMs(x) { return x === null || x === undefined ? '—' : (Math.round(x * 10) / 10) + ' ms'; }
  function findingsText(f) {
    var keys = Object.keys(f || {});
    if (!keys.length) return '—';
    return keys.map(function (k) { return k + ' ×' + f[k]; }).join(', ');
  }
  function badge(decision) {
    var d = decision || 'none';
    return h('span', { class: 'badge d-' + d }, decision || 'n/a');
  }

  var toastRegion = null;
  function toast(msg, kind) {
    if (!toastRegion) {
      toastRegion = h('div', { class: 'toast-region', role: 'status', 'aria-live': 'polite' });
      document.body.appendChild(toastRegion);
    }
    var t = h('div', { class: 'toast' + (kind === 'bad' ? ' bad' : '') }, msg);
    toastRegion.appendChild(t);
    setTimeout(function () { if (t.parentNode) t.parentNode.removeChild(t); }, kind === 'bad' ? 8000 : 4000);
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /** Saves a Blob as a file through a temporary link (fires the browser's download). */
  function saveBlob(blob, filename) {
    var url = URL.createObjectURL(blob);
    var a = h('a', { href: url, download: filename, hidden: true });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  /** Opens a <dialog>, returning focus to the opener when it closes. */
  function openDialog(dlg) {
    var opener = document.activeElement;
    dlg.addEventListener('close', function onClose() {
      dlg.removeEventListener('close', onClose);
      if (opener && opener.focus && document.contains(opener)) opener.focus();
    });
    dlg.showModal();
  }

  var state = { actor: null };
  var readyCallbacks = [];
  function onReady(fn) { if (state.actor) fn(state.actor); else readyCallbacks.push(fn); }
  function isAdmin() { return !!state.actor && state.actor.role === 'admin'; }

  function boot() {
    if (page === 'login') return;
    if (!token()) { toLogin(); return; }
    var out = $('#signout');
    if (out) out.addEventListener('click', function () { clearToken(); location.replace(base + '/login'); });
    api('/me').then(function (r) {
      if (!r.ok) { if (r.status !== 401) toast(errorText(r), 'bad'); return; }
      state.actor = r.data.actor;
      var who = $('#whoami');
      if (who) { clear(who); append(who, [h('strong', null, state.actor.name || state.actor.id), ' · ' + state.actor.role]); }
      if (!isAdmin()) {
        // Auditors read everything and change nothing: disable writes up front instead of letting them fail.
        $$('.needs-admin').forEach(function (el) { el.setAttribute('disabled', ''); el.setAttribute('title', 'Needs the admin role'); });
        document.body.classList.add('role-auditor');
      }
      readyCallbacks.splice(0).forEach(function (fn) { fn(state.actor); });
    });
  }

  window.Veil = {
    base: base, api: api, errorText: errorText, h: h, s: s, clear: clear, append: append, $: $, $$: $$,
    fmtTime: fmtTime, fmtNum: fmtNum, fmtPct: fmtPct, fmtMs: fmtMs, findingsText: findingsText, badge: badge,
    toast: toast, debounce: debounce, saveBlob: saveBlob, openDialog: openDialog, onReady: onReady, isAdmin: isAdmin,
    token: token, setToken: setToken, clearToken: clearToken
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot); else boot();
})();
`;
