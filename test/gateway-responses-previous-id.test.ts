/**
 * End to end: an OpenAI Responses conversation continued server-side, with
 * `previous_response_id` or with the Conversations API's `conversation`. The later request
 * carries only the new input, while the upstream holds the earlier turns with their placeholders;
 * when the model repeats one of those, the gateway must restore it from what it remembered for
 * that answer id or conversation id — for the same gateway key only. A different key (same team
 * or another) continuing someone else's answer or conversation gets the placeholder, never the
 * value. JSON and streamed answers, with the official `openai` SDK as the client.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useMockedGateway, type TestGateway } from './support/gateway.ts';
import type { MockUpstream } from './support/mock-upstream/index.ts';
import { DIALECT_POLICY, EMAIL } from './support/samples.ts';

const MODEL = 'gpt-4.1';
const OTHER_EMAIL = 'kim.minsu@example.org';
const PLACEHOLDER = /<EMAIL_[0-9A-Z]+>/g;

let mock: MockUpstream;
let gw: TestGateway;
let client: OpenAI;

useMockedGateway({ policy: DIALECT_POLICY, modelPath: null }, (s) => {
  ({ mock, gw } = s);
  client = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
});

const clientFor = (key: string) => new OpenAI({ apiKey: key, baseURL: gw.baseURL, maxRetries: 0 });

/** The placeholders the upstream received in its `n`-th request. */
function placeholdersSent(n: number): string[] {
  return [...new Set(mock.requests[n]!.rawBody.match(PLACEHOLDER) ?? [])];
}

type Conversation = string | { id: string };
type TurnBody = { input: string; previous_response_id?: string; conversation?: Conversation; store?: boolean };

async function ask(c: OpenAI, stream: boolean, body: TurnBody): Promise<{ id: string; text: string; deltas: string | null }> {
  if (!stream) {
    const r = await c.responses.create({ model: MODEL, ...body });
    return { id: r.id, text: r.output_text, deltas: null };
  }
  const s = c.responses.stream({ model: MODEL, ...body });
  let deltas = '';
  for await (const ev of s) if (ev.type === 'response.output_text.delta') deltas += ev.delta;
  const final = await s.finalResponse();
  return { id: final.id, text: final.output_text, deltas };
}

/** Turn 1: the e-mail goes upstream as a placeholder; returns the answer id and that placeholder. */
async function firstTurn(stream: boolean, conversation?: Conversation): Promise<{ id: string; placeholder: string }> {
  const before = mock.requests.length;
  const r = await ask(client, stream, { input: `Please remember my address ${EMAIL}.`, ...(conversation ? { conversation } : {}) });
  expect(r.text).toBe(`echo: Please remember my address ${EMAIL}.`);
  const [placeholder] = placeholdersSent(before);
  expect(placeholder).toBeDefined();
  expect(mock.requests[before]!.rawBody).not.toContain(EMAIL);
  return { id: r.id, placeholder: placeholder! };
}

