/**
 * Streamed local answers paced by `local.stream_min_gap_ms`, through the real gateway and the real
 * tiny model: tokens joined into fewer events must still reach the client whole and in order, in
 * every dialect's stream, exactly as the unpaced gateway and the non-streamed answer give them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';
import { requireModelOrSkip } from './support/model.ts';

const model = requireModelOrSkip();
if (model.skipReason) console.warn(model.skipReason);

const PROMPT = 'Once upon a time';
const MAX_TOKENS = 120;

/** The `data:` payloads of an SSE body, parsed, without `[DONE]`. */
function sseData(body: string): Array<Record<string, unknown>> {
  return body
    .split('\n\n')
    .flatMap((e) => e.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)))
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as Record<string, unknown>);
}

// Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
// VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
describe.skipIf(!model.path)('streamed local answers with a minimum gap between events (needs the tiny GGUF model)', () => {
  let mock: MockUpstream;
  let paced: TestGateway;
  let unpaced: TestGateway;
  beforeAll(async () => {
    mock = await startMockUpstream();
    const env = (gap: string) => ({ VEIL_LOCAL_ONLY: '1', VEIL_LOCAL_CHAT_WRAPPER: 'plain', VEIL_LOCAL_STREAM_MIN_GAP_MS: gap });
    // 40 ms against a token every ~1 ms: most tokens arrive within the gap and must be joined.
    paced = await startTestGateway({ mock, modelPath: model.path, env: env('40') });
    unpaced = await startTestGateway({ mock, modelPath: model.path, env: env('0') });
  });
  afterAll(async () => {
    await paced?.close();
    await unpaced?.close();
    await mock?.close();
  });

  const chat = async (gw: TestGateway, stream: boolean) => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'any', stream, ...(stream ? { stream_options: { include_usage: true } } : {}), max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: PROMPT }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-veil-route')).toBe('local');
    return res;
  };

  /** Streamed Chat Completions answer: the text pieces in order and the completion token count. */
  const streamedChat = async (gw: TestGateway) => {
    const events = sseData(await (await chat(gw, true)).text());
    type Chunk = { choices?: Array<{ delta?: { content?: string } }>; usage?: { completion_tokens: number } };
    const pieces = (events as Chunk[]).map((e) => e.choices?.[0]?.delta?.content).filter((c): c is string => typeof c === 'string' && c.length > 0);
    const tokens = (events as Chunk[]).find((e) => e.usage)?.usage?.completion_tokens ?? 0;
    return { pieces, tokens };
  };

  it('Chat Completions: joined events carry the whole answer in order, the same as unpaced and non-streamed', async () => {
    const whole = ((await (await chat(paced, false)).json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
    expect(whole.length).toBeGreaterThan(50);
    const p = await streamedChat(paced);
    const u = await streamedChat(unpaced);
    expect(p.pieces.join('')).toBe(whole);
    expect(u.pieces.join('')).toBe(whole);
    expect(p.tokens).toBe(u.tokens);
    // Pacing really joined tokens: far fewer events than tokens.
    expect(p.pieces.length).toBeLessThan(p.tokens / 2);
  });

  it('Anthropic Messages: joined text deltas carry the whole answer in order', async () => {
    const send = (gw: TestGateway, stream: boolean) =>
      fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'any', stream, max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: PROMPT }] }),
      });
    const whole = ((await (await send(paced, false)).json()) as { content: Array<{ type: string; text: string }> }).content.map((b) => b.text).join('');
    const res = await send(paced, true);
    expect(res.status).toBe(200);
    type Event = { type: string; delta?: { type?: string; text?: string } };
    const events = sseData(await res.text()) as Event[];
    const deltas = events.filter((e) => e.type === 'content_block_delta' && e.delta?.type === 'text_delta').map((e) => e.delta!.text!);
    expect(deltas.join('')).toBe(whole);
    expect(whole.length).toBeGreaterThan(50);
    expect(events.at(-1)?.type).toBe('message_stop');
  });
});
