/**
 * Bad input and upstream failures: every one gets a clear error in OpenAI's shape (or a clean end
 * of stream), the gateway keeps serving, and every request still has its audit record.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, UPSTREAM_KEY, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

let mock: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await startTestGateway({ mock, env: { VEIL_UPSTREAM_TIMEOUT_MS: '400', VEIL_MAX_BODY_BYTES: '65536' } });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

async function post(body: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: { error?: { message: string; type: string; code: string } } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { res, text, json, requestId: res.headers.get('x-veil-request-id') };
}

const rowFor = (id: string | null) => eventually(() => gw.auditRows().find((r) => r.request_id === id));
const chat = (content = 'hi', extra: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

async function stillServing() {
  const r = await post(chat('still there?'));
  expect(r.res.status).toBe(200);
}

describe('bad input', () => {
  it.each([
    ['malformed JSON', '{"model": "gpt-4o-mini", "messages": [', 400, 'invalid_json'],
    ['an empty body', '', 400, 'invalid_json'],
    ['a JSON array', '[1,2]', 400, 'invalid_request'],
    ['missing messages', JSON.stringify({ model: 'gpt-4o-mini' }), 400, 'invalid_request'],
    ['an empty messages array', JSON.stringify({ model: 'gpt-4o-mini', messages: [] }), 400, 'invalid_request'],
    ['a bad role', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] }), 400, 'invalid_request'],
    ['an unknown model', JSON.stringify(chat('hi', { model: 'no-such-model' })), 404, 'model_not_found'],
  ])('%s → the expected status and code, audited, nothing forwarded', async (_name, body, status, code) => {
    const r = await post(body);
    expect(r.res.status).toBe(status);
    expect(r.json?.error).toMatchObject({ code });
    expect(typeof r.json?.error?.message).toBe('string');
    expect(mock.requests).toHaveLength(0);
    expect(await rowFor(r.requestId)).toMatchObject({ status, error_code: code });
  });

  it('a body over the configured limit → 413', async () => {
    const r = await post(chat('x'.repeat(70_000)));
    expect(r.res.status).toBe(413);
    expect(r.json?.error?.code).toBe('body_too_large');
    expect(await rowFor(r.requestId)).toMatchObject({ status: 413 });
    await stillServing();
  });

  it('a missing or wrong key → 401 in OpenAI shape, audited without a key id', async () => {
    for (const headers of [{ authorization: '' }, { authorization: 'Bearer veil_nope_nope' }]) {
      const r = await post(chat(), headers);
      expect(r.res.status).toBe(401);
      expect(r.json?.error?.type).toBe('authentication_error');
      expect(await rowFor(r.requestId)).toMatchObject({ status: 401, key_id: null, error_code: 'unauthorized' });
    }
    const sdk = new OpenAI({ apiKey: 'veil_wrong_key', baseURL: gw.baseURL, maxRetries: 0 });
    await expect(sdk.chat.completions.create(chat() as never)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('an unknown route → 404 in OpenAI shape', async () => {
    const r = await fetch(`${gw.url}/v1/nope`, { headers: { authorization: `Bearer ${gw.key}` } });
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('not_found');
  });
});

describe('local route without a local model', () => {
  it('answers 503 saying how to configure one, and never sends the request remote', async () => {
    const r = await post(chat('My resident number is 900101-1234568'));
    expect(r.res.status).toBe(503);
    expect(r.res.headers.get('x-veil-decision')).toBe('local');
    expect(r.json?.error?.code).toBe('local_model_unavailable');
    expect(r.json?.error?.message).toContain('VEIL_LOCAL_MODEL');
    expect(r.text).not.toContain('900101');
    expect(mock.requests).toHaveLength(0);
    expect(await rowFor(r.requestId)).toMatchObject({ status: 503, decision: 'local', error_code: 'local_model_unavailable' });
  });
});

describe('upstream failures', () => {
  it('upstream 500 → 502 with the upstream key scrubbed', async () => {
    mock.behaveOnce({ kind: 'error', status: 500, body: { error: { message: `boom for key ${UPSTREAM_KEY}` } } });
    const r = await post(chat());
    expect(r.res.status).toBe(502);
    expect(r.json?.error?.code).toBe('upstream_error');
    expect(r.text).not.toContain(UPSTREAM_KEY);
    expect(await rowFor(r.requestId)).toMatchObject({ status: 502, error_code: 'upstream_error' });
  });

  it('upstream 429 → 429 with Retry-After', async () => {
    mock.behaveOnce({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    const r = await post(chat());
    expect(r.res.status).toBe(429);
    expect(r.res.headers.get('retry-after')).toBe('7');
    expect(r.json?.error?.code).toBe('rate_limited');
  });

  it('no answer before the timeout → 504', async () => {
    mock.behaveOnce({ kind: 'stallBeforeHeaders', ms: 2000 });
    const t0 = Date.now();
    const r = await post(chat());
    expect(r.res.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await rowFor(r.requestId)).toMatchObject({ status: 504, error_code: 'upstream_timeout' });
  });

  it('a refused connection → 502', async () => {
    const dead = await startMockUpstream();
    const deadUrl = dead.url;
    await dead.close();
    const gw2 = await startTestGateway({ mock: { ...mock, url: deadUrl } as MockUpstream });
    try {
      const res = await fetch(`${gw2.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw2.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat()),
      });
      expect(res.status).toBe(502);
      expect((await res.json()).error.message).toContain('Could not reach');
    } finally {
      await gw2.close();
    }
  });

  it('connection reset mid-stream → the stream ends with an error event; audited', async () => {
    mock.behaveOnce({ kind: 'resetMidStream', afterChunks: 3 });
    const r = await post(chat('a fairly long message to stream', { stream: true }));
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('"error"');
    const row = await rowFor(r.requestId);
    expect(row.status).not.toBe(200);
    await stillServing();
  });

  it('a stall mid-stream longer than the timeout ends the stream', async () => {
    mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 2, ms: 3000 });
    const t0 = Date.now();
    const r = await post(chat('stall please, a long enough text', { stream: true }));
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r.text).toContain('upstream_timeout');
    expect(await rowFor(r.requestId)).toMatchObject({ error_code: 'upstream_timeout' });
  });

  it('a stall in the middle of a JSON body → 504, not a hang', async () => {
    mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 1, ms: 3000 });
    const t0 = Date.now();
    const r = await post(chat('stall the JSON body'));
    expect(r.res.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('a client abort mid-stream is audited as 499 and the gateway keeps serving', async () => {
    mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 2, ms: 1500 });
    const ctl = new AbortController();
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      signal: ctl.signal,
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat('abort me midway through this', { stream: true })),
    });
    const id = res.headers.get('x-veil-request-id');
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    expect(await rowFor(id)).toMatchObject({ status: 499, error_code: 'client_closed' });
    await stillServing();
  });
});

describe('audit chain', () => {
  it('every request above left exactly one record and the chain verifies', async () => {
    const rows = gw.auditRows();
    const ids = rows.map((r) => r.request_id);
    expect(new Set(ids).size).toBe(ids.length);
    const { createSqliteAuditStore } = await import('../src/audit/sqlite.node.ts');
    const { openDatabase } = await import('../src/db/open.node.ts');
    const db = openDatabase(gw.dbPath);
    try {
      expect((await createSqliteAuditStore(db).verify()).ok).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('upstream answer size caps (VEIL_UPSTREAM_MAX_BYTES, VEIL_UPSTREAM_STREAM_MAX_BYTES)', () => {
  // Its own mock and gateway: the connection checks below need a mock no other test has used.
  const CAP = 65_536;
  let mock2: MockUpstream;
  let gw2: TestGateway;
  beforeAll(async () => {
    mock2 = await startMockUpstream();
    gw2 = await startTestGateway({ mock: mock2, env: { VEIL_UPSTREAM_MAX_BYTES: String(CAP), VEIL_UPSTREAM_STREAM_MAX_BYTES: String(CAP) } });
  });
  afterAll(async () => {
    await gw2?.close();
    await mock2?.close();
  });
  const post2 = (stream: boolean) =>
    fetch(`${gw2.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw2.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat('big please', { stream })),
    });

  it('a whole answer over the cap → 502 naming the cap, audited, the upstream connection closed', async () => {
    mock2.behave({ kind: 'oversized', bytes: 4 * CAP });
    const res = await post2(false);
    const text = await res.text();
    expect(res.status).toBe(502);
    const err = (JSON.parse(text) as { error: { code: string; type: string; message: string } }).error;
    expect(err).toMatchObject({ code: 'upstream_error', type: 'upstream_error' });
    expect(err.message).toContain(`exceeded ${CAP} bytes`);
    expect(text).not.toContain('xxxx');
    expect(await gw2.auditRowFor(res.headers.get('x-veil-request-id'))).toMatchObject({ status: 502, error_code: 'upstream_error' });
    await eventually(() => mock2.openConnections() === 0);
    expect((await fetch(`${gw2.url}/healthz`)).status).toBe(200);
  });

  it('a stream over the cap ends with an in-stream error event, upstream cancelled, audited; the gateway keeps serving', async () => {
    // 64 events of 16 KiB: the cap is passed after about four, and the mock would send the rest.
    mock2.behave({ kind: 'oversized', bytes: 1 << 20 });
    const res = await post2(true);
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
    const last = JSON.parse(events.at(-1)!.slice(6)) as { error?: { code: string; message: string } };
    expect(last.error).toMatchObject({ code: 'upstream_error' });
    expect(last.error!.message).toContain(`exceeded ${CAP} bytes`);
    expect(last.error!.message).not.toContain('xxxx');
    expect(text).not.toContain('[DONE]');
    expect(text.length).toBeLessThan(4 * CAP);
    expect(await gw2.auditRowFor(res.headers.get('x-veil-request-id'))).toMatchObject({ status: 502, error_code: 'upstream_error', stream: 1 });
    // Cancelled mid-answer, the connection cannot go back to the pool: it is closed at once,
    // where a drained keep-alive one would stay open for seconds.
    await eventually(() => mock2.openConnections() === 0, 1000);

    mock2.behave({ kind: 'echo' });
    const ok = await post2(true);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('[DONE]');
  });
});
