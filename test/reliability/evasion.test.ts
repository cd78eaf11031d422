/**
 * Evasion, end to end: sensitive values disguised by zero-width characters, full-width forms,
 * exotic spaces, soft hyphens, line breaks inside numbers, or split over two messages are still
 * found. What leaves for the upstream holds a placeholder where the disguised span was (neither
 * the disguised nor the plain value), and the client's answer gets the original text back.
 * (Matching is `src/inspect/normalize.ts`; the seams between messages `src/inspect/across-slots.ts`.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream/index.ts';

let mock: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await startTestGateway({ mock });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

async function chat(messages: { role: string; content: string }[]) {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
  });
  const json = (await res.json()) as { choices?: { message: { content: string } }[]; error?: { code: string } };
  return { status: res.status, decision: res.headers.get('x-veil-decision'), answer: json.choices?.[0]?.message.content, error: json.error, upstream: mock.requests.map((r) => r.rawBody).join('\n') };
}

/** The digits and letters of a value, for checking that no readable form of it left. */
const plainForms = (v: string) => [v, v.normalize('NFKC').replace(/[\u200b-\u200f\u2060\ufeff\u00ad]/g, '')];
const upstreamText = (raw: string) => JSON.parse(JSON.stringify(JSON.parse(raw.split('\n')[0]!))).messages.map((m: { content: string }) => m.content).join('\n') as string;

const REDACTED: [string, string, string][] = [
  ['zero-width space inside an email', 'j\u200bohn.doe@exa\u200cmple.com', 'EMAIL'],
  ['word joiner and BOM inside an email', 'john\u2060.doe@example\ufeff.com', 'EMAIL'],
  ['full-width at sign', 'john.doe＠example.com', 'EMAIL'],
  ['full-width letters and at sign', 'ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'EMAIL'],
  ['NBSP between card groups', '4111\u00a01111\u00a01111\u00a01111', 'CREDIT_CARD'],
  ['en quad / thin / narrow NBSP / ideographic spaces in a card', '4111\u20001111\u20091111\u202f1111', 'CREDIT_CARD'],
  ['ideographic spaces in a card', '4111\u30001111\u30001111\u30001111', 'CREDIT_CARD'],
  ['full-width digits in a card', '４１１１ １１１１ １１１１ １１１１', 'CREDIT_CARD'],
  ['soft hyphens in a card', '4111\u00ad1111\u00ad1111\u00ad1111', 'CREDIT_CARD'],
  ['a line break inside a card number', '4111 1111\n1111 1111', 'CREDIT_CARD'],
];

describe('disguised values are redacted in place and restored in the answer', () => {
  it.each(REDACTED)('%s', async (_name, disguised, _type) => {
    const content = `please use ${disguised} for this`;
    const r = await chat([{ role: 'user', content }]);
    expect(r.status).toBe(200);
    expect(r.decision).toBe('redact');
    const sent = upstreamText(r.upstream);
    for (const form of plainForms(disguised)) expect(sent).not.toContain(form);
    // The whole disguised span became one placeholder; the surrounding words are intact.
    expect(sent).toMatch(/^please use \S.*\S for this$/);
    expect(sent.length).toBeLessThan(content.length + 30);
    // The echo comes back with the ORIGINAL disguised text (the span mapped back correctly).
    expect(r.answer).toBe(`echo: ${content}`);
  });
});

describe('disguised national IDs stay on-premises', () => {
  it.each([
    ['full-width digits and dash', '９００１０１－１２３４５６８'],
    ['zero-width chars between digits', '9001\u200b01-123\u200d4568'],
    ['a line break inside', '900101-123\n4568'],
    ['CRLF and spaces inside', '900101 \r\n 1234568'],
    ['soft hyphens around the dash', '900101\u00ad-\u00ad1234568'],
    ['an en dash instead of the dash', '900101\u20131234568'],
  ])('%s: decided local, nothing sent upstream', async (_name, rrn) => {
    const r = await chat([{ role: 'user', content: `my resident number is ${rrn}` }]);
    expect(r.decision).toBe('local');
    expect(r.status).toBe(503); // no local model in this gateway: refused, never sent remote
    expect(mock.requests).toHaveLength(0);
  });
});

describe('values split across two messages', () => {
  it('an email split at the @ over two user messages is redacted in both', async () => {
    const r = await chat([
      { role: 'user', content: 'my address starts with john.doe' },
      { role: 'user', content: '@example.com and that is all' },
    ]);
    expect(r.status).toBe(200);
    expect(r.decision).toBe('redact');
    const sent = upstreamText(r.upstream);
    expect(sent).not.toContain('john.doe');
    expect(sent).not.toContain('example.com');
    expect(sent).toContain('my address starts with ');
    expect(sent).toContain(' and that is all');
  });

  it('a card number split between groups over two messages is redacted', async () => {
    const r = await chat([
      { role: 'user', content: 'card: 4111 1111' },
      { role: 'assistant', content: '1111 1111' },
    ]);
    expect(r.decision).toBe('redact');
    const sent = upstreamText(r.upstream);
    expect(sent).not.toMatch(/1111/);
  });

  it('an RRN split mid-number over two messages stays local', async () => {
    const r = await chat([
      { role: 'user', content: 'id 900101-123' },
      { role: 'user', content: '4568 thanks' },
    ]);
    expect(r.decision).toBe('local');
    expect(mock.requests).toHaveLength(0);
  });

  it('unrelated adjacent messages are not merged into false findings', async () => {
    const r = await chat([
      { role: 'user', content: 'the answer is 42' },
      { role: 'user', content: 'and the question was about example' },
    ]);
    expect(r.decision).toBe('allow');
    expect(r.status).toBe(200);
  });
});
