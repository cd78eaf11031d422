/**
 * @module bench/lib/portkey-mutable-headers
 * Preloaded into Portkey's gateway (`node --import`) so its streaming path works on Node 20 with
 * the @hono/node-server this repository pins: Portkey appends `x-portkey-*` headers to the
 * upstream `fetch` Response, whose headers are immutable, and answers "Something went wrong"
 * (Portkey-AI/gateway issues #1389 and #1550). Streaming responses are re-wrapped with mutable
 * headers, as the fix proposed upstream (PR #1551) does; JSON responses are left alone. The
 * wrapper costs one Response object per streamed request, charged to Portkey.
 */
const original = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const res = await original(input, init);
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return res;
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
};
