/**
 * End to end through the real gateway with the official `openai` SDK as the client: one case per
 * decision (allow, redact, local, block), streaming and not, with the mock upstream recording
 * exactly what left the gateway and SQLite holding one audit record per request.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, UPSTREAM_KEY, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';
import { requireModelOrSkip } from './support/model.ts';

const EMAIL = 'jane.doe@example.com';
// A resident registration number with a valid date and checksum (synthetic).
const RRN = '900101-1234568';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7xq2n3t0Yj9pQ1Xw8bZ3mK4sL5vN6cR7dT8eU9fV0gW1hX2i\nY3jZ4kA5lB6mC7nD8oE9pF0qG1rH2sI3tJ4uK5vL6wM7xN8yO9zP0aQ1bR2cS3dT\n-----END RSA PRIVATE KEY-----';

const model = requireModelOrSkip();
if (model.skipReason) console.warn(model.skipReason);

let mock: MockUpstream;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await startTestGateway({ mock, modelPath: model.path });
  client = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

const rowFor = (requestId: string | null) => eventually(() => gw.auditRows().find((r) => r.request_id === requestId));
const sentText = () => JSON.stringify(mock.requests.map((r) => r.json));

describe('allow', () => {
  it('forwards clean text unchanged, with the upstream key and not the gateway key', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the team.' }] })
      .withResponse();
    expect(response.headers.get('x-veil-decision')).toBe('allow');
    expect(data.choices[0]!.message.content).toBe('echo: Say hello to the team.');
    expect(mock.requests).toHaveLength(1);
    const req = mock.requests[0]!;
    expect((req.json as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'Say hello to the team.' }]);
    expect(req.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(req.headers)).not.toContain(gw.key);
    const row = await rowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'allow', route: 'remote', provider: 'openai', status: 200, model: 'gpt-4o-mini', policy_id: 'default', team: 'e2e-team' });
    expect(row.tokens_in).toBeGreaterThan(0);
  });

  it('streams SSE chunk by chunk and ends with [DONE]', async () => {
    mock.configure({ chunkSize: 1 });
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream me' }] }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const deltas = text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
    expect(deltas.map((d) => d.choices[0]?.delta?.content ?? '').join('')).toBe('echo: stream me');
    expect(deltas.length).toBeGreaterThan(10);
    const row = await rowFor(res.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'allow', stream: 1, status: 200 });
  });

  it('passes tools through and returns tool_calls', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'send_mail', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }];
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'CALL_TOOL please' }] });
    expect((mock.requests[0]!.json as { tools: unknown }).tools).toEqual(tools);
    const call = r.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ to: 'CALL_TOOL please' });
  });
});

describe('redact', () => {
  it('replaces an email before it leaves and restores it in the answer', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Write to ${EMAIL} today.` }] })
      .withResponse();
    expect(response.headers.get('x-veil-decision')).toBe('redact');
    expect(sentText()).not.toContain(EMAIL);
    expect(sentText()).toMatch(/<EMAIL_[A-Z0-9]+>/);
    expect(data.choices[0]!.message.content).toBe(`echo: Write to ${EMAIL} today.`);
    const row = await rowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'redact', route: 'remote', status: 200 });
    expect(JSON.parse(String(row.findings))).toEqual({ EMAIL: 1 });
    expect(JSON.stringify(row)).not.toContain(EMAIL);
  });

  it('redacts tool descriptions too: they are free text that reaches the provider', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', description: `Looks up orders for ${EMAIL}`, parameters: { type: 'object' } } }];
    await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'any orders?' }] });
    expect(sentText()).not.toContain(EMAIL);
    expect(sentText()).toMatch(/Looks up orders for <EMAIL_[A-Z0-9]+>/);
  });

  it('restores placeholders split across one-character stream chunks', async () => {
    mock.configure({ chunkSize: 1 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `Reply to ${EMAIL}` }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(`echo: Reply to ${EMAIL}`);
    expect(sentText()).not.toContain(EMAIL);
  });
});

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('local (needs the tiny GGUF model; see test/support/model.ts)', () => {
  it('answers a request holding a resident registration number locally; nothing reaches the upstream', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: `My number is ${RRN}. Once upon a time` }] })
      .withResponse();
    expect(response.headers.get('x-veil-decision')).toBe('local');
    expect(response.headers.get('x-veil-route')).toBe('local');
    expect(mock.requests).toHaveLength(0);
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    const row = await rowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'local', route: 'local', provider: 'local', status: 200 });
    expect(JSON.stringify(row)).not.toContain(RRN);
  });

  it('streams the local answer token by token', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, max_tokens: 24, messages: [{ role: 'user', content: `주민등록번호 ${RRN}` }] });
    let chunks = 0;
    let text = '';
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    expect(mock.requests).toHaveLength(0);
  });

  it('lists the local model in /v1/models', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id)).toContain('local/stories260K');
  });
});

describe('block', () => {
  it('refuses a private key with 403 naming the rule, never the value', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Deploy with this key:\n${PEM}` }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const apiErr = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiErr.status).toBe(403);
    expect(apiErr.message).toContain('PRIVATE_KEY');
    expect(apiErr.message).not.toContain('MIIEow');
    expect((apiErr.error as { type?: string }).type).toBe('policy_violation');
    expect(apiErr.headers?.get('x-veil-decision')).toBe('block');
    expect(mock.requests).toHaveLength(0);
    const row = await rowFor(apiErr.headers?.get('x-veil-request-id') ?? null);
    expect(row).toMatchObject({ decision: 'block', route: 'none', status: 403, error_code: 'policy_blocked' });
  });
});

describe('service endpoints', () => {
  it('serves /healthz without a key and /v1/models with one', async () => {
    const h = await fetch(`${gw.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', policies: ['default'] });
    const m = await client.models.list();
    expect(m.data.map((x) => x.id)).toContain('gpt-4o-mini');
    expect(m.data.some((x) => x.id.endsWith('*'))).toBe(false);
  });
});
