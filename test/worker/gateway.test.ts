/**
 * The deployed Worker end to end in workerd: requests go through `SELF.fetch` into the real
 * `src/entry/worker.ts` (bindings from wrangler.toml + test vars, local D1 with migrations), with
 * the remote provider and the private model endpoint mocked in-isolate. Checks what left the
 * gateway, what the client saw, and the audit record each request left in D1.
 */
import { applyD1Migrations, createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createD1AuditStore } from '../../src/audit/d1.ts';
import type { StoredAuditRecord } from '../../src/audit/types.ts';
import worker, { buildWorkerGateway, WorkerConfigError } from '../../src/entry/worker.ts';
import { createD1KeyStore } from '../../src/keys/d1.ts';
import { readSse } from '../../src/util/sse.ts';
import { createMockLlm, PRIVATE_ENDPOINT_KEY, UPSTREAM_KEY } from './support/mock-llm.ts';
import { EMAIL, PEM, RRN } from './support/parity-cases.ts';

const mock = createMockLlm();
const realFetch = globalThis.fetch;
let key: string;

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  // SELF runs in this isolate, and the Worker looks `fetch` up per call: this routes its outbound
  // requests to the mock.
  globalThis.fetch = mock.fetch;
  key = (await createD1KeyStore(env.DB).create({ team: 'edge' })).secret;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
beforeEach(() => mock.reset());

const post = (body: unknown, auth = key) =>
  SELF.fetch('https://veil.example/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
    body: JSON.stringify(body),
  });

