import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect, EMAIL, from, guarding, identity, NAME, PH, PH2, restoring, SECRET_KEY as KEY, split } from '../../../test/support/answer-fixtures.ts';
import { requireJsonData } from '../../pipeline/stream.ts';
import { chunk, chunkSizes } from '../../restore/test-arbitraries.ts';
import { formatSse, type SseEvent } from '../../util/sse.ts';
import type { StreamStats } from '../types.ts';
import { transformChatAnswer, transformChatStream } from './answer.ts';

/** Upstream JSON with a trailing space: a re-serialization would lose it, a forward keeps it. */
const spaced = (o: object) => `${JSON.stringify(o)} `;
const frame = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1' };
const content = (text: string): SseEvent => ({ data: spaced({ ...frame, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }) });
const args = (piece: string): SseEvent => ({
  data: spaced({ ...frame, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish_reason: null }] }),
});
const finish: SseEvent = { data: spaced({ ...frame, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 9 } }) };
const DONE: SseEvent = { data: '[DONE]' };

/** What a client accumulates from the chunks: content, tool arguments. */
function accumulate(events: SseEvent[]) {
  let text = '';
  let toolArgs = '';
  for (const e of events) {
    if (e.data === '[DONE]') continue;
    const d = JSON.parse(e.data).choices?.[0]?.delta ?? {};
    text += d.content ?? '';
    toolArgs += d.tool_calls?.[0]?.function?.arguments ?? '';
  }
  return { text, toolArgs };
}

describe('transformChatStream', () => {
  it('forwards events without a placeholder as the upstream bytes and restores the others', async () => {
    const pieces = ['Hello', ' world', ', write to ', PH.slice(0, 6), PH.slice(6), ' today', '.'];
    const upstream = [...pieces.map(content), finish, DONE];
    const stats: StreamStats = {};
    const out = await collect(transformChatStream(from(upstream), restoring, stats));
    expect(accumulate(out).text).toBe(`Hello world, write to ${EMAIL} today.`);
    const bytes = (e: SseEvent) => formatSse(e);
    // Unchanged pieces (before and after the placeholder), the finish chunk and [DONE]: byte-identical.
    for (const i of [0, 1, 2, 5, 6]) expect(bytes(out[i]!)).toBe(bytes(upstream[i]!));
    expect(bytes(out.at(-2)!)).toBe(bytes(finish));
    expect(bytes(out.at(-1)!)).toBe('data: [DONE]\n\n');
    // The two pieces of the placeholder: rewritten (held back, then released restored).
    expect(JSON.parse(out[3]!.data).choices[0].delta.content).toBe('');
    expect(JSON.parse(out[4]!.data).choices[0].delta.content).toBe(EMAIL);
    expect(out[4]!.data).not.toBe(upstream[4]!.data);
    expect(stats).toMatchObject({ finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 9 } });
  });

  it('restores content and tool arguments at every chunk size, releasing held text before the finish chunk', async () => {
    const text = `Write to ${PH} or ${PH2}, thanks ${PH}`;
    const json = JSON.stringify({ to: PH2, cc: [PH] });
    for (let size = 1; size <= text.length; size++) {
      const upstream = [...split(text, size).map(content), ...split(json, size).map(args), finish, DONE];
      const out = await collect(transformChatStream(from(upstream), restoring, {}));
      const acc = accumulate(out);
      expect(acc.text).toBe(`Write to ${EMAIL} or ${NAME}, thanks ${EMAIL}`);
      expect(JSON.parse(acc.toolArgs)).toEqual({ to: NAME, cc: [EMAIL] });
      expect(out.map((e) => e.data).join('')).not.toMatch(/<(EMAIL|PERSON)_/);
      expect(out.at(-2)!.data).toBe(finish.data);
    }
  });

  it('releases held-back text when the upstream is cut off without a finish chunk', async () => {
    const out = await collect(transformChatStream(from([content('see <EMAIL_3K')]), restoring, {}));
    expect(accumulate(out).text).toBe('see <EMAIL_3K');
  });

  it('passes every event through untouched when nothing needs restoring', async () => {
    const upstream = [...split(`Write to ${PH}`, 4).map(content), finish, DONE];
    const out = await collect(transformChatStream(from(upstream), identity, {}));
    expect(out.every((e, i) => e === upstream[i])).toBe(true);
  });
});

