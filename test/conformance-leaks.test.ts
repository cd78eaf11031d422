/**
 * One shared table of leak cases, run against every dialect the gateway serves. A sensitive value
 * (an email, which the test policy redacts) is planted in each text-bearing field: system /
 * instructions, user text, content parts, tool results, tool-use inputs / function-call
 * arguments, assistant history, tool schemas (a parameter's description, an enum value) and
 * structured-output schemas. For each field, streamed and not:
 *  1. the value never reaches the mock upstream raw (only its placeholder does), and
 *  2. when the upstream answers with that placeholder — as text, and as tool-call arguments — the
 *     client gets the value back.
 * Placeholders are stable per team, so step 2 re-sends the same request with the mock told to
 * answer with the placeholder it saw in step 1. Rows that plant the value in a tool keep their own
 * tools for the tool-call step: a model copying a pseudonymized enum value into its arguments must
 * give the client the real value back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, UPSTREAM_KEY, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

const EMAIL = 'leak.canary@example.org';
const PLACEHOLDER = /<EMAIL_[0-9A-Z]+>/;

type Json = Record<string, unknown>;
type Events = { event?: string; data: Json }[];

interface DialectUnderTest {
  name: string;
  path: string;
  headers: Record<string, string>;
  /** Field name → a request body with `v` planted in that field. */
  fields: Record<string, (v: string) => Json>;
  /** Undefined for dialects that neither stream nor answer text (embeddings, count_tokens). */
  answer?: {
    text(json: Json): string;
    streamText(events: Events): string;
    toolArgs(json: Json): string;
    streamToolArgs(events: Events): string;
    tools: Json[];
  };
}

