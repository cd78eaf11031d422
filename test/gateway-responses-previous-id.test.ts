/**
 * End to end: an OpenAI Responses conversation continued server-side with
 * `previous_response_id`. The later request carries only the new input, while the upstream holds
 * the earlier turns with their placeholders; when the model repeats one of those, the gateway
 * must restore it from what it remembered for that answer id — for the same gateway key only.
 * A different key (same team or another) continuing someone else's answer gets the placeholder,
 * never the value. JSON and streamed answers, with the official `openai` SDK as the client.
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

async function ask(c: OpenAI, stream: boolean, body: { input: string; previous_response_id?: string }): Promise<{ id: string; text: string; deltas: string | null }> {
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
async function firstTurn(stream: boolean): Promise<{ id: string; placeholder: string }> {
  const before = mock.requests.length;
  const r = await ask(client, stream, { input: `Please remember my address ${EMAIL}.` });
  expect(r.text).toBe(`echo: Please remember my address ${EMAIL}.`);
  const [placeholder] = placeholdersSent(before);
  expect(placeholder).toBeDefined();
  expect(mock.requests[before]!.rawBody).not.toContain(EMAIL);
  return { id: r.id, placeholder: placeholder! };
}

/** A raw POST, so the test sees every byte the gateway sent back (not just what the SDK parsed). */
async function rawTurn(key: string, stream: boolean, previous: string, input: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${gw.baseURL}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, stream, input, previous_response_id: previous }),
  });
  return { status: res.status, body: await res.text() };
}

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
