/**
 * Limits, each configurable and tested at its edge (extends test/gateway-errors.test.ts and
 * test/gateway-local.test.ts rather than repeating them): body size (exact limit, one byte over,
 * chunked uploads without Content-Length, Anthropic's shape), per-key rate limit (429 with
 * Retry-After in each dialect's shape, other keys unaffected, audited), the upstream timeout (the
 * same stall fails or passes depending on the setting) and concurrent local generations (503 +
 * Retry-After in the client's dialect, never a remote fallback).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.node.ts';
import { createSqliteKeyStore } from '../../src/keys/sqlite.node.ts';
import { awayFromMinuteEdge, eventually, startMockedGateway, startTestGateway, type MockedGateway, type TestGateway } from '../support/gateway.ts';
import type { MockUpstream } from '../support/mock-upstream/index.ts';
import { requireModelOrSkip } from '../support/model.ts';
import { notAnthropicError, notOpenAIError } from './support/checks.ts';

const MAX_BODY = 4096;
let mock: MockUpstream;
let gw: TestGateway;
let setup: MockedGateway;

beforeAll(async () => {
  // A roomy upstream timeout here: on a busy CI box the healthy requests of these tests must not time out.
  setup = await startMockedGateway({ env: { VEIL_MAX_BODY_BYTES: String(MAX_BODY), VEIL_UPSTREAM_TIMEOUT_MS: '5000' } });
  ({ mock, gw } = setup);
});
afterAll(() => setup?.close());

const openaiBody = (content: string, extra: object = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const anthropicBody = (content: string) => JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content }] });

async function call(g: TestGateway, path: string, body: BodyInit, key = g.key, extra: RequestInit = {}) {
  const res = await fetch(`${g.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body,
    ...extra,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A chat body of exactly `bytes` bytes. */
function bodyOfSize(bytes: number): string {
  const empty = openaiBody('');
  return openaiBody('a'.repeat(bytes - Buffer.byteLength(empty)));
}

describe('body size limit (VEIL_MAX_BODY_BYTES)', () => {
  it('exactly the limit is accepted; one byte more is 413', async () => {
    const at = bodyOfSize(MAX_BODY);
    expect(Buffer.byteLength(at)).toBe(MAX_BODY);
    expect((await call(gw, '/v1/chat/completions', at)).status).toBe(200);
    const over = await call(gw, '/v1/chat/completions', bodyOfSize(MAX_BODY + 1));
    expect(over.status).toBe(413);
    expect(notOpenAIError(over.text)).toBeNull();
    expect(JSON.parse(over.text).error.message).toContain(String(MAX_BODY));
  });

  it('a chunked upload without Content-Length is cut off at the limit', async () => {
    const big = new TextEncoder().encode(bodyOfSize(MAX_BODY * 4));
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < big.length; i += 1000) ctl.enqueue(big.subarray(i, i + 1000));
        ctl.close();
      },
    });
    const r = await call(gw, '/v1/chat/completions', stream, gw.key, { duplex: 'half' } as RequestInit);
    expect(r.status).toBe(413);
    expect(notOpenAIError(r.text)).toBeNull();
  });

  it("an Anthropic client gets the 413 in Anthropic's shape", async () => {
    const r = await call(gw, '/v1/messages', anthropicBody('a'.repeat(MAX_BODY)));
    expect(r.status).toBe(413);
    expect(notAnthropicError(r.text)).toBeNull();
  });
});

