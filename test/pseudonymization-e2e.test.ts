/**
 * Reversible pseudonymization end to end, through the real gateway with the official openai SDK
 * and the echoing mock upstream: multi-turn stability, tool-call arguments, n > 1, output
 * inspection, and a property test over random texts and random upstream chunkings.
 */
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

let mock: MockUpstream;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await startTestGateway({ mock });
  client = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});
beforeEach(() => mock.reset());

const PH = /<[A-Z_]+_[0-9A-Z]{6,}>/g;
const lastSent = () => mock.requests.at(-1)!.json as { messages: { role: string; content: string }[] };

describe('placeholders across a conversation', () => {
  it('gives the same value the same placeholder in every message and on every turn', async () => {
    const email = 'jane.doe@example.com';
    const turn1 = [{ role: 'user' as const, content: `Please write to ${email}.` }];
    const r1 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: turn1 });
    const sent1 = JSON.stringify(lastSent());
    const placeholder = sent1.match(PH)![0];
    expect(r1.choices[0]!.message.content).toBe(`echo: Please write to ${email}.`);

    const turn2 = [
      ...turn1,
      { role: 'assistant' as const, content: r1.choices[0]!.message.content! },
      { role: 'user' as const, content: `And cc ${email} again, plus bob@example.org.` },
    ];
    const r2 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: turn2 });
    const sent2 = lastSent();
    expect(JSON.stringify(sent2)).not.toContain(email);
    for (const m of sent2.messages) expect(m.content).toContain(placeholder);
    const all = new Set(JSON.stringify(sent2).match(PH));
    expect(all.size).toBe(2);
    expect(r2.choices[0]!.message.content).toBe(`echo: And cc ${email} again, plus bob@example.org.`);
  });

  it('replaces a value everywhere once it is known, even where its detector needs context', async () => {
    // "김민준 과장님" is a name by its title; the bare "김민준" in the next message is not detectable alone.
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: '담당자는 김민준 과장님입니다.' },
        { role: 'user', content: '김민준에게 보고서를 보내 주세요.' },
      ],
    });
    expect(JSON.stringify(lastSent())).not.toContain('김민준');
  });
});

describe('answers', () => {
  it('restores placeholders inside tool-call arguments and keeps them valid JSON', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'send', parameters: { type: 'object', properties: { to: { type: 'string' } } } } }];
    const content = 'CALL_TOOL send to "jane.doe@example.com" and 010-1234-5678';
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content }] });
    const call = r.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(JSON.parse(call.type === 'function' ? call.function.arguments : '{}')).toEqual({ to: content });
    expect(JSON.stringify(lastSent())).not.toContain('jane.doe@example.com');
  });

  it('restores every choice when n > 1', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', n: 2, messages: [{ role: 'user', content: 'mail ann@corp.example' }] });
    expect(r.choices.map((c) => c.message.content)).toEqual(['echo[0]: mail ann@corp.example', 'echo[1]: mail ann@corp.example']);
  });

  it('restores streamed tool-call arguments split into one-character pieces', async () => {
    mock.configure({ chunkSize: 1 });
    const tools = [{ type: 'function' as const, function: { name: 'send', parameters: { type: 'object' } } }];
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, tools, messages: [{ role: 'user', content: 'CALL_TOOL to kim@example.com' }] });
    let args = '';
    for await (const c of stream) args += c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '';
    expect(JSON.parse(args)).toEqual({ to: 'CALL_TOOL to kim@example.com' });
  });

  it('masks a secret the model emits (output inspection), streamed and not', async () => {
    const leaked = `sk-proj-${'A1b2C3d4E5f6G7h8'.repeat(3)}T3BlbkFJ${'x9Y8z7W6v5U4'.repeat(2)}`;
    mock.behave({ kind: 'reply', text: `Here is a key: ${leaked} — keep it safe.` });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'give me a key' }] });
    expect(r.choices[0]!.message.content).not.toContain(leaked.slice(8, 30));
    expect(r.choices[0]!.message.content).toContain('<SECRET_MASKED>');
    mock.configure({ chunkSize: 3 });
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'again' }] });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe(r.choices[0]!.message.content);
  });
});

describe('property: random texts, random chunkings', () => {
  const word = fc.constantFrom('please', 'send', 'the', 'report', 'to', 'and', '보고서를', '보내', '주세요', '🚀', 'x.y', '(a+b)*');
  const value = fc.oneof(
    fc.tuple(fc.stringMatching(/^[a-z]{2,8}$/), fc.constantFrom('example.com', 'corp.io', 'mail.co.kr')).map(([u, d]) => `${u}@${d}`),
    fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1000, max: 9999 })).map(([a, b]) => `010-${a}-${b}`),
  );
  const text = fc.array(fc.oneof(word, value.map((v) => ({ v }))), { minLength: 1, maxLength: 12 });

  it('nothing planted reaches the upstream; stream and non-stream restores equal the original', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 7 }), async (parts, chunkSize) => {
        const planted = parts.filter((p): p is { v: string } => typeof p === 'object').map((p) => p.v);
        const content = parts.map((p) => (typeof p === 'object' ? p.v : p)).join(' ');
        mock.reset();
        mock.configure({ chunkSize });
        const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
        const s = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }] });
        let streamed = '';
        for await (const c of s) streamed += c.choices[0]?.delta?.content ?? '';
        const sent = mock.requests.map((q) => q.rawBody).join('\n');
        for (const v of planted) expect(sent).not.toContain(v);
        expect(r.choices[0]!.message.content).toBe(`echo: ${content}`);
        expect(streamed).toBe(`echo: ${content}`);
      }),
      { numRuns: 25 },
    );
  });
});