const anthropicTools = [{ name: 'send', description: 'send mail', input_schema: { type: 'object', properties: { to: { type: 'string' } } } }];
const openaiTools = [{ type: 'function', function: { name: 'send', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }];
const responsesTools = [{ type: 'function', name: 'send', parameters: { type: 'object', properties: { to: { type: 'string' } } } }];

/** A `send` tool's parameter schema with `v` planted as a description or as an enum value. */
const describedTo = (v: string) => ({ type: 'object', properties: { to: { type: 'string', description: `Mail ${v}` } }, required: ['to'] });
const enumTo = (v: string) => ({ type: 'object', properties: { to: { type: 'string', enum: [v, 'ops'] } }, required: ['to'] });
const chatTool = (parameters: Json) => [{ type: 'function', function: { name: 'send', parameters } }];
const anthropicTool = (input_schema: Json) => [{ name: 'send', description: 'send mail', input_schema }];
const responsesTool = (parameters: Json) => [{ type: 'function', name: 'send', parameters }];

const DIALECTS: DialectUnderTest[] = [
  {
    name: 'openai chat',
    path: '/v1/chat/completions',
    headers: {},
    fields: {
      system: (v) => ({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: `Mail ${v}` }, { role: 'user', content: 'hi' }] }),
      'user text': (v) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Mail ${v}` }] }),
      'content part': (v) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: `Mail ${v}` }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }),
      'assistant history': (v) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'who?' }, { role: 'assistant', content: `It is ${v}` }, { role: 'user', content: 'ok' }] }),
      'tool call arguments': (v) => ({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'user', content: 'send it' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'send', arguments: JSON.stringify({ to: v }) } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
      }),
      'tool result': (v) => ({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'user', content: 'look up' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'find', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: `found ${v}` },
        ],
      }),
      'tool schema description': (v) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], tools: chatTool(describedTo(v)) }),
      'tool schema enum': (v) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], tools: chatTool(enumTo(v)) }),
      'response_format schema': (v) => ({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_schema', json_schema: { name: 'mail', strict: true, schema: enumTo(v) } },
      }),
    },
    answer: {
      text: (j) => (j as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
      streamText: (evs) => evs.map((e) => (e.data as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '').join(''),
      toolArgs: (j) => (j as { choices: { message: { tool_calls: { function: { arguments: string } }[] } }[] }).choices[0]!.message.tool_calls[0]!.function.arguments,
      streamToolArgs: (evs) =>
        evs.map((e) => (e.data as { choices?: { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[] }).choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '').join(''),
      tools: openaiTools,
    },
  },
  {
    name: 'anthropic messages',
    path: '/v1/messages',
    headers: { 'anthropic-version': '2023-06-01' },
    fields: {
      'system string': (v) => ({ model: 'claude-sonnet-4-5', max_tokens: 64, system: `Mail ${v}`, messages: [{ role: 'user', content: 'hi' }] }),
      'system blocks': (v) => ({ model: 'claude-sonnet-4-5', max_tokens: 64, system: [{ type: 'text', text: `Mail ${v}` }], messages: [{ role: 'user', content: 'hi' }] }),
      'user text': (v) => ({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: `Mail ${v}` }] }),
      'content part': (v) => ({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: `Mail ${v}` }] }],
      }),
      'assistant history': (v) => ({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'who?' }, { role: 'assistant', content: [{ type: 'text', text: `It is ${v}` }] }, { role: 'user', content: 'ok' }],
      }),
      'tool_use input': (v) => ({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'send it' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'send', input: { to: v, meta: { cc: [v] } } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
        ],
      }),
      'tool_result string': (v) => ({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'look up' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'find', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: `found ${v}` }] },
        ],
      }),
      'tool_result blocks': (v) => ({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'look up' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'find', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: `found ${v}` }] }] },
        ],
      }),
      'tool schema description': (v) => ({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], tools: anthropicTool(describedTo(v)) }),
      'tool schema enum': (v) => ({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], tools: anthropicTool(enumTo(v)) }),
      'output_config schema': (v) => ({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
        output_config: { format: { type: 'json_schema', schema: describedTo(v) } },
      }),
    },
    answer: {
      text: (j) => (j as { content: { type: string; text?: string }[] }).content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
      streamText: (evs) =>
        evs.map((e) => (e.data.type === 'content_block_delta' && (e.data.delta as Json).type === 'text_delta' ? String((e.data.delta as Json).text) : '')).join(''),
      toolArgs: (j) => JSON.stringify((j as { content: { type: string; input?: unknown }[] }).content.find((b) => b.type === 'tool_use')!.input),
      streamToolArgs: (evs) =>
        evs.map((e) => (e.data.type === 'content_block_delta' && (e.data.delta as Json).type === 'input_json_delta' ? String((e.data.delta as Json).partial_json) : '')).join(''),
      tools: anthropicTools,
    },
  },
  {
    name: 'anthropic count_tokens',
    path: '/v1/messages/count_tokens',
    headers: { 'anthropic-version': '2023-06-01' },
    fields: {
      system: (v) => ({ model: 'claude-sonnet-4-5', system: `Mail ${v}`, messages: [{ role: 'user', content: 'hi' }] }),
      'user text': (v) => ({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: `Mail ${v}` }] }),
      'tool_use input': (v) => ({
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'send', input: { to: v } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] },
        ],
      }),
      'tool schema description': (v) => ({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], tools: anthropicTool(describedTo(v)) }),
      'tool schema enum': (v) => ({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], tools: anthropicTool(enumTo(v)) }),
    },
  },
  {
    name: 'openai responses',
    path: '/v1/responses',
    headers: {},
    fields: {
      instructions: (v) => ({ model: 'gpt-4.1', instructions: `Mail ${v}`, input: 'hi' }),
      'input string': (v) => ({ model: 'gpt-4.1', input: `Mail ${v}` }),
      'input_text part': (v) => ({ model: 'gpt-4.1', input: [{ role: 'user', content: [{ type: 'input_text', text: `Mail ${v}` }, { type: 'input_image', image_url: 'https://x/y.png' }] }] }),
      'developer message': (v) => ({ model: 'gpt-4.1', input: [{ role: 'developer', content: `Mail ${v}` }, { role: 'user', content: 'hi' }] }),
      'assistant history': (v) => ({
        model: 'gpt-4.1',
        input: [{ role: 'user', content: 'who?' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `It is ${v}` }] }, { role: 'user', content: 'ok' }],
      }),
      'function_call arguments': (v) => ({
        model: 'gpt-4.1',
        input: [
          { role: 'user', content: 'send it' },
          { type: 'function_call', call_id: 'c1', name: 'send', arguments: JSON.stringify({ to: v }) },
          { type: 'function_call_output', call_id: 'c1', output: 'done' },
        ],
      }),
      'function_call_output': (v) => ({
        model: 'gpt-4.1',
        input: [
          { role: 'user', content: 'look up' },
          { type: 'function_call', call_id: 'c1', name: 'find', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output: `found ${v}` },
        ],
      }),
      'tool schema description': (v) => ({ model: 'gpt-4.1', input: 'hi', tools: responsesTool(describedTo(v)) }),
      'tool schema enum': (v) => ({ model: 'gpt-4.1', input: 'hi', tools: responsesTool(enumTo(v)) }),
      'text.format schema': (v) => ({ model: 'gpt-4.1', input: 'hi', text: { format: { type: 'json_schema', name: 'mail', strict: true, schema: enumTo(v) } } }),
    },
    answer: {
      text: (j) =>
        ((j as { output: { type: string; content?: { type: string; text: string }[] }[] }).output)
          .filter((i) => i.type === 'message')
          .flatMap((i) => i.content!.map((c) => c.text))
          .join(''),
      streamText: (evs) => evs.map((e) => (e.data.type === 'response.output_text.delta' ? String(e.data.delta) : '')).join(''),
      toolArgs: (j) => (j as { output: { type: string; arguments?: string }[] }).output.find((i) => i.type === 'function_call')!.arguments!,
      streamToolArgs: (evs) => evs.map((e) => (e.data.type === 'response.function_call_arguments.delta' ? String(e.data.delta) : '')).join(''),
      tools: responsesTools,
    },
  },
  {
    name: 'openai embeddings',
    path: '/v1/embeddings',
    headers: {},
    fields: {
      'input string': (v) => ({ model: 'text-embedding-3-small', input: `Mail ${v}` }),
      'input array': (v) => ({ model: 'text-embedding-3-small', input: ['clean', `Mail ${v}`] }),
    },
  },
];

let mock: MockUpstream;
let gw: TestGateway;
let policyDir: string;

beforeAll(async () => {
  // A policy of our own, so this table tests the dialects, not the state of the detector catalogue.
  policyDir = mkdtempSync(join(tmpdir(), 'veil-conformance-'));
  writeFileSync(join(policyDir, 'default.yaml'), 'id: default\nrules:\n  EMAIL: { action: redact }\n  PRIVATE_KEY: { action: block }\ninspect_output: true\n');
  mock = await startMockUpstream({ chunkSize: 3 });
  gw = await startTestGateway({ mock, policies: policyDir, env: { ANTHROPIC_BASE_URL: mock.url, ANTHROPIC_API_KEY: UPSTREAM_KEY } });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
  rmSync(policyDir, { recursive: true, force: true });
});

async function send(d: DialectUnderTest, body: Json): Promise<{ res: Response; text: string }> {
  const res = await fetch(`${gw.url}${d.path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...d.headers },
    body: JSON.stringify(body),
  });
  return { res, text: await res.text() };
}