describe('per-key rate limit (rate_limit_rpm on the key)', () => {
  it('the key over its rpm gets 429 with Retry-After in its dialect; other keys are unaffected; audited', async () => {
    const db = openDatabase(gw.dbPath);
    const keys = createSqliteKeyStore(db);
    const limited = (await keys.create({ team: 'limited', policyId: null, rateLimitRpm: 3 })).secret;
    const other = (await keys.create({ team: 'other', policyId: null })).secret;
    db.close();

    await awayFromMinuteEdge();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(gw, '/v1/chat/completions', openaiBody(`hi ${i}`), limited)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await call(gw, '/v1/chat/completions', openaiBody('one more'), limited);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(notOpenAIError(refused.text)).toBeNull();
    expect(JSON.parse(refused.text).error.code).toBe('rate_limited');

    const anthropic = await call(gw, '/v1/messages', anthropicBody('and here'), limited);
    expect(anthropic.status).toBe(429);
    expect(notAnthropicError(anthropic.text)).toBeNull();
    expect(JSON.parse(anthropic.text).error.type).toBe('rate_limit_error');

    expect((await call(gw, '/v1/chat/completions', openaiBody('not me'), other)).status).toBe(200);
    const id = refused.headers.get('x-veil-request-id');
    expect(await eventually(() => gw.auditRows().find((r) => r.request_id === id))).toMatchObject({ status: 429, error_code: 'rate_limited' });
  });
});

describe('upstream timeout (VEIL_UPSTREAM_TIMEOUT_MS)', () => {
  it('the same 1.5 s stall is a 504 at 250 ms and a 200 at 5000 ms', async () => {
    const short = await startTestGateway({ mock, env: { VEIL_UPSTREAM_TIMEOUT_MS: '250' } });
    try {
      mock.behaveOnce({ kind: 'stallBeforeHeaders', ms: 1500 });
      const t0 = Date.now();
      const cut = await call(short, '/v1/chat/completions', openaiBody('slow'));
      expect(cut.status).toBe(504);
      expect(Date.now() - t0).toBeLessThan(1400);
      expect(JSON.parse(cut.text).error.message).toContain('250 ms');

      mock.behaveOnce({ kind: 'stallBeforeHeaders', ms: 1500 });
      expect((await call(gw, '/v1/chat/completions', openaiBody('slow'))).status).toBe(200);

      // Between streamed chunks too: a 600 ms pause mid-stream passes at 5000, fails at 250.
      mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 2, ms: 600 });
      const streamed = await call(gw, '/v1/chat/completions', openaiBody('slow stream', { stream: true }));
      expect(streamed.text).toContain('[DONE]');
      expect(streamed.text).not.toContain('upstream_timeout');
      mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 2, ms: 600 });
      const cutStream = await call(short, '/v1/chat/completions', openaiBody('slow stream', { stream: true }));
      expect(cutStream.text).toContain('upstream_timeout');
    } finally {
      await short.close();
    }
  });
});

const model = requireModelOrSkip();

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('concurrent local generations (local.sequences + local.max_queue)', () => {
  let local: TestGateway;
  beforeAll(async () => {
    const cfg = join(tmpdir(), `veil-limits-${process.pid}.yaml`);
    // One generation at a time and no waiting room: the second concurrent request is refused.
    writeFileSync(cfg, 'local:\n  sequences: 1\n  max_queue: 0\n  chat_wrapper: plain\n');
    local = await startTestGateway({ mock, modelPath: model.path, env: { VEIL_CONFIG: cfg } });
  });
  afterAll(async () => {
    await local?.close();
  });

  it('beyond the configured capacity: 503 local_model_busy with Retry-After, in each dialect, nothing sent remote', async () => {
    mock.reset();
    const rrn = 'ID 900101-1234568. Once upon a time';
    const busyOpenAI = call(local, '/v1/chat/completions', openaiBody(rrn, { max_tokens: 1000 }));
    await new Promise((r) => setTimeout(r, 50));
    const [second, anthropic] = await Promise.all([
      call(local, '/v1/chat/completions', openaiBody(rrn, { max_tokens: 4 })),
      call(local, '/v1/messages', anthropicBody(rrn)),
    ]);
    const first = await busyOpenAI;
    expect(first.status).toBe(200);
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(second.text).error.code).toBe('local_model_busy');
    expect(notOpenAIError(second.text)).toBeNull();
    expect(anthropic.status).toBe(503);
    expect(Number(anthropic.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(notAnthropicError(anthropic.text)).toBeNull();
    expect(mock.requests).toHaveLength(0);
    // Capacity frees up once the generation ends.
    expect((await call(local, '/v1/chat/completions', openaiBody(rrn, { max_tokens: 4 }))).status).toBe(200);
  }, 60_000);
});
