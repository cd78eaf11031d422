/**
 * @module bench/lib/phase-timer
 * A preload (`node --import ./bench/lib/phase-timer.mjs …`) that times where a proxy's wall-clock
 * time goes for requests handled one at a time, from node:http's own events, with no change to
 * the program it is loaded into:
 *   in      the request event → the upstream request is handed to node:http (`end()`): reading
 *           the body and all work before the upstream call (auth, parsing, inspection, redaction);
 *   wait    → the upstream's answer headers (the network and the upstream itself);
 *   body    → the upstream's answer body has ended (for a stream: its whole duration);
 *   out     → the client's response is ended (restore, output guard, audit record, response);
 *   flush   → 'finish': the response was handed to the kernel, plus whatever else ran in the
 *           same turn of the event loop after the response was ended (e.g. a log line).
 * Only for sequential load (one request in flight): the upstream request is matched to the client
 * request being handled at the time. Writes a JSON summary (median µs per phase, after the first
 * `VEIL_PHASES_SKIP` requests) to `VEIL_PHASES_OUT` when the process gets SIGTERM or SIGINT.
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const out = process.env.VEIL_PHASES_OUT;
const skip = Number(process.env.VEIL_PHASES_SKIP ?? 200);
const rows = [];
let current = null;
const now = () => performance.now();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request') {
    const row = { start: now() };
    current = row;
    rows.push(row);
    res.once('finish', () => (row.finish = now()));
  }
  return emit.apply(this, arguments);
};
const clientEnd = http.ClientRequest.prototype.end;
http.ClientRequest.prototype.end = function () {
  const row = current;
  if (row && row.sent === undefined) {
    row.sent = now();
    // Prepended: stamped before the program's own handlers run (a pipe ends the response from
    // its own 'end' handler).
    this.prependOnceListener('response', (r) => {
      row.headers = now();
      r.prependOnceListener('end', () => (row.bodyEnd = now()));
    });
  }
  return clientEnd.apply(this, arguments);
};
const serverEnd = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function () {
  const row = current;
  if (row && row.end === undefined) row.end = now();
  return serverEnd.apply(this, arguments);
};

function summary() {
  const done = rows.slice(skip).filter((r) => r.sent !== undefined && r.headers !== undefined && r.bodyEnd !== undefined && r.end !== undefined && r.finish !== undefined);
  const median = (f) => {
    const xs = done.map(f).sort((a, b) => a - b);
    return xs.length ? Math.round(xs[xs.length >> 1] * 1000) : null;
  };
  return {
    n: done.length,
    in: median((r) => r.sent - r.start),
    wait: median((r) => r.headers - r.sent),
    body: median((r) => r.bodyEnd - r.headers),
    out: median((r) => r.end - r.bodyEnd),
    flush: median((r) => r.finish - r.end),
    total: median((r) => r.finish - r.start),
  };
}
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.prependListener(sig, () => {
    if (out) writeFileSync(out, JSON.stringify(summary()));
  });
}