const chat = (content: string, extra: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

/** The request's audit record; streams commit after the response, so wait for it (bounded). */
async function recordOf(res: Response): Promise<StoredAuditRecord> {
  const id = res.headers.get('x-veil-request-id');
  expect(id).toBeTruthy();
  const store = createD1AuditStore(env.DB);
  for (let i = 0; i < 100; i++) {
    const found = (await store.query({ limit: 10_000 })).find((r) => r.requestId === id);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no audit record for ${id}`);
}

async function streamText(res: Response): Promise<{ text: string; done: boolean }> {
  let text = '';
  let done = false;
  for await (const ev of readSse(res.body!)) {
    if (ev.data === '[DONE]') done = true;
    else text += (JSON.parse(ev.data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '';
  }
  return { text, done };
}

describe('Veil on Workers (SELF.fetch)', () => {
  it('answers /healthz and lists the private local model', async () => {
    const health = await (await SELF.fetch('https://veil.example/healthz')).json();
    expect(health).toMatchObject({ status: 'ok', local_model: 'local/private', policies: ['default'] });
    const models = (await (await SELF.fetch('https://veil.example/v1/models', { headers: { authorization: `Bearer ${key}` } })).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toContain('local/private');
  });

  it('allow: forwards clean text unchanged with the upstream key, never the gateway key', async () => {
    const res = await post(chat('Write a haiku about the sea.'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-veil-decision')).toBe('allow');
    expect(mock.upstream).toHaveLength(1);
    expect(mock.upstream[0]!.body.messages?.[0]?.content).toBe('Write a haiku about the sea.');
    expect(mock.upstream[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(mock.upstream[0])).not.toContain(key);
    expect(await recordOf(res)).toMatchObject({ decision: 'allow', route: 'remote', provider: 'openai', team: 'edge', status: 200, stream: false });
  });

  it('redact: the email never leaves, and the answer has it restored', async () => {
    const res = await post(chat(`Reply to ${EMAIL} politely.`));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-veil-decision')).toBe('redact');
    const sent = JSON.stringify(mock.upstream[0]!.body);
    expect(sent).not.toContain(EMAIL);
    expect(sent).toMatch(/<EMAIL_[0-9A-Z]+>/);
    const answer = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(answer.choices[0]!.message.content).toBe(`You said: Reply to ${EMAIL} politely.`);
    const rec = await recordOf(res);
    expect(rec).toMatchObject({ decision: 'redact', findings: { EMAIL: 1 }, status: 200 });
    expect(JSON.stringify(rec)).not.toContain(EMAIL);
  });

  it('redact, streaming: restored across chunk splits, [DONE] at the end, record written after the stream', async () => {
    const res = await post(chat(`Stream a reply to ${EMAIL}.`, { stream: true }));
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { text, done } = await streamText(res);
    expect(text).toBe(`You said: Stream a reply to ${EMAIL}.`);
    expect(done).toBe(true);
    expect(JSON.stringify(mock.upstream[0]!.body)).not.toContain(EMAIL);
    expect(await recordOf(res)).toMatchObject({ decision: 'redact', stream: true, status: 200, tokensOut: expect.any(Number) });
  });

  it('local: a resident registration number goes only to the private endpoint', async () => {
    const res = await post(chat(`My number is ${RRN}.`));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-veil-decision')).toBe('local');
    expect(mock.upstream).toHaveLength(0);
    expect(mock.private).toHaveLength(1);
    expect(mock.private[0]!.headers.authorization).toBe(`Bearer ${PRIVATE_ENDPOINT_KEY}`);
    expect(mock.private[0]!.body.model).toBe('local/private');
    const answer = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }> };
    expect(answer.choices[0]!.message.content).toBe('Kept on-premises. All good.');
    expect(await recordOf(res)).toMatchObject({ decision: 'local', route: 'local', provider: 'local', findings: { KR_RRN: 1 }, status: 200 });
  });

  it('local, streaming: chunks from the private endpoint are streamed through', async () => {
    const res = await post(chat(`주민등록번호 ${RRN}`, { stream: true }));
    const { text, done } = await streamText(res);
    expect(text).toBe('Kept on-premises. All good.');
    expect(done).toBe(true);
    expect(mock.upstream).toHaveLength(0);
    expect(await recordOf(res)).toMatchObject({ decision: 'local', stream: true, status: 200 });
  });

  it('local endpoint down: 503, and nothing is sent to the remote provider', async () => {
    mock.privateDown = true;
    const res = await post(chat(`My number is ${RRN}.`));
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('local_model_unavailable');
    expect(body.error.message).not.toContain(RRN);
    expect(mock.upstream).toHaveLength(0);
    expect(await recordOf(res)).toMatchObject({ decision: 'local', status: 503, errorCode: 'local_model_unavailable' });
  });

  it('block: a private key is refused with 403 and nothing leaves', async () => {
    const res = await post(chat(`Is this key safe?\n${PEM}`));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-veil-decision')).toBe('block');
    const text = await res.text();
    expect(text).not.toContain('MIIEowIBAAKCAQEA');
    expect(mock.upstream).toHaveLength(0);
    expect(mock.private).toHaveLength(0);
    expect(await recordOf(res)).toMatchObject({ decision: 'block', status: 403, errorCode: 'policy_blocked', findings: { PRIVATE_KEY: 1 } });
  });

  it('a wrong gateway key gets 401 and still leaves a record', async () => {
    const res = await post(chat('hello'), 'veil_AAAAAAAAAAAA_' + 'x'.repeat(40));
    expect(res.status).toBe(401);
    expect(await recordOf(res)).toMatchObject({ status: 401, errorCode: 'unauthorized', decision: null });
  });

  it('the audit log the Worker wrote verifies, and fails after a plain SQL edit', async () => {
    const store = createD1AuditStore(env.DB, { secret: env.VEIL_SECRET as string });
    const ok = await store.verify();
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBeGreaterThanOrEqual(9);
    const [row] = await store.query({ limit: 1 });
    await env.DB.prepare('UPDATE audit_log SET status = 200, error_code = NULL WHERE seq = ?').bind(row!.seq + 7).run();
    const bad = await store.verify();
    expect(bad.ok).toBe(false);
    expect(bad.firstBad).toMatchObject({ seq: row!.seq + 7, kind: 'altered' });
  });

  it('a misconfigured deployment answers 500 naming the setting, never its value', async () => {
    await expect(buildWorkerGateway({ DB: env.DB, VEIL_SECRET: 'short', OPENAI_BASE_URL: 'not a url' })).rejects.toThrow(WorkerConfigError);
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('https://veil.example/v1/models'), { VEIL_SECRET: 'tiny-s3cr3t' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('misconfigured');
    expect(body.error.message).toContain('DB');
    expect(body.error.message).toContain('VEIL_SECRET');
    expect(body.error.message).not.toContain('tiny-s3cr3t');
  });
});
