/**
 * @module console/assets/dashboard-js
 * Browser script of the dashboard: `GET /admin/api/audit/stats` for the chosen period, drawn as
 * inline SVG (no chart library, no CDN): stacked bars of traffic over time by decision and by
 * route, top finding types, local vs remote share; plus the latest blocked requests. Each chart
 * carries a text summary in `aria-label` so it reads without sight.
 */
export const DASHBOARD_JS = String.raw`
(function () {
  'use strict';
  var V = window.Veil, h = V.h, s = V.s;
  var DECISIONS = ['allow', 'redact', 'local', 'block', 'none'];
  var ROUTES = ['remote', 'local', 'none'];
  var DECISION_COLORS = { allow: '#4f8a63', redact: '#2f6ea8', local: '#7655ab', block: '#b53c35', none: '#8a919c' };
  var ROUTE_COLORS = { remote: '#2f6ea8', local: '#7655ab', none: '#8a919c' };
  var DECISION_NAMES = { none: 'no decision' };
  var ROUTE_NAMES = { none: 'not sent' };
  var HOUR = 3600000;

  var rangeSel = V.$('#range');

  /** A y-axis top with four whole, round steps (0, 5, 10, 15, 20 rather than 0, 6.25, …). */
  function niceMax(v) {
    var raw = Math.max(1, v / 4);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) {
      var step = steps[i] * p;
      if (step >= raw && Number.isInteger(step)) return step * 4;
    }
    return 40 * p;
  }

  /** Groups per_hour rows into buckets of bucketHours from start, by the given key. */
  function bucketize(rows, key, start, n, bucketHours) {
    var buckets = [];
    for (var i = 0; i < n; i++) buckets.push({ t: start + i * bucketHours * HOUR, total: 0, by: {} });
    rows.forEach(function (r) {
      var t = Date.parse(r.hour);
      var i = Math.floor((t - start) / (bucketHours * HOUR));
      if (i < 0 || i >= n || isNaN(i)) return;
      var k = r[key] || 'none';
      buckets[i].by[k] = (buckets[i].by[k] || 0) + r.count;
      buckets[i].total += r.count;
    });
    return buckets;
  }

  function label(t, hours) {
    var d = new Date(t);
    var hh = (d.getHours() < 10 ? '0' : '') + d.getHours() + ':00';
    if (hours <= 48) return hh;
    return (d.getMonth() + 1) + '/' + d.getDate();
  }

  function stackedBars(buckets, series, colors, NAMES, title, hours) {
    var W = 760, H = 220, L = 44, R = 8, T = 10, B = 26;
    var pw = W - L - R, ph = H - T - B;
    var max = niceMax(Math.max.apply(null, buckets.map(function (b) { return b.total; }).concat([0])));
    var totals = {};
    series.forEach(function (k) { totals[k] = 0; });
    buckets.forEach(function (b) { series.forEach(function (k) { totals[k] += b.by[k] || 0; }); });
    var summary = title + ': ' + series.filter(function (k) { return totals[k]; }).map(function (k) { return totals[k] + ' ' + (NAMES[k] || k); }).join(', ');
    if (!series.some(function (k) { return totals[k]; })) summary = title + ': no traffic in this period';
    var svg = s('svg', { class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': summary });
    for (var i = 0; i <= 4; i++) {
      var y = T + ph - (ph * i) / 4;
      svg.appendChild(s('line', { class: 'grid-line', x1: L, x2: W - R, y1: y, y2: y }));
      svg.appendChild(s('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round((max * i) / 4))));
    }
    var bw = pw / buckets.length;
    var gap = Math.min(3, bw * 0.2);
    buckets.forEach(function (b, i) {
      var x = L + i * bw + gap / 2;
      var yTop = T + ph;
      series.forEach(function (k) {
        var v = b.by[k] || 0;
        if (!v) return;
        var hgt = (v / max) * ph;
        yTop -= hgt;
        svg.appendChild(s('rect', { x: x.toFixed(2), y: yTop.toFixed(2), width: Math.max(1, bw - gap).toFixed(2), height: hgt.toFixed(2), fill: colors[k] },
          s('title', null, V.fmtTime(new Date(b.t).toISOString()).slice(0, 16) + ' · ' + (NAMES[k] || k) + ': ' + v)));
      });
    });
    svg.appendChild(s('line', { class: 'axis', x1: L, x2: W - R, y1: T + ph, y2: T + ph }));
    var every = Math.max(1, Math.ceil(buckets.length / 8));
    buckets.forEach(function (b, i) {
      if (i % every) return;
      svg.appendChild(s('text', { x: L + i * bw + bw / 2, y: H - 8, 'text-anchor': 'middle' }, label(b.t, hours)));
    });
    if (!series.some(function (k) { return totals[k]; })) {
      svg.appendChild(s('text', { x: L + pw / 2, y: T + ph / 2, 'text-anchor': 'middle', style: { 'font-size': '13px' } }, 'No traffic in this period'));
    }
    var legend = h('ul', { class: 'legend', 'aria-hidden': 'true' }, series.filter(function (k) { return k !== 'none' || totals[k]; }).map(function (k) {
      return h('li', null, h('span', { class: 'swatch', style: { background: colors[k] } }), (NAMES[k] || k) + ' ' + V.fmtNum(totals[k]));
    }));
    return [svg, legend];
  }

  function hbars(items) {
    if (!items.length) return h('p', { class: 'muted' }, 'No findings in this period.');
    var max = Math.max.apply(null, items.map(function (x) { return x.count; }));
    return h('ul', { class: 'hbars' }, items.map(function (x) {
      return h('li', null,
        h('span', { class: 'mono' }, x.type),
        h('span', { class: 'bar', role: 'presentation' }, h('span', { style: { width: Math.max(2, (x.count / max) * 100) + '%' } })),
        h('span', { class: 'n' }, V.fmtNum(x.count)));
    }));
  }

  function setStat(id, value, sub) {
    V.$('#' + id + ' .value').textContent = value;
    if (sub !== undefined) V.$('#' + id + ' .sub').textContent = sub;
  }

  function load() {
    var hours = Number(rangeSel.value);
    var bucketHours = hours <= 48 ? 1 : Math.ceil(hours / 84);
    var now = Date.now();
    var end = Math.floor(now / HOUR) * HOUR + HOUR;
    var n = Math.ceil(hours / bucketHours);
    var start = end - n * bucketHours * HOUR;
    var from = new Date(start).toISOString();
    var q = '?from=' + encodeURIComponent(from);
    V.$('#dash-status').textContent = 'Loading…';
    V.api('/audit/stats' + q).then(function (r) {
      if (!r.ok) { V.$('#dash-status').textContent = V.errorText(r); return; }
      var st = r.data;
      V.$('#dash-status').textContent = 'Updated ' + V.fmtTime(new Date().toISOString()).slice(11);
      var by = st.by_decision || {};
      var routes = st.by_route || {};
      setStat('stat-total', V.fmtNum(st.total), 'requests since ' + V.fmtTime(from).slice(0, 16));
      setStat('stat-redact', V.fmtNum(by.redact || 0), st.total ? V.fmtPct((by.redact || 0) / st.total) + ' of requests' : '—');
      setStat('stat-blocked', V.fmtNum(st.blocked || 0), st.total ? V.fmtPct((st.blocked || 0) / st.total) + ' of requests' : '—');
      var loc = routes.local || 0, rem = routes.remote || 0;
      setStat('stat-local', V.fmtPct(st.local_share || 0), loc + ' local · ' + rem + ' remote');
      var bar = V.clear(V.$('#share-bar'));
      bar.setAttribute('aria-label', 'Local ' + loc + ', remote ' + rem);
      if (loc + rem) {
        bar.appendChild(h('span', { style: { width: (100 * loc / (loc + rem)) + '%', background: '#7655ab' } }));
        bar.appendChild(h('span', { style: { width: (100 * rem / (loc + rem)) + '%', background: '#2f6ea8' } }));
      }
      var rows = st.per_hour || [];
      V.append(V.clear(V.$('#chart-decision')), stackedBars(bucketize(rows, 'decision', start, n, bucketHours), DECISIONS, DECISION_COLORS, DECISION_NAMES, 'Requests by decision', hours));
      V.append(V.clear(V.$('#chart-route')), stackedBars(bucketize(rows, 'route', start, n, bucketHours), ROUTES, ROUTE_COLORS, ROUTE_NAMES, 'Requests by route', hours));
      V.append(V.clear(V.$('#top-findings')), hbars((st.top_findings || []).slice(0, 10)));
      var teams = st.tokens_by_team || [];
      var tb = V.clear(V.$('#teams-body'));
      if (!teams.length) tb.appendChild(h('tr', null, h('td', { colspan: 4, class: 'empty' }, 'No traffic in this period.')));
      teams.slice(0, 8).forEach(function (t) {
        tb.appendChild(h('tr', null, h('td', null, t.team || '—'), h('td', { class: 'num' }, V.fmtNum(t.requests)), h('td', { class: 'num' }, V.fmtNum(t.tokens_in)), h('td', { class: 'num' }, V.fmtNum(t.tokens_out))));
      });
    });
    V.api('/audit' + q + '&decision=block&kind=request&limit=8').then(function (r) {
      var tb = V.clear(V.$('#blocked-body'));
      if (!r.ok) { tb.appendChild(h('tr', null, h('td', { colspan: 5, class: 'empty' }, V.errorText(r)))); return; }
      if (!r.data.data.length) tb.appendChild(h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'Nothing was blocked in this period.')));
      r.data.data.forEach(function (rec) {
        tb.appendChild(h('tr', null,
          h('td', null, V.fmtTime(rec.ts)),
          h('td', null, rec.team || '—'),
          h('td', null, rec.model || '—'),
          h('td', { class: 'wrap' }, V.findingsText(rec.findings)),
          h('td', null, h('a', { href: V.base + '/audit?seq=' + rec.seq, class: 'mono' }, rec.requestId))));
      });
    });
  }

  rangeSel.addEventListener('change', load);
  V.$('#refresh').addEventListener('click', load);
  V.onReady(load);
})();
`;
