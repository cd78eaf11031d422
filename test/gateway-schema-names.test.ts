/**
 * End to end with the official clients: a sensitive value where a tool or output schema cannot be
 * rewritten (a property name, a `pattern`) never reaches the upstream. Under a policy without local
 * routing the request is refused in the client's own error shape, naming the place and the type;
 * under one with local routing it is answered locally; either way the audit record counts the
 * finding. A schema with plain names still goes upstream exactly as the client wrote it.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useMockedGateway, type TestGateway } from './support/gateway.ts';
import type { MockUpstream } from './support/mock-upstream/index.ts';
import { requireModelOrSkip } from './support/model.ts';
import { DIALECT_POLICY, EMAIL } from './support/samples.ts';

/** Redacts e-mails and names, blocks keys, keeps nothing on-premises: an unredactable e-mail is blocked. */
const NO_LOCAL_POLICY = 'id: default\nrules:\n  EMAIL: { action: redact }\n  PERSON: { action: redact }\n  PRIVATE_KEY: { action: block }\n';
const CLAUDE = 'claude-sonnet-5-5';

const model = requireModelOrSkip();
if (model.skipReason) console.warn(model.skipReason);

const chatTool = (properties: Record<string, unknown>): OpenAI.Chat.ChatCompletionFunctionTool => ({
  type: 'function',
  function: { name: 'lookup', description: 'Looks up an order', parameters: { type: 'object', properties, required: Object.keys(properties) } },
});

