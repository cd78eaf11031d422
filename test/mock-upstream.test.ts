/**
 * @module test/mock-upstream.test
 * Proves the mock upstream speaks each provider's wire format well enough for the official
 * `openai` and `@anthropic-ai/sdk` clients to parse every answer (JSON and SSE), that it
 * records what it received, and that its fault behaviours are observable on the wire.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  closedPortUrl, mockEmbedding, startMockUpstream, type MockUpstream,
} from './support/mock-upstream/index.ts';

const UPSTREAM_KEY = 'sk-upstream-test-key';
const ANTHROPIC_KEY = 'sk-ant-upstream-test-key';
const TOOLS_OPENAI = [{
  type: 'function' as const,
  function: { name: 'send_mail', parameters: { type: 'object', properties: { to: { type: 'string' } } } },
}];
const TOOLS_ANTHROPIC = [{ name: 'send_mail', input_schema: { type: 'object' as const, properties: { to: { type: 'string' } } } }];

let mock: MockUpstream;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockUpstream();
  openai = new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: `${mock.url}/v1`, maxRetries: 0, timeout: 5_000, logLevel: 'off' });
  anthropic = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: mock.url, maxRetries: 0, timeout: 5_000, logLevel: 'off' });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

/** Reads a fetch body to the end as text, with the time each read resolved. */
async function readTimed(res: Response): Promise<{ text: string; reads: Array<{ at: number; text: string }> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const reads: Array<{ at: number; text: string }> = [];
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const piece = decoder.decode(value, { stream: true });
    reads.push({ at: performance.now(), text: piece });
    text += piece;
  }
  return { text, reads };
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}`, ...headers },
    body: JSON.stringify(body),
  });
}

type ChatParams = Omit<ChatCompletionCreateParamsBase, 'stream'>;

/** A one-user-message chat body, usable with `create` and with the `stream` helper. */
function chatBody(content: string, extra: Partial<ChatParams> = {}): ChatParams {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra };
}

describe('OpenAI chat completions', () => {
  it('answers non-streaming with the echo of the last user message and records the request', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'mail [EMAIL_1] now' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]!.message.content).toBe('echo: mail [EMAIL_1] now');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(completion._request_id).toMatch(/^req_/);

    expect(mock.requests).toHaveLength(1);
    const rec = mock.requests[0]!;
    expect(rec.method).toBe('POST');
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(rec.headers['content-type']).toContain('application/json');
    expect((rec.json as { messages: unknown[] }).messages).toHaveLength(4);
    expect(JSON.parse(rec.rawBody)).toEqual(rec.json);
  });

  it('streams one-character deltas that the SDK stream helper assembles', async () => {
    mock.configure({ chunkSize: 1 });
    const stream = openai.chat.completions.stream(chatBody('héllo 👋 [PHONE_2]'));
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    const expected = 'echo: héllo 👋 [PHONE_2]';
    expect(final.choices[0]!.message.content).toBe(expected);
    expect(final.choices[0]!.finish_reason).toBe('stop');
    // One delta per code point: the emoji is never split into surrogate halves.
    expect(deltas).toEqual(Array.from(expected));
  });

  it('streams raw chunks ending with a usage chunk and [DONE] when include_usage is set', async () => {
    const res = await postJson('/v1/chat/completions', { ...chatBody('count me', { stream_options: { include_usage: true } }), stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { text } = await readTimed(res);
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, '')) as {
      object: string; choices: Array<{ delta: { role?: string; content?: string } }>; usage: unknown;
    });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('echo: count me');
  });

  it('answers CALL_TOOL with a tool call, non-streaming and streamed in argument fragments', async () => {
    const text = 'CALL_TOOL for [EMAIL_1]';
    const plain = await openai.chat.completions.create(chatBody(text, { tools: TOOLS_OPENAI }));
    const call = plain.choices[0]!.message.tool_calls![0]!;
    expect(plain.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('send_mail');
    expect(JSON.parse(call.function.arguments)).toEqual({ to: text });

    mock.configure({ chunkSize: 3 });
    const stream = openai.chat.completions.stream(chatBody(text, { tools: TOOLS_OPENAI }));
    const fragments: string[] = [];
    stream.on('tool_calls.function.arguments.delta', (e) => fragments.push(e.arguments_delta));
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    if (streamed.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(streamed.function.arguments)).toEqual({ to: text });
    expect(fragments.length).toBeGreaterThan(3);
    expect(fragments.join('')).toBe(streamed.function.arguments);
  });

  it('answers n=2 with two indexed echoes, non-streaming and interleaved in a stream', async () => {
    const plain = await openai.chat.completions.create(chatBody('twice', { n: 2 }));
    expect(plain.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'echo[0]: twice'], [1, 'echo[1]: twice']]);

    const stream = await openai.chat.completions.create({ ...chatBody('twice', { n: 2 }), stream: true });
    const byIndex: string[] = ['', ''];
    const order: number[] = [];
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        byIndex[c.index] += c.delta.content ?? '';
        order.push(c.index);
      }
    }
    expect(byIndex).toEqual(['echo[0]: twice', 'echo[1]: twice']);
    expect(order.slice(0, 4)).toEqual([0, 1, 0, 1]);
  });

  it('sends a fixed reply and a configured tool call', async () => {
    mock.behaveOnce({ kind: 'reply', text: 'Dear [PERSON_1], see [EMAIL_1].' });
    mock.behaveOnce({ kind: 'toolCall', name: 'lookup', arguments: { id: '[ID_1]' }, text: 'Looking up.' });
    const a = await openai.chat.completions.create(chatBody('x'));
    expect(a.choices[0]!.message.content).toBe('Dear [PERSON_1], see [EMAIL_1].');
    const b = await openai.chat.completions.stream(chatBody('x')).finalChatCompletion();
    expect(b.choices[0]!.message.content).toBe('Looking up.');
    const call = b.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect([call.function.name, JSON.parse(call.function.arguments)]).toEqual(['lookup', { id: '[ID_1]' }]);
    // Queue used up: back to echo.
    const c = await openai.chat.completions.create(chatBody('back'));
    expect(c.choices[0]!.message.content).toBe('echo: back');
  });

  it('rejects a body the real API would refuse with 400 in OpenAI error shape', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error' });
    const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { message: expect.any(String), type: 'invalid_request_error' } });
  });
});

describe('OpenAI Responses API', () => {
  it('answers non-streaming with a message item the SDK reads as output_text', async () => {
    const res = await openai.responses.create({ model: 'gpt-4.1', instructions: 'terse', input: 'hi [EMAIL_1]' });
    expect(res.id).toMatch(/^resp_/);
    expect(res.object).toBe('response');
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('echo: hi [EMAIL_1]');
    expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
    expect(mock.requests[0]!.path).toBe('/v1/responses');
  });

  it('streams typed events with increasing sequence numbers', async () => {
    mock.configure({ chunkSize: 2 });
    const stream = await openai.responses.create({
      model: 'gpt-4.1', stream: true,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream [CARD_1]' }] }],
    });
    const types: string[] = [];
    const seq: number[] = [];
    let deltas = '';
    let completedText = '';
    for await (const event of stream) {
      types.push(event.type);
      seq.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.completed') {
        const item = event.response.output[0]!;
        completedText = item.type === 'message' && item.content[0]!.type === 'output_text' ? item.content[0]!.text : '';
      }
    }
    expect(deltas).toBe('echo: stream [CARD_1]');
    expect(completedText).toBe(deltas);
    expect(seq).toEqual(seq.map((_, i) => i));
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
  });

  it('answers CALL_TOOL with a function_call item, streamed as argument deltas', async () => {
    const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'send_mail', parameters: null, strict: false }];
    const text = 'CALL_TOOL to [EMAIL_2]';
    const stream = openai.responses.stream({ model: 'gpt-4.1', input: text, tools });
    const argDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argDeltas.push(e.delta));
    const final = await stream.finalResponse();
    const item = final.output[0]!;
    expect(item.type).toBe('function_call');
    if (item.type !== 'function_call') throw new Error('expected function_call');
    expect(item.name).toBe('send_mail');
    expect(item.call_id).toMatch(/^call_/);
    expect(JSON.parse(item.arguments)).toEqual({ to: text });
    expect(argDeltas.join('')).toBe(item.arguments);

    const next = await openai.responses.create({
      model: 'gpt-4.1', tools,
      input: [
        { role: 'user', content: text },
        { type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments },
        { type: 'function_call_output', call_id: item.call_id, output: 'sent to [EMAIL_2]' },
      ],
    });
    expect(next.output_text).toBe('echo: sent to [EMAIL_2]');
  });
});

describe('Anthropic Messages', () => {
  it('answers non-streaming and records the upstream key and version header', async () => {
    const msg = await anthropic.messages.create({
      model: 'claude-sonnet-4-5', max_tokens: 64, system: [{ type: 'text', text: 'sys' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello [PERSON_1]' }] }],
    });
    expect(msg.id).toMatch(/^msg_01/);
    expect(msg.type).toBe('message');
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.content).toEqual([{ type: 'text', text: 'echo: hello [PERSON_1]' }]);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    const rec = mock.requests[0]!;
    expect(rec.path).toBe('/v1/messages');
    // @anthropic-ai/sdk 1.x sends the key as `authorization: Bearer`; older ones as `x-api-key`.
    expect(rec.headers['x-api-key'] ?? rec.headers.authorization?.replace(/^Bearer /, '')).toBe(ANTHROPIC_KEY);
    expect(rec.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('streams text that MessageStream assembles into the final message', async () => {
    mock.configure({ chunkSize: 1 });
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'tiny [EMAIL_1]' }],
    });
    const pieces: string[] = [];
    stream.on('text', (t) => pieces.push(t));
    const final = await stream.finalMessage();
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'echo: tiny [EMAIL_1]' });
    expect(pieces.join('')).toBe('echo: tiny [EMAIL_1]');
    expect(pieces).toHaveLength('echo: tiny [EMAIL_1]'.length);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(1);
  });

  it('streams tool_use input as input_json_delta pieces the SDK parses', async () => {
    mock.configure({ chunkSize: 4 });
    const text = 'CALL_TOOL to [EMAIL_3]';
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5', max_tokens: 64, tools: TOOLS_ANTHROPIC, messages: [{ role: 'user', content: text }],
    });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const block = final.content[0]!;
    expect(block.type).toBe('tool_use');
    if (block.type !== 'tool_use') throw new Error('expected tool_use');
    expect(block.id).toMatch(/^toolu_01/);
    expect(block.name).toBe('send_mail');
    expect(block.input).toEqual({ to: text });
    expect(partials.join('')).toBe(JSON.stringify({ to: text }));

    // The tool result turn is echoed back.
    const next = await anthropic.messages.create({
      model: 'claude-sonnet-4-5', max_tokens: 64, tools: TOOLS_ANTHROPIC,
      messages: [
        { role: 'user', content: text },
        { role: 'assistant', content: final.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: block.id, content: 'done for [EMAIL_3]' }] },
      ],
    });
    expect(next.content).toEqual([{ type: 'text', text: 'echo: done for [EMAIL_3]' }]);
  });

  it('sends a text block then a tool_use block, with correct indexes, for a toolCall with text', async () => {
    mock.behave({ kind: 'toolCall', name: 'lookup', arguments: { q: '[ID_1]' }, text: 'Checking.' });
    const stream = await anthropic.messages.create({
      model: 'claude-sonnet-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'x' }],
    });
    const events: string[] = [];
    for await (const e of stream) events.push(e.type === 'content_block_start' ? `start:${e.index}:${e.content_block.type}` : e.type);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('start:0:text');
    expect(events).toContain('start:1:tool_use');
    expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
    // The SDK drops pings, so check the wire: every event is named, one ping after the first block opens.
    const raw = await postJson('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 9, stream: true, messages: [{ role: 'user', content: 'x' }] }, { 'anthropic-version': '2023-06-01' });
    const names = (await readTimed(raw)).text.split('\n\n').filter(Boolean).map((f) => /^event: (\S+)\ndata: \{"type":"\1"/.exec(f)?.[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.filter((n) => n === 'ping')).toHaveLength(1);
    expect(names).not.toContain(undefined);
  });

  it('counts tokens and lists models in each provider shape', async () => {
    const count = async (n: number) => (await anthropic.messages.countTokens({
      model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'a'.repeat(n) }],
    })).input_tokens;
    const small = await count(40);
    expect(small).toBeGreaterThan(0);
    expect(await count(440)).toBe(small + 100);
    expect(mock.requests[0]!.path).toBe('/v1/messages/count_tokens');

    const ids: string[] = [];
    for await (const m of anthropic.models.list()) ids.push(m.id);
    expect(ids).toContain('claude-sonnet-4-5');
    const openaiIds: string[] = [];
    for await (const m of openai.models.list()) openaiIds.push(m.id);
    expect(openaiIds).toContain('gpt-4o-mini');
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/messages/count_tokens', 'POST /v1/messages/count_tokens', 'GET /v1/models', 'GET /v1/models',
    ]);
    // Same path, shape chosen by the caller: the Anthropic SDK sent anthropic-version, openai did not.
    expect(mock.requests[2]!.headers['anthropic-version']).toBeDefined();
    expect(mock.requests[3]!.headers['anthropic-version']).toBeUndefined();
  });

  it('refuses a request without anthropic-version or max_tokens in Anthropic error shape', async () => {
    const res = await postJson('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('anthropic-version') } });
    const err = await anthropic.messages.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  });
});

describe('embeddings', () => {
  it('returns deterministic vectors through the SDK default base64 encoding and as floats', async () => {
    const viaSdk = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta [EMAIL_1]'] });
    expect((mock.requests[0]!.json as { encoding_format: string }).encoding_format).toBe('base64');
    expect(viaSdk.data.map((d) => d.embedding)).toEqual([mockEmbedding('alpha'), mockEmbedding('beta [EMAIL_1]')]);
    expect(viaSdk.usage.prompt_tokens).toBeGreaterThan(0);
    const norm = Math.hypot(...viaSdk.data[0]!.embedding);
    expect(norm).toBeCloseTo(1, 5);

    const floats = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float', dimensions: 20 });
    expect(floats.data[0]!.embedding).toEqual(mockEmbedding('alpha', 20));
    expect(floats.data[0]!.embedding.slice(0, 8)).not.toEqual(mockEmbedding('alpha'));
    expect(mockEmbedding('alpha')).not.toEqual(mockEmbedding('alphb'));
  });
});

describe('error behaviours', () => {
  it('surfaces a 429 with Retry-After as the SDK RateLimitError', async () => {
    mock.behaveOnce({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    const err = await openai.chat.completions.create(chatBody('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const apiErr = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiErr.status).toBe(429);
    expect(apiErr.headers?.get('retry-after')).toBe('7');
    expect(apiErr.code).toBe('rate_limit_exceeded');
  });

  it('sends a custom 400 body and a 500 in each dialect, and the SDK retries past a single 500', async () => {
    mock.behaveOnce({ kind: 'error', status: 400, body: { error: { message: 'context too long', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
    const e400 = await openai.chat.completions.create(chatBody('x')).catch((e: unknown) => e) as InstanceType<typeof OpenAI.APIError>;
    expect([e400.status, e400.code, e400.param]).toEqual([400, 'context_length_exceeded', 'messages']);

    mock.behaveOnce({ kind: 'error', status: 500 });
    const e500 = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(Anthropic.InternalServerError);
    expect((e500 as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });

    mock.reset();
    mock.behaveOnce({ kind: 'error', status: 500, headers: { 'retry-after-ms': '5' } });
    const retrying = new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: `${mock.url}/v1`, maxRetries: 1, timeout: 5_000 });
    const ok = await retrying.chat.completions.create(chatBody('again'));
    expect(ok.choices[0]!.message.content).toBe('echo: again');
    expect(mock.requests).toHaveLength(2);
  });

  it('sends an in-stream error event that each SDK raises', async () => {
    mock.behaveOnce({ kind: 'errorMidStream', afterChunks: 3, message: 'Overloaded' });
    const aStream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 9, messages: [{ role: 'user', content: 'x' }] });
    const aErr = await aStream.finalMessage().catch((e: unknown) => e);
    expect(aErr).toBeInstanceOf(Anthropic.APIError);
    expect(String((aErr as Error).message)).toContain('overloaded_error');

    mock.behaveOnce({ kind: 'errorMidStream', afterChunks: 2, message: 'boom' });
    const oErr = await openai.chat.completions.stream(chatBody('x')).finalChatCompletion().catch((e: unknown) => e);
    expect(oErr).toBeInstanceOf(OpenAI.APIError);
    expect((oErr as Error).message).toContain('boom');

    mock.behaveOnce({ kind: 'errorMidStream', afterChunks: 0 });
    const plain = await openai.chat.completions.create(chatBody('x')).catch((e: unknown) => e);
    expect((plain as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
  });

  it('rejects a wrong upstream key with the provider 401 when apiKey is set', async () => {
    const strict = await startMockUpstream({ apiKey: UPSTREAM_KEY });
    try {
      const wrong = new OpenAI({ apiKey: 'sk-gateway-key', baseURL: `${strict.url}/v1`, maxRetries: 0 });
      expect(await wrong.models.list().catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
      const right = new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: strict.url, maxRetries: 0 });
      const msg = await right.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'k' }] });
      expect(msg.content).toEqual([{ type: 'text', text: 'echo: k' }]);
    } finally {
      await strict.close();
    }
  });
});

describe('transport faults (raw fetch)', () => {
  it('stalls before headers', async () => {
    mock.behaveOnce({ kind: 'stallBeforeHeaders', ms: 150 });
    const t0 = performance.now();
    const res = await postJson('/v1/chat/completions', chatBody('slow'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect((await res.json() as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('echo: slow');
  });

  it('stalls mid-stream after N events, then finishes; delayMs paces events', async () => {
    mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 2, ms: 150 });
    const res = await postJson('/v1/chat/completions', { ...chatBody('pause'), stream: true });
    const t0 = performance.now();
    const { text, reads } = await readTimed(res);
    const gapIndex = reads.findIndex((r, i) => i > 0 && r.at - reads[i - 1]!.at >= 140);
    expect(gapIndex).toBeGreaterThan(0);
    const before = reads.slice(0, gapIndex).map((r) => r.text).join('');
    expect(before.split('\n\n').filter(Boolean)).toHaveLength(2);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);

    mock.configure({ delayMs: 20, chunkSize: 100 });
    const t1 = performance.now();
    const paced = await postJson('/v1/chat/completions', { ...chatBody('p'), stream: true });
    const frames = (await readTimed(paced)).text.split('\n\n').filter(Boolean);
    // role, content, finish, [DONE]: three pauses between four events.
    expect(frames).toHaveLength(4);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(55);
  });

  it('resets the socket mid-stream and mid-body', async () => {
    mock.behaveOnce({ kind: 'resetMidStream', afterChunks: 3 });
    const res = await postJson('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'cut me' }] }, { 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(200);
    await expect(readTimed(res)).rejects.toThrow();

    mock.behaveOnce({ kind: 'resetMidStream', afterChunks: 1 });
    const plain = await postJson('/v1/chat/completions', chatBody('cut'));
    await expect(plain.json()).rejects.toThrow();

    // The SDK sees the reset as an error, not a silently short answer.
    mock.behaveOnce({ kind: 'resetMidStream', afterChunks: 2 });
    const sdkErr = await openai.chat.completions.stream(chatBody('cut')).finalChatCompletion().catch((e: unknown) => e);
    expect(sdkErr).toBeInstanceOf(Error);
  });

  it('sends a malformed SSE event, and a cut JSON body for non-streaming', async () => {
    mock.behaveOnce({ kind: 'malformedSse' });
    const res = await postJson('/v1/responses', { model: 'gpt-4.1', stream: true, input: 'bad' });
    const frames = (await readTimed(res)).text.split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(2);
    const datas = frames.map((f) => f.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(() => JSON.parse(datas[0]!)).not.toThrow();
    expect(() => JSON.parse(datas[1]!)).toThrow();

    mock.behaveOnce({ kind: 'malformedSse' });
    const sdkErr = await openai.chat.completions.stream(chatBody('bad')).finalChatCompletion().catch((e: unknown) => e);
    expect(sdkErr).toBeInstanceOf(Error);

    mock.behaveOnce({ kind: 'malformedSse' });
    const plain = await postJson('/v1/chat/completions', chatBody('bad'));
    expect(plain.status).toBe(200);
    await expect(plain.json()).rejects.toThrow(SyntaxError);
  });

  it('sends an oversized but well-formed answer', async () => {
    mock.behaveOnce({ kind: 'oversized', bytes: 300_000 });
    const big = await openai.chat.completions.create(chatBody('big'));
    expect(big.choices[0]!.message.content!.length).toBeGreaterThanOrEqual(300_000);
    expect(big.choices[0]!.message.content!.startsWith('echo: big')).toBe(true);

    mock.behaveOnce({ kind: 'oversized', bytes: 300_000 });
    const stream = await postJson('/v1/chat/completions', { ...chatBody('big'), stream: true });
    const { text } = await readTimed(stream);
    expect(text.length).toBeGreaterThan(300_000);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('answers unknown paths with 404, refuses connections on a closed port, and frees sockets on close', async () => {
    const res = await postJson('/v2/nothing', {});
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('/v2/nothing') } });

    await expect(fetch(`${await closedPortUrl()}/v1/models`)).rejects.toThrow();

    const temp = await startMockUpstream();
    temp.behave({ kind: 'stallBeforeHeaders', ms: 60_000 });
    const pending = fetch(`${temp.url}/v1/models`).catch((e: unknown) => e);
    for (let i = 0; i < 50 && temp.openConnections() === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(temp.openConnections()).toBe(1);
    const t0 = performance.now();
    await temp.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(temp.openConnections()).toBe(0);
    await expect(fetch(`${temp.url}/v1/models`)).rejects.toThrow();
  });
});
