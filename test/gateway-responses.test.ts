/**
 * End to end with the official `openai` SDK's Responses API as the client: string and item
 * inputs, instructions, function calls and their outputs, the typed event stream, OpenAI error
 * shapes, and the local model answering a Responses client in the Responses shape.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { UPSTREAM_KEY, useMockedGateway, type TestGateway } from './support/gateway.ts';
import type { MockUpstream } from './support/mock-upstream/index.ts';
import { requireModelOrSkip } from './support/model.ts';
import { DIALECT_POLICY, EMAIL, PEM, RRN } from './support/samples.ts';

const MODEL = 'gpt-4.1';

const model = requireModelOrSkip();
if (model.skipReason) console.warn(model.skipReason);

let mock: MockUpstream;
let gw: TestGateway;
let client: OpenAI;

useMockedGateway({ policy: `${DIALECT_POLICY}inspect_output: true\n`, modelPath: model.path, anthropic: true }, (s) => {
  ({ mock, gw } = s);
  client = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
});

const sentText = () => mock.requests.map((r) => r.rawBody).join('\n');
const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'send_mail', strict: false, parameters: { type: 'object', properties: { to: { type: 'string' } } } }];

describe('remote (mock OpenAI upstream)', () => {
  it('allow: a string input is forwarded unchanged with the upstream key', async () => {
    const { data, response } = await client.responses.create({ model: MODEL, input: 'Say hello to the team.' }).withResponse();
    expect(response.headers.get('x-veil-decision')).toBe('allow');
    expect(data.output_text).toBe('echo: Say hello to the team.');
    const req = mock.requests[0]!;
    expect(req.path).toBe('/v1/responses');
    expect(req.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(req.json).toMatchObject({ model: MODEL, input: 'Say hello to the team.' });
    const row = await gw.auditRowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ endpoint: 'POST /v1/responses', decision: 'allow', route: 'remote', provider: 'openai', status: 200, model: MODEL });
    expect(row.tokens_in).toBeGreaterThan(0);
  });

  it('redact: instructions and input items are masked before they leave; output and echoed instructions restored', async () => {
    const r = await client.responses.create({
      model: MODEL,
      instructions: `Always cc ${EMAIL}.`,
      input: [{ role: 'user', content: [{ type: 'input_text', text: `Write to ${EMAIL} today.` }] }],
    });
    expect(sentText()).not.toContain(EMAIL);
    expect(sentText()).toMatch(/<EMAIL_[0-9A-Z]+>/);
    expect(r.output_text).toBe(`echo: Write to ${EMAIL} today.`);
    expect(r.instructions).toBe(`Always cc ${EMAIL}.`);
  });

  it('streams typed events, restoring deltas split one character at a time and the final response', async () => {
    mock.configure({ chunkSize: 1 });
    const stream = client.responses.stream({ model: MODEL, input: `Reply to ${EMAIL}` });
    let deltas = '';
    const types = new Set<string>();
    for await (const ev of stream) {
      types.add(ev.type);
      if (ev.type === 'response.output_text.delta') deltas += ev.delta;
      if (ev.type === 'response.output_text.done') expect(ev.text).toBe(`echo: Reply to ${EMAIL}`);
    }
    const final = await stream.finalResponse();
    expect(deltas).toBe(`echo: Reply to ${EMAIL}`);
    expect(final.output_text).toBe(`echo: Reply to ${EMAIL}`);
    expect([...types]).toEqual(expect.arrayContaining(['response.created', 'response.output_item.added', 'response.output_text.delta', 'response.output_text.done', 'response.completed']));
    expect(sentText()).not.toContain(EMAIL);
  });

  it('function calls: arguments restored streamed and not; function_call_output inspected on the way back', async () => {
    const r = await client.responses.create({ model: MODEL, tools, input: `CALL_TOOL mail ${EMAIL}` });
    const call = r.output.find((i) => i.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ to: `CALL_TOOL mail ${EMAIL}` });
    expect(sentText()).not.toContain(EMAIL);

    mock.reset();
    mock.configure({ chunkSize: 2 });
    const stream = client.responses.stream({ model: MODEL, tools, input: `CALL_TOOL mail ${EMAIL}` });
    let args = '';
    for await (const ev of stream) if (ev.type === 'response.function_call_arguments.delta') args += ev.delta;
    expect(JSON.parse(args)).toEqual({ to: `CALL_TOOL mail ${EMAIL}` });
    const final = await stream.finalResponse();
    const streamed = final.output.find((i) => i.type === 'function_call');
    expect(streamed?.type === 'function_call' && JSON.parse(streamed.arguments)).toEqual({ to: `CALL_TOOL mail ${EMAIL}` });

    mock.reset();
    const next = await client.responses.create({
      model: MODEL,
      tools,
      input: [
        { role: 'user', content: 'send it' },
        { type: 'function_call', call_id: 'call_1', name: 'send_mail', arguments: JSON.stringify({ to: EMAIL }) },
        { type: 'function_call_output', call_id: 'call_1', output: `sent to ${EMAIL}` },
      ],
    });
    expect(next.output_text).toBe(`echo: sent to ${EMAIL}`);
    expect(sentText()).not.toContain(EMAIL);
  });

  it('an upstream error event mid-stream reaches the client as the Responses error event', async () => {
    mock.behaveOnce({ kind: 'errorMidStream', afterChunks: 4, message: 'upstream broke' });
    const res = await fetch(`${gw.baseURL}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, stream: true, input: `hello ${EMAIL}` }),
    });
    const text = await res.text();
    expect(text).toContain('event: error');
    expect(text).not.toContain('response.completed');
    const row = await gw.auditRowFor(res.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ error_code: 'upstream_error', stream: 1 });
  });
});

describe('errors in OpenAI\'s shape', () => {
  it('block: 403 policy_violation naming the rule', async () => {
    const err = await client.responses.create({ model: MODEL, input: `Deploy with\n${PEM}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(403);
    expect(e.message).toContain('PRIVATE_KEY');
    expect(e.message).not.toContain('MIIEow');
    expect(mock.requests).toHaveLength(0);
  });

  it('bad JSON, wrong shapes, unknown model, wrong key: OpenAI error bodies; every request audited; still serving', async () => {
    const post = (body: string, key = gw.key) =>
      fetch(`${gw.baseURL}/responses`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    const cases: [Response, number][] = [
      [await post('{"model": "gpt-4.1", "input": ['), 400],
      [await post(JSON.stringify({ model: MODEL, input: 42 })), 400],
      [await post(JSON.stringify({ model: MODEL, input: [{ type: 'function_call', name: 'f', arguments: { to: 'x' } }] })), 400],
      [await post(JSON.stringify({ model: 'claude-sonnet-4-5', input: 'x' })), 404],
      [await post(JSON.stringify({ model: MODEL, input: 'x' }), 'veil_wrong'), 401],
    ];
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { message: string; type: string; code: string } };
      expect(typeof body.error.message).toBe('string');
      expect(typeof body.error.code).toBe('string');
      const row = await gw.auditRowFor(res.headers.get('x-veil-request-id'));
      expect(row).toMatchObject({ endpoint: 'POST /v1/responses', status });
    }
    expect(mock.requests).toHaveLength(0);
    expect((await client.responses.create({ model: MODEL, input: 'still there?' })).output_text).toBe('echo: still there?');
  });
});

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('local model answers a Responses client in the Responses shape', () => {
  it('non-stream', async () => {
    const { data, response } = await client.responses
      .create({ model: MODEL, max_output_tokens: 16, input: `My number is ${RRN}. Once upon a time` })
      .withResponse();
    expect(response.headers.get('x-veil-route')).toBe('local');
    expect(mock.requests).toHaveLength(0);
    expect(data.object).toBe('response');
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(['completed', 'incomplete']).toContain(data.status);
    expect(data.usage!.output_tokens).toBeGreaterThan(0);
    const row = await gw.auditRowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ decision: 'local', route: 'local', status: 200, endpoint: 'POST /v1/responses' });
  });

  it('stream', async () => {
    const stream = client.responses.stream({ model: MODEL, max_output_tokens: 24, input: `주민등록번호 ${RRN}` });
    let deltas = 0;
    let text = '';
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') {
        deltas++;
        text += ev.delta;
      }
    }
    const final = await stream.finalResponse();
    expect(deltas).toBeGreaterThan(2);
    expect(final.output_text).toBe(text);
    expect(mock.requests).toHaveLength(0);
  });
});
