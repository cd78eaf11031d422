/**
 * @module bench/lib/bare-app
 * The bare pass-through every gateway benchmark compares Veil against: one Hono route forwarding
 * the body to the upstream with the given `fetch` and returning its answer as is — no auth,
 * inspection or audit. One definition, so the separate-process baseline (`bench/bare-proxy.ts`)
 * and the in-process one (`bench/request-cpu.ts`) cannot drift apart.
 */
import { Hono } from 'hono';

export function bareProxyApp(upstreamFetch: typeof fetch, upstreamUrl: string): Hono {
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
    const res = await upstreamFetch(`${upstreamUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: await c.req.arrayBuffer(),
    });
    return new Response(res.body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' } });
  });
  return app;
}