/** A raw POST, so the test sees every byte the gateway sent back (not just what the SDK parsed). */
async function rawPost(key: string, body: Record<string, unknown>): Promise<{ status: number; body: string; requestId: string | null }> {
  const res = await fetch(`${gw.baseURL}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, ...body }),
  });
  return { status: res.status, body: await res.text(), requestId: res.headers.get('x-veil-request-id') };
}

const rawTurn = (key: string, stream: boolean, previous: string, input: string) => rawPost(key, { stream, input, previous_response_id: previous });

/** A fresh conversation id per test, in the upstream's shape (the mock keeps no conversations). */
const newConversation = () => `conv_${crypto.randomUUID().replaceAll('-', '')}`;

describe.each([false, true])('previous_response_id (stream: %s)', (stream) => {
  it('an earlier turn\'s placeholder in the answer is restored for the same key', async () => {
    const t1 = await firstTurn(stream);
    mock.behaveOnce({ kind: 'reply', text: `I will write to ${t1.placeholder} today.` });
    const t2 = await ask(client, stream, { input: 'Which address did I give you?', previous_response_id: t1.id });
    expect(t2.text).toBe(`I will write to ${EMAIL} today.`);
    if (stream) expect(t2.deltas).toBe(`I will write to ${EMAIL} today.`);
    const sent = mock.requests.at(-1)!;
    expect(sent.json).toMatchObject({ previous_response_id: t1.id, input: 'Which address did I give you?' });
    expect(sent.rawBody).not.toContain(EMAIL);
  });

  it('carries over a chain: turn 3 restores turn 1\'s value through turn 2, and turn 2\'s own new value', async () => {
    const t1 = await firstTurn(stream);
    const before = mock.requests.length;
    mock.behaveOnce({ kind: 'reply', text: 'Noted.' });
    const t2 = await ask(client, stream, { input: `Also cc ${OTHER_EMAIL}.`, previous_response_id: t1.id });
    expect(t2.text).toBe('Noted.');
    const [other] = placeholdersSent(before);
    expect(other).toBeDefined();
    expect(other).not.toBe(t1.placeholder);
    mock.behaveOnce({ kind: 'reply', text: `To ${t1.placeholder}, cc ${other}.` });
    const t3 = await ask(client, stream, { input: 'Summarise the recipients.', previous_response_id: t2.id });
    expect(t3.text).toBe(`To ${EMAIL}, cc ${OTHER_EMAIL}.`);
  });

  it('a different gateway key continuing the answer gets the placeholder, never the value (same team and another team)', async () => {
    const t1 = await firstTurn(stream);
    for (const team of [gw.team, 'other-team']) {
      const key = await gw.newKey(team);
      mock.behaveOnce({ kind: 'reply', text: `I will write to ${t1.placeholder} today.` });
      const r = await rawTurn(key, stream, t1.id, 'Which address did I give you?');
      expect(r.status).toBe(200);
      expect(r.body).toContain(t1.placeholder);
      expect(r.body).not.toContain(EMAIL);
      // And through the SDK: the parsed answer keeps the placeholder as the model wrote it.
      mock.behaveOnce({ kind: 'reply', text: `I will write to ${t1.placeholder} today.` });
      const viaSdk = await ask(clientFor(key), stream, { input: 'Again?', previous_response_id: t1.id });
      expect(viaSdk.text).toBe(`I will write to ${t1.placeholder} today.`);
    }
    // The owner still gets its value afterwards: the other keys' misses did not disturb its entry.
    mock.behaveOnce({ kind: 'reply', text: `It was ${t1.placeholder}.` });
    expect((await ask(client, stream, { input: 'And now?', previous_response_id: t1.id })).text).toBe(`It was ${EMAIL}.`);
  });

  it('an unknown previous id is a miss, not a failure: the request goes through and nothing is restored', async () => {
    const t1 = await firstTurn(stream);
    mock.behaveOnce({ kind: 'reply', text: `Writing to ${t1.placeholder}.` });
    const r = await ask(client, stream, { input: 'Go on.', previous_response_id: 'resp_0123456789abcdef' });
    expect(r.text).toBe(`Writing to ${t1.placeholder}.`);
    // Noted in the log by request id only: the client-chosen previous id is not echoed there.
    const miss = gw.logs.filter((l) => l.includes('previous response not remembered'));
    expect(miss.length).toBeGreaterThan(0);
    expect(miss.join('\n')).not.toContain('resp_0123456789abcdef');
  });

  it('an answer the upstream does not keep (store: false) is not remembered', async () => {
    const r1 = await (stream
      ? client.responses.stream({ model: MODEL, store: false, input: `Mail ${EMAIL}` }).finalResponse()
      : client.responses.create({ model: MODEL, store: false, input: `Mail ${EMAIL}` }));
    const [placeholder] = placeholdersSent(mock.requests.length - 1);
    mock.behaveOnce({ kind: 'reply', text: `Writing to ${placeholder}.` });
    expect((await ask(client, stream, { input: 'Go on.', previous_response_id: r1.id })).text).toBe(`Writing to ${placeholder}.`);
  });
});

describe('nothing at rest', () => {
  it('the remembered values appear in no log line and no audit row', async () => {
    const t1 = await firstTurn(false);
    mock.behaveOnce({ kind: 'reply', text: `To ${t1.placeholder}.` });
    const { response } = await client.responses.create({ model: MODEL, input: 'Again.', previous_response_id: t1.id }).withResponse();
    const row = await gw.auditRowFor(response.headers.get('x-veil-request-id'));
    expect(row).toMatchObject({ status: 200, endpoint: 'POST /v1/responses' });
    expect(JSON.stringify(gw.auditRows())).not.toContain(EMAIL);
    expect(gw.logs.join('\n')).not.toContain(EMAIL);
    expect(gw.logs.join('\n')).not.toContain(OTHER_EMAIL);
  });
});

describe.each([false, true])('conversation (stream: %s)', (stream) => {
  it('a later turn in the same conversation restores an earlier turn\'s placeholder for the same key', async () => {
    const conv = newConversation();
    const t1 = await firstTurn(stream, conv);
    expect(mock.requests.at(-1)!.json).toMatchObject({ conversation: conv });
    mock.behaveOnce({ kind: 'reply', text: `I will write to ${t1.placeholder} today.` });
    const t2 = await ask(client, stream, { input: 'Which address did I give you?', conversation: conv });
    expect(t2.text).toBe(`I will write to ${EMAIL} today.`);
    if (stream) expect(t2.deltas).toBe(`I will write to ${EMAIL} today.`);
    const sent = mock.requests.at(-1)!;
    expect(sent.json).toMatchObject({ conversation: conv, input: 'Which address did I give you?' });
    expect(sent.rawBody).not.toContain(EMAIL);
  });

  it('entries accumulate across turns (string and object forms name the same conversation)', async () => {
    const conv = newConversation();
    const t1 = await firstTurn(stream, conv);
    const before = mock.requests.length;
    mock.behaveOnce({ kind: 'reply', text: 'Noted.' });
    await ask(client, stream, { input: `Also cc ${OTHER_EMAIL}.`, conversation: { id: conv } });
    expect(mock.requests[before]!.json).toMatchObject({ conversation: { id: conv } });
    const [other] = placeholdersSent(before);
    expect(other).toBeDefined();
    expect(other).not.toBe(t1.placeholder);
    // Turn 3 sends neither value: both come from what the conversation has gathered.
    mock.behaveOnce({ kind: 'reply', text: `To ${t1.placeholder}, cc ${other}.` });
    expect((await ask(client, stream, { input: 'Summarise the recipients.', conversation: conv })).text).toBe(`To ${EMAIL}, cc ${OTHER_EMAIL}.`);
  });

  it('a conversation turn\'s answer can be continued with previous_response_id too', async () => {
    const conv = newConversation();
    const t1 = await firstTurn(stream, conv);
    mock.behaveOnce({ kind: 'reply', text: 'Noted.' });
    const t2 = await ask(client, stream, { input: 'Thanks.', conversation: conv });
    mock.behaveOnce({ kind: 'reply', text: `It was ${t1.placeholder}.` });
    expect((await ask(client, stream, { input: 'Which?', previous_response_id: t2.id })).text).toBe(`It was ${EMAIL}.`);
  });

  it('a different gateway key naming the conversation gets the placeholder, never the value (same team and another team)', async () => {
    const conv = newConversation();
    const t1 = await firstTurn(stream, conv);
    for (const team of [gw.team, 'other-team']) {
      const key = await gw.newKey(team);
      mock.behaveOnce({ kind: 'reply', text: `I will write to ${t1.placeholder} today.` });
      const r = await rawPost(key, { stream, input: 'Which address did I give you?', conversation: conv });
      expect(r.status).toBe(200);
      expect(r.body).toContain(t1.placeholder);
      expect(r.body).not.toContain(EMAIL);
      mock.behaveOnce({ kind: 'reply', text: `I will write to ${t1.placeholder} today.` });
      const viaSdk = await ask(clientFor(key), stream, { input: 'Again?', conversation: { id: conv } });
      expect(viaSdk.text).toBe(`I will write to ${t1.placeholder} today.`);
    }
    // The miss is logged by request id, never with the client-chosen conversation id.
    const miss = gw.logs.filter((l) => l.includes('conversation not remembered'));
    expect(miss.length).toBeGreaterThan(0);
    expect(miss.join('\n')).not.toContain(conv);
    // The owner still gets its value afterwards.
    mock.behaveOnce({ kind: 'reply', text: `It was ${t1.placeholder}.` });
    expect((await ask(client, stream, { input: 'And now?', conversation: conv })).text).toBe(`It was ${EMAIL}.`);
  });

  it('conversation ids and answer ids are kept apart: naming one as the other restores nothing', async () => {
    const conv = newConversation();
    const t1 = await firstTurn(stream, conv);
    mock.behaveOnce({ kind: 'reply', text: `Writing to ${t1.placeholder}.` });
    expect((await ask(client, stream, { input: 'Go on.', previous_response_id: conv })).text).toBe(`Writing to ${t1.placeholder}.`);
    // An answer id named as a conversation: the answer's entries are not the conversation's.
    const plain = await firstTurn(stream);
    mock.behaveOnce({ kind: 'reply', text: `Writing to ${plain.placeholder}.` });
    expect((await ask(client, stream, { input: 'Go on.', conversation: plain.id })).text).toBe(`Writing to ${plain.placeholder}.`);
  });

  it('store: false still remembers the turn under the conversation, which keeps its items', async () => {
    const conv = newConversation();
    const before = mock.requests.length;
    await ask(client, stream, { input: `Mail ${EMAIL}`, conversation: conv, store: false });
    const [placeholder] = placeholdersSent(before);
    expect(placeholder).toBeDefined();
    mock.behaveOnce({ kind: 'reply', text: `Writing to ${placeholder}.` });
    expect((await ask(client, stream, { input: 'Go on.', conversation: conv })).text).toBe(`Writing to ${EMAIL}.`);
  });
});

describe('conversation: refused shapes', () => {
  const errorBody = (body: string) => JSON.parse(body) as { error: { message: string; type: string; code: string } };

  it.each([false, true])('previous_response_id with conversation is a 400 in the Responses error shape; nothing goes upstream (stream: %s)', async (stream) => {
    const t1 = await firstTurn(false, newConversation());
    const before = mock.requests.length;
    const r = await rawPost(gw.key, { stream, input: 'Go on.', previous_response_id: t1.id, conversation: newConversation() });
    expect(r.status).toBe(400);
    expect(errorBody(r.body).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(errorBody(r.body).error.message).toContain("'previous_response_id' and 'conversation'");
    expect(mock.requests.length).toBe(before);
    expect(await gw.auditRowFor(r.requestId)).toMatchObject({ endpoint: 'POST /v1/responses', status: 400 });
    // And through the SDK: an APIError with the status, as from OpenAI.
    const err = await client.responses.create({ model: MODEL, input: 'x', previous_response_id: t1.id, conversation: 'conv_x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('a conversation of another shape is a 400 naming the field, not the value', async () => {
    const before = mock.requests.length;
    for (const conversation of [7, ['conv_1'], {}, { id: 7 }, { name: 'conv_secret_name' }]) {
      const r = await rawPost(gw.key, { input: `Mail ${EMAIL}`, conversation });
      expect(r.status).toBe(400);
      const { error } = errorBody(r.body);
      expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
      expect(error.message).toContain("'conversation'");
      expect(r.body).not.toContain('conv_secret_name');
      expect(r.body).not.toContain(EMAIL);
    }
    expect(mock.requests.length).toBe(before);
  });
});
