/**
 * The local route under pressure, through the real gateway and the real tiny model: a client that
 * disconnects stops generation (the sequence is freed for the next request), and more concurrent
 * requests than sequences + queue get 503 with Retry-After instead of hanging.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';
import { requireModelOrSkip } from './support/model.ts';

const model = requireModelOrSkip();
if (model.skipReason) console.warn(model.skipReason);
const RRN = '900101-1234568';

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('local model through the gateway (needs the tiny GGUF model; see test/support/model.ts)', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    mock = await startMockUpstream();
    // One sequence and one waiting slot: the third concurrent request must be refused.
    const cfg = join(tmpdir(), `veil-local-${process.pid}.yaml`);
    writeFileSync(cfg, 'local:\n  sequences: 1\n  max_queue: 1\n  chat_wrapper: plain\n');
    gw = await startTestGateway({ mock, modelPath: model.path, env: { VEIL_CONFIG: cfg } });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const send = (body: object, signal?: AbortSignal) =>
    fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      signal,
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `ID ${RRN}. Once upon a time` }], ...body }),
    });

  it('a client that disconnects mid-stream stops generation; the next request is served', async () => {
    const ctl = new AbortController();
    const res = await send({ stream: true, max_tokens: 2000 }, ctl.signal);
    const id = res.headers.get('x-veil-request-id');
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    ctl.abort();
    const row = await eventually(() => gw.auditRows().find((r) => r.request_id === id));
    expect(row).toMatchObject({ status: 499, error_code: 'client_closed', route: 'local' });
    // With one sequence, this would wait for the 2000-token generation if abort did not free it.
    const t0 = Date.now();
    const next = await send({ max_tokens: 8 });
    expect(next.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('beyond sequences + queue, requests get 503 with Retry-After, never a hang', async () => {
    const results = await Promise.all([0, 1, 2, 3].map(() => send({ max_tokens: 600 })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await r.json()).error.code).toBe('local_model_busy');
    }
    expect(mock.requests).toHaveLength(0);
  });
});

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('local model server mode (veil start --local-only; needs the tiny GGUF model)', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    mock = await startMockUpstream();
    gw = await startTestGateway({ mock, modelPath: model.path, env: { VEIL_LOCAL_ONLY: '1', VEIL_LOCAL_CHAT_WRAPPER: 'plain' } });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  it('answers any model name with the local model, even for clean text; nothing goes remote', async () => {
    for (const name of ['gpt-4o-mini', 'some-private-model']) {
      const res = await fetch(`${gw.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: name, max_tokens: 8, messages: [{ role: 'user', content: 'Once upon a time' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-veil-route')).toBe('local');
      expect(res.headers.get('x-veil-decision')).toBe('allow');
    }
    expect(mock.requests).toHaveLength(0);
    // Policy still applies: a private key is blocked, not answered.
    const blocked = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7xq2n3t0Yj9pQ1Xw8bZ3mK4sL5vN6cR7dT8eU9fV0gW1hX2i\n-----END RSA PRIVATE KEY-----' }] }),
    });
    expect(blocked.status).toBe(403);
  });
});