function parseSse(text: string): Events {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return { event, data: data === '[DONE]' ? {} : (JSON.parse(data) as Json) };
    });
}

/** What left the gateway: no raw value, and the placeholder it used. */
function sentPlaceholder(): string {
  expect(mock.requests.length).toBeGreaterThan(0);
  const raw = mock.requests.map((r) => r.rawBody).join('\n');
  expect(raw).not.toContain(EMAIL);
  expect(raw).not.toContain('leak.canary');
  const m = PLACEHOLDER.exec(raw);
  expect(m, 'a placeholder was sent instead of the value').not.toBeNull();
  return m![0];
}

describe.each(DIALECTS)('$name', (d) => {
  const streams = d.answer ? [false, true] : [false];
  describe.each(Object.keys(d.fields))('%s', (field) => {
    it.each(streams)('stream=%s: never leaves raw, comes back restored', async (stream) => {
      const body = { ...d.fields[field]!(EMAIL), ...(stream ? { stream: true } : {}) };
      mock.reset();
      const first = await send(d, body);
      expect(first.res.status, first.text).toBe(200);
      expect(first.res.headers.get('x-veil-decision')).toBe('redact');
      const placeholder = sentPlaceholder();
      if (!d.answer) return;

      // The upstream answers with the placeholder, as text and then as a tool call's arguments.
      mock.reset();
      mock.behaveOnce({ kind: 'reply', text: `Noted: ${placeholder}.` });
      const second = await send(d, body);
      expect(second.res.status).toBe(200);
      expect(mock.requests[0]!.rawBody).toContain(placeholder); // stable per team
      const text = stream ? d.answer.streamText(parseSse(second.text)) : d.answer.text(JSON.parse(second.text) as Json);
      expect(text).toBe(`Noted: ${EMAIL}.`);

      mock.reset();
      mock.behaveOnce({ kind: 'toolCall', name: 'send', arguments: { to: placeholder, cc: [`x ${placeholder}`] } });
      const third = await send(d, { ...body, tools: (body as Json).tools ?? d.answer.tools });
      expect(third.res.status).toBe(200);
      const args = stream ? d.answer.streamToolArgs(parseSse(third.text)) : d.answer.toolArgs(JSON.parse(third.text) as Json);
      expect(JSON.parse(args)).toEqual({ to: EMAIL, cc: [`x ${EMAIL}`] });
      expect(third.text).not.toMatch(PLACEHOLDER);
    });
  });
});

describe('every conformance request was audited', () => {
  it('has one audit row per request, each with the redact decision and no value', () => {
    const rows = gw.auditRows();
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      expect(r.decision).toBe('redact');
      expect(r.status).toBe(200);
      expect(JSON.stringify(r)).not.toContain(EMAIL);
    }
  });
});