describe('policy without local routing: blocked in the dialect\'s error shape', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;
  useMockedGateway({ policy: NO_LOCAL_POLICY, modelPath: null, anthropic: true }, (s) => {
    ({ mock, gw } = s);
    openai = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
  });

  it('chat: an e-mail as a tool property name → 403 naming the place and type, nothing upstream, audited', async () => {
    const err = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Find my order' }], tools: [chatTool({ [EMAIL]: { type: 'string' } })] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(403);
    expect(e.error).toMatchObject({ type: 'policy_violation', code: 'policy_blocked' });
    expect(e.message).toContain('a tool schema property name contains EMAIL (1)');
    expect(e.message).toContain('a tool schema required property name contains EMAIL (1)');
    expect(e.message).not.toContain(EMAIL);
    expect(e.headers?.get('x-veil-decision')).toBe('block');
    expect(mock.requests).toHaveLength(0);
    const row = await gw.auditRowFor(e.headers?.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'block', route: 'none', status: 403, error_code: 'policy_blocked' });
    expect(JSON.parse(String(row.findings))).toEqual({ EMAIL: 2 });
    expect(JSON.stringify(row)).not.toContain(EMAIL);
    expect(gw.logs.join('\n')).not.toContain(EMAIL);
  });

  it('chat: an e-mail as a tool name → 403 naming the place, nothing upstream (the upstream would refuse the name only after receiving it)', async () => {
    const tool = { type: 'function' as const, function: { name: EMAIL, parameters: { type: 'object', properties: {} } } };
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Find my order' }], tools: [tool] }).catch((e: unknown) => e);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(403);
    expect(e.message).toContain('a tool name contains EMAIL (1)');
    expect(e.message).not.toContain(EMAIL);
    expect(mock.requests).toHaveLength(0);
    const row = await gw.auditRowFor(e.headers?.get('x-veil-request-id'));
    expect(JSON.parse(String(row.findings))).toEqual({ EMAIL: 1 });
  });

  it('chat, streamed, structured output: an e-mail in a response_format pattern is refused before any stream starts', async () => {
    const err = await openai.chat.completions
      .create({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'Reply as JSON' }],
        response_format: { type: 'json_schema', json_schema: { name: 'reply', schema: { type: 'object', properties: { to: { type: 'string', pattern: `^${EMAIL}$` } } } } },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(403);
    expect(e.message).toContain('a structured-output schema pattern contains EMAIL (1)');
    expect(e.message).not.toContain(EMAIL);
    expect(mock.requests).toHaveLength(0);
  });

  it('anthropic: an e-mail inside an input_schema pattern → 403 permission_error, nothing upstream, audited', async () => {
    const err = await anthropic.messages
      .create({
        model: CLAUDE,
        max_tokens: 16,
        messages: [{ role: 'user', content: 'Send the report' }],
        tools: [{ name: 'send', input_schema: { type: 'object', properties: { to: { type: 'string', pattern: `^(${EMAIL}|ops@corp\\.test)$` } } } }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.status).toBe(403);
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(e.message).toContain('a tool schema pattern contains EMAIL');
    expect(e.message).not.toContain(EMAIL);
    expect(mock.requests).toHaveLength(0);
    const row = await gw.auditRowFor(e.headers?.get('x-veil-request-id'));
    expect(row).toMatchObject({ endpoint: 'POST /v1/messages', decision: 'block', status: 403, error_code: 'policy_blocked' });
    expect(JSON.parse(String(row.findings))).toEqual({ EMAIL: 1 });
    expect(JSON.stringify(row)).not.toContain(EMAIL);
  });

  it('a value redacted in the prompt and repeated in a property name blocks too, though the name alone is no finding', async () => {
    // A bare "Maria Garcia" is no finding; after "Contact:" it is a name, redacted in the prompt,
    // so the transform would have replaced it in the property name too, which it cannot.
    const err = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Contact: Maria Garcia' }], tools: [chatTool({ 'Maria Garcia': { type: 'string' } })] })
      .catch((e: unknown) => e);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(403);
    expect(e.message).toContain('a tool schema property name contains PERSON (1)');
    expect(e.message).not.toContain('Garcia');
    expect(mock.requests).toHaveLength(0);
    const row = await gw.auditRowFor(e.headers?.get('x-veil-request-id'));
    expect(JSON.parse(String(row.findings))).toEqual({ PERSON: 3 });
  });

  it('a schema with plain names goes upstream byte-identical while the prompt is redacted', async () => {
    const tools = [chatTool({ order_id: { type: 'string', pattern: '^[A-Z]{2}[0-9]{6}$', description: 'Order number' }, note: { $ref: '#/$defs/note' } })];
    (tools[0]!.function.parameters as Record<string, unknown>).$defs = { note: { type: 'string', maxLength: 200 } };
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Order for ${EMAIL}` }], tools })
      .withResponse();
    expect(response.headers.get('x-veil-decision')).toBe('redact');
    expect(data.choices[0]!.message.content).toBe(`echo: Order for ${EMAIL}`);
    expect(mock.requests).toHaveLength(1);
    const sent = mock.requests[0]!;
    expect(sent.rawBody).not.toContain(EMAIL);
    // Byte for byte: the tools' JSON text is inside the forwarded body unchanged.
    expect(sent.rawBody).toContain(JSON.stringify(tools));
  });
});

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('policy with local routing and a local model: answered locally (needs the tiny GGUF model)', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  let openai: OpenAI;
  useMockedGateway({ policy: DIALECT_POLICY, modelPath: model.path }, (s) => {
    ({ mock, gw } = s);
    openai = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
  });

  it('chat: an e-mail as a property name is answered by the local model; nothing upstream; audited', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: 'Once upon a time' }], tools: [chatTool({ [EMAIL]: { type: 'string' } })] })
      .withResponse();
    expect(response.headers.get('x-veil-decision')).toBe('local');
    expect(response.headers.get('x-veil-route')).toBe('local');
    expect(data.object).toBe('chat.completion');
    expect(mock.requests).toHaveLength(0);
    const row = await gw.auditRowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'local', route: 'local', status: 200 });
    expect(JSON.parse(String(row.findings))).toEqual({ EMAIL: 2 });
    expect(JSON.stringify(row)).not.toContain(EMAIL);
  });
});

describe('policy with local routing but no local model: refused, never sent upstream', () => {
  let mock: MockUpstream;
  let anthropic: Anthropic;
  useMockedGateway({ policy: DIALECT_POLICY, modelPath: null, anthropic: true }, (s) => {
    mock = s.mock;
    anthropic = new Anthropic({ apiKey: s.gw.key, baseURL: s.gw.url, maxRetries: 0 });
  });

  it('anthropic: an e-mail in a pattern → 503 local_model_unavailable, nothing upstream', async () => {
    const err = await anthropic.messages
      .create({ model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'send', input_schema: { type: 'object', properties: { to: { type: 'string', pattern: `^${EMAIL}$` } } } }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.status).toBe(503);
    expect(e.headers?.get('x-veil-decision')).toBe('local');
    expect(e.message).not.toContain(EMAIL);
    expect(mock.requests).toHaveLength(0);
  });
});