describe('transformChatStream on events of a learned shape', () => {
  /** Compact events, as OpenAI sends them (with its per-event padding or not): `requireJsonData` learns their shape. */
  const compact = (text: string, pad?: { at: 'first' | 'last'; s: string }): SseEvent => {
    const choices = [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }];
    if (pad === undefined) return { data: JSON.stringify({ ...frame, choices }) };
    return { data: JSON.stringify(pad.at === 'first' ? { obfuscation: pad.s, ...frame, choices } : { ...frame, choices, obfuscation: pad.s }) };
  };
  const role: SseEvent = { data: JSON.stringify({ ...frame, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }) };
  const stop: SseEvent = { data: JSON.stringify({ ...frame, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }) };

  it('sends the same bytes as the general path (a full parse and serialisation per event), for every chunking', async () => {
    const texts = fc.array(fc.constantFrom('Hello ', 'world', PH, PH2, KEY, ' ', '"quoted"', '\\', '가나', '😀', '<b>', '\n'), { maxLength: 12 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(texts, chunkSizes, fc.constantFrom(identity, restoring, guarding), fc.constantFrom(undefined, 'first' as const, 'last' as const), async (text, sizes, t, at) => {
        const upstream = [role, ...chunk(text, sizes).map((c, i) => compact(c, at && { at, s: 'xyz'.slice(i % 3) })), stop, DONE];
        const general = await collect(transformChatStream(from(upstream), t, {}));
        const fast = await collect(transformChatStream(requireJsonData(from(upstream)), t, {}));
        expect(fast.map((e) => e.data)).toEqual(general.map((e) => e.data));
        if (t === guarding) expect(fast.map((e) => e.data).join('')).not.toContain(KEY.slice(0, 12));
      }),
      { numRuns: 200 },
    );
  });

  it('reads the usual token event through the shape, splicing only its text', async () => {
    const upstream = [role, compact('Mail '), compact('to '), compact(PH.slice(0, 5)), compact(`${PH.slice(5)} now`), stop, DONE];
    const out = await collect(transformChatStream(requireJsonData(from(upstream)), restoring, {}));
    expect(out.map((e) => (e.data === '[DONE]' ? null : JSON.parse(e.data).choices[0].delta.content))).toEqual(['', 'Mail ', 'to ', '', `${EMAIL} now`, undefined, null]);
    expect(out[4]!.data).toBe(compact(`${EMAIL} now`).data);
    expect(out[2]).toBe(upstream[2]);
  });
});

describe('transformChatAnswer', () => {
  const answer = (content: string, args?: string) => ({
    id: 'chatcmpl-1',
    choices: [{ index: 0, message: { role: 'assistant', content, ...(args ? { tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: args } }] } : {}) } }],
    usage: { prompt_tokens: 1, completion_tokens: 2 },
  });

  it('gives back the parsed answer itself when nothing was restored, so its bytes can be forwarded', () => {
    const json = answer('Nothing to restore here.', '{"a":1}');
    const out = transformChatAnswer(json, restoring);
    expect(out.json).toBe(json);
    expect(out.usage).toEqual({ promptTokens: 1, completionTokens: 2 });
  });

  it('copies only what changed, and never mutates the parsed answer', () => {
    const json = answer(`Mail ${PH}.`, JSON.stringify({ to: PH2 }));
    const before = JSON.stringify(json);
    const out = transformChatAnswer(json, restoring).json as ReturnType<typeof answer>;
    expect(out).not.toBe(json);
    expect(out.choices[0]!.message.content).toBe(`Mail ${EMAIL}.`);
    expect(JSON.parse(out.choices[0]!.message.tool_calls![0]!.function.arguments)).toEqual({ to: NAME });
    expect(JSON.stringify(json)).toBe(before);
    const argsOnly = answer('plain', JSON.stringify({ to: PH2 }));
    const out2 = transformChatAnswer(argsOnly, restoring).json as ReturnType<typeof answer>;
    expect(out2.choices[0]!.message.content).toBe('plain');
    expect(out2.choices[0]!.message.tool_calls![0]!.id).toBe('t');
  });
});
