/**
 * @module console/assets/login-js
 * Browser script of the login page: checks the pasted token with `GET /admin/api/me` before
 * keeping it (sessionStorage: gone when the tab closes), then goes to `?next=` — only ever a path
 * under the console, so the login page cannot be used as an open redirect.
 */
export const LOGIN_JS = String.raw`
(function () {
  'use strict';
  var V = window.Veil;
  var form = V.$('#login-form');
  var input = V.$('#token');
  var err = V.$('#login-error');
  var btn = V.$('#login-submit');

  function nextUrl() {
    var n = new URLSearchParams(location.search).get('next') || '';
    var ok = (n === V.base || n.indexOf(V.base + '/') === 0 || n.indexOf(V.base + '?') === 0) && n.indexOf('//') === -1 && n.indexOf(V.base + '/login') !== 0;
    return ok ? n : V.base;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var t = input.value.trim();
    err.hidden = true;
    if (!t) { err.textContent = 'Paste an admin token first.'; err.hidden = false; input.focus(); return; }
    btn.disabled = true;
    btn.textContent = 'Checking…';
    V.api('/me', { token: t, noRedirect: true }).then(function (r) {
      btn.disabled = false;
      btn.textContent = 'Sign in';
      if (r.ok) { V.setToken(t); location.replace(nextUrl()); return; }
      err.textContent = r.status === 401 ? 'That token was not accepted. Check it and try again.' : V.errorText(r);
      err.hidden = false;
      input.select();
      input.focus();
    });
  });
  if (V.token()) V.api('/me', { noRedirect: true }).then(function (r) { if (r.ok) location.replace(nextUrl()); });
})();
`;
