import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { collect, EMAIL, from, guarding, identity, jsonDocs, NAME, PH, PH2, restoring, SECRET_KEY as KEY, split, streamTexts } from '../../../test/support/answer-fixtures.ts';
import { requireJsonData } from '../../pipeline/stream.ts';
import { chunk, chunkSizes } from '../../restore/test-arbitraries.ts';
import type { FinishReason, LocalGeneration } from '../../providers/types.ts';
import { formatSse, type SseEvent } from '../../util/sse.ts';
import type { StreamStats } from '../types.ts';
import { transformResponsesAnswer, transformResponsesStream } from './answer.ts';
import { openaiResponses } from './index.ts';

const responseObj = (status: string, output: unknown[]) => ({
  id: 'resp_1', object: 'response', status, instructions: `Reply to ${PH}`, output,
  usage: status === 'completed' ? { input_tokens: 11, output_tokens: 22, total_tokens: 33 } : null,
});

/** A Responses stream as OpenAI sends it: a message item, then a function call item. */
function upstream(text: string, args: string, size: number): SseEvent[] {
  const frames: object[] = [];
  const e = (type: string, fields: object) => frames.push({ type, sequence_number: frames.length, ...fields });
  const msg = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  const call = { id: 'fc_1', type: 'function_call', status: 'completed', name: 'send', call_id: 'call_1', arguments: args };
  e('response.created', { response: responseObj('in_progress', []) });
  e('response.output_item.added', { output_index: 0, item: { ...msg, status: 'in_progress', content: [] } });
  e('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '' } });
  for (const d of split(text, size)) e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: d });
  e('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text });
  e('response.content_part.done', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text } });
  e('response.output_item.done', { output_index: 0, item: msg });
  e('response.output_item.added', { output_index: 1, item: { ...call, status: 'in_progress', arguments: '' } });
  for (const d of split(args, size)) e('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: d });
  e('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 1, arguments: args });
  e('response.output_item.done', { output_index: 1, item: call });
  e('response.completed', { response: responseObj('completed', [msg, call]) });
  return frames.map((f) => ({ event: (f as { type: string }).type, data: JSON.stringify(f) }));
}

describe('transformResponsesAnswer', () => {
  it('restores output text, function arguments and the echoed instructions', () => {
    const answer = responseObj('completed', [
      { type: 'reasoning', summary: [{ type: 'summary_text', text: `about ${PH}` }] },
      { type: 'message', content: [{ type: 'output_text', text: `Hi ${PH2}` }, { type: 'refusal', refusal: `not ${PH}` }] },
      { type: 'function_call', arguments: JSON.stringify({ to: PH2 }) },
    ]);
    const { json, usage } = transformResponsesAnswer(answer, restoring);
    const out = json as ReturnType<typeof responseObj>;
    expect(out.instructions).toBe(`Reply to ${EMAIL}`);
    expect(out.output).toEqual([
      { type: 'reasoning', summary: [{ type: 'summary_text', text: `about ${EMAIL}` }] },
      { type: 'message', content: [{ type: 'output_text', text: `Hi ${NAME}` }, { type: 'refusal', refusal: `not ${EMAIL}` }] },
      { type: 'function_call', arguments: JSON.stringify({ to: NAME }) },
    ]);
    expect(usage).toEqual({ promptTokens: 11, completionTokens: 22 });
  });

  it('reports the answer id, restoring or not', () => {
    const answer = responseObj('completed', []);
    expect(transformResponsesAnswer(answer, restoring).answerId).toBe('resp_1');
    expect(transformResponsesAnswer(answer, identity).answerId).toBe('resp_1');
    expect(transformResponsesAnswer({ ...answer, id: 42 }, identity).answerId).toBeUndefined();
    expect(transformResponsesAnswer('not an object', restoring)).toEqual({ json: 'not an object' });
  });
});

describe('transformResponsesStream', () => {
  const text = `Dear ${PH2}, your address ${PH} is noted`;
  const args = JSON.stringify({ to: PH, name: PH2 });

  it('restores deltas, done events and the completed response at every chunk size, with consecutive sequence numbers', async () => {
    for (let size = 1; size <= text.length; size += 1) {
      const stats: StreamStats = {};
      const out = await collect(transformResponsesStream(from(upstream(text, args, size)), restoring, stats));
      const data = out.map((e) => JSON.parse(e.data));
      expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
      expect(out.every((e, i) => e.event === data[i].type)).toBe(true);
      const deltas = (type: string) => data.filter((d) => d.type === type).map((d) => d.delta).join('');
      const wantText = `Dear ${NAME}, your address ${EMAIL} is noted`;
      expect(deltas('response.output_text.delta')).toBe(wantText);
      expect(JSON.parse(deltas('response.function_call_arguments.delta'))).toEqual({ to: EMAIL, name: NAME });
      expect(data.find((d) => d.type === 'response.output_text.done').text).toBe(wantText);
      expect(JSON.parse(data.find((d) => d.type === 'response.function_call_arguments.done').arguments)).toEqual({ to: EMAIL, name: NAME });
      // Every held-back piece is released before its done event.
      const doneAt = data.findIndex((d) => d.type === 'response.output_text.done');
      expect(data.slice(doneAt).some((d) => d.type === 'response.output_text.delta')).toBe(false);
      const completed = data.at(-1);
      expect(completed.type).toBe('response.completed');
      expect(completed.response.instructions).toBe(`Reply to ${EMAIL}`);
      expect(completed.response.output[0].content[0].text).toBe(wantText);
      expect(stats).toMatchObject({ usage: { promptTokens: 11, completionTokens: 22 }, finishReason: 'completed' });
      expect(out.map((e) => e.data).join('')).not.toMatch(/<(EMAIL|PERSON)_/);
    }
  });

  it('while restoring, forwards events without a placeholder as the upstream bytes and rewrites only the others', async () => {
    const plain = 'Once upon a time';
    // A trailing space in the upstream JSON: a re-serialization would drop it, a forward keeps it.
    const upstreamPlain = upstream(plain, '{"a":1}', 4).map((e) => ({ ...e, data: `${e.data} ` }));
    const outPlain = await collect(transformResponsesStream(from(upstreamPlain), restoring, {}));
    // Only the two events echoing the pseudonymized instructions change.
    const changed = upstreamPlain.map((e, i) => (formatSse(outPlain[i]!) === formatSse(e) ? -1 : i)).filter((i) => i >= 0);
    expect(outPlain).toHaveLength(upstreamPlain.length);
    expect(changed.map((i) => upstreamPlain[i]!.event)).toEqual(['response.created', 'response.completed']);
    expect(JSON.parse(outPlain.at(-1)!.data).response.instructions).toBe(`Reply to ${EMAIL}`);

    // A placeholder split across deltas: released pieces shift the sequence numbers of what
    // follows, which is then rewritten with consecutive numbers, and the text is restored.
    const text = `Hi ${PH2}, bye`;
    const events = upstream(text, '{"a":1}', 3);
    const out = await collect(transformResponsesStream(from(events), restoring, {}));
    const data = out.map((e) => JSON.parse(e.data));
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    expect(data.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta).join('')).toBe(`Hi ${NAME}, bye`);
    // The first deltas, before the placeholder, are the upstream's own events.
    expect(out[3]).toBe(events[3]);
  });

  it('passes events through untouched when nothing needs restoring', async () => {
    const events = upstream(text, args, 5);
    expect(await collect(transformResponsesStream(from(events), identity, {}))).toEqual(events);
  });

  it('reports the answer id once, from response.created, before that event is passed on', async () => {
    for (const t of [restoring, identity]) {
      const seen: string[] = [];
      let yieldedBefore = -1;
      let yielded = 0;
      const stats: StreamStats = {
        onAnswerId: (id) => {
          seen.push(id);
          yieldedBefore = yielded;
        },
      };
      for await (const _ of transformResponsesStream(from(upstream(text, args, 5)), t, stats)) yielded++;
      expect(seen).toEqual(['resp_1']);
      expect(yieldedBefore).toBe(0);
    }
  });

  it('records an in-stream error event', async () => {
    const stats: StreamStats = {};
    const events = [{ event: 'error', data: JSON.stringify({ type: 'error', code: 'server_error', message: 'boom', sequence_number: 0 }) }];
    const out = await collect(transformResponsesStream(from(events), restoring, stats));
    expect(out).toHaveLength(1);
    expect(stats.upstreamError).toBeTruthy();
  });
});

describe('transformResponsesStream on events of a learned shape', () => {
  const texts = streamTexts;
  const docs = jsonDocs;

  /**
   * A Responses stream as the mock upstream writes it (compact, `sequence_number` second), with a
   * reasoning summary, a message and a function call, each cut at `sizes`; with OpenAI's
   * per-event `obfuscation` padding when asked.
   */
  function stream(summary: string, text: string, args: string, sizes: number[], pad: boolean): SseEvent[] {
    const frames: object[] = [];
    const e = (type: string, fields: object) => frames.push({ type, sequence_number: frames.length, ...fields });
    const padded = (i: number) => (pad ? { obfuscation: 'xyzw'.slice(i % 4) } : {});
    const msg = { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
    const call = { id: 'fc_1', type: 'function_call', status: 'completed', name: 'send', call_id: 'call_1', arguments: args };
    const reasoning = { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: summary }] };
    e('response.created', { response: responseObj('in_progress', []) });
    e('response.in_progress', { response: responseObj('in_progress', []) });
    e('response.output_item.added', { output_index: 0, item: { ...reasoning, summary: [] } });
    chunk(summary, sizes).forEach((delta, i) => e('response.reasoning_summary_text.delta', { item_id: 'rs_1', output_index: 0, summary_index: 0, delta, ...padded(i) }));
    e('response.reasoning_summary_text.done', { item_id: 'rs_1', output_index: 0, summary_index: 0, text: summary });
    e('response.output_item.done', { output_index: 0, item: reasoning });
    e('response.output_item.added', { output_index: 1, item: { ...msg, status: 'in_progress', content: [] } });
    e('response.content_part.added', { item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    chunk(text, sizes).forEach((delta, i) => e('response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta, logprobs: [], ...padded(i) }));
    e('response.output_text.done', { item_id: 'msg_1', output_index: 1, content_index: 0, text, logprobs: [] });
    e('response.content_part.done', { item_id: 'msg_1', output_index: 1, content_index: 0, part: msg.content[0] });
    e('response.output_item.done', { output_index: 1, item: msg });
    e('response.output_item.added', { output_index: 2, item: { ...call, status: 'in_progress', arguments: '' } });
    chunk(args, sizes).forEach((delta, i) => e('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 2, delta, ...padded(i) }));
    e('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 2, arguments: args });
    e('response.output_item.done', { output_index: 2, item: call });
    e('response.completed', { response: responseObj('completed', [reasoning, msg, call]) });
    return frames.map((f) => ({ event: (f as { type: string }).type, data: JSON.stringify(f) }));
  }

  it('sends the same bytes as the general path (a full parse and serialisation per event), for every chunking and mix of items', async () => {
    await fc.assert(
      fc.asyncProperty(texts, texts, docs, chunkSizes, fc.constantFrom(identity, restoring, guarding), fc.boolean(), fc.nat(6), async (summary, text, args, sizes, t, pad, cut) => {
        let upstream = stream(summary, text, args, sizes, pad);
        // Cut off before its end: held-back text is still released, on both paths alike.
        if (cut > 0) upstream = upstream.slice(0, -cut);
        const statsGeneral: StreamStats = {};
        const statsFast: StreamStats = {};
        const general = await collect(transformResponsesStream(from(upstream), t, statsGeneral));
        const fast = await collect(transformResponsesStream(requireJsonData(from(upstream)), t, statsFast));
        expect(fast.map(formatSse)).toEqual(general.map(formatSse));
        expect(statsFast).toEqual(statsGeneral);
        const data = fast.map((e) => JSON.parse(e.data));
        expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
        if (t === guarding) expect(data.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta).join('')).not.toContain(KEY.slice(0, 12));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the usual token event through the shape: only its delta and sequence number change in the upstream bytes', async () => {
    const pieces = ['Mail ', 'to ', PH.slice(0, 5), `${PH.slice(5)} or `, PH2.slice(0, 9), PH2.slice(9), ' now', '.'];
    const frames: object[] = [];
    const e = (type: string, fields: object) => frames.push({ type, sequence_number: frames.length, ...fields });
    for (const delta of pieces) e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta, logprobs: [], obfuscation: 'pad' });
    e('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text: pieces.join(''), logprobs: [] });
    const upstream = frames.map((f) => ({ event: (f as { type: string }).type, data: JSON.stringify(f) }));
    const stringify = vi.spyOn(JSON, 'stringify');
    let out: SseEvent[];
    let calls: unknown[][];
    try {
      out = await collect(transformResponsesStream(requireJsonData(from(upstream)), restoring, {}));
    } finally {
      calls = stringify.mock.calls.slice();
      stringify.mockRestore();
    }
    // The general path serialises each changed delta event whole; the shape's path only its new
    // text. (Learning the shape serialises upstream events, which hold placeholders, not values;
    // the done event takes the general path.)
    const whole = calls.filter(([v]) => typeof v === 'object' && /jane\.doe|Lee/.test(JSON.stringify(v)));
    expect(whole.map(([v]) => (v as { type: string }).type)).toEqual(['response.output_text.done']);
    const data = out.map((ev) => JSON.parse(ev.data));
    expect(data.map((d) => d.delta ?? null)).toEqual(['Mail ', 'to ', '', `${EMAIL} or `, '', NAME, ' now', '.', null]);
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    expect(out[3]!.data).toBe(JSON.stringify({ type: 'response.output_text.delta', sequence_number: 3, item_id: 'msg_1', output_index: 0, content_index: 0, delta: `${EMAIL} or `, logprobs: [], obfuscation: 'pad' }));
    expect(out[1]).toBe(upstream[1]);
  });

  it('rewrites the sequence numbers of unchanged deltas after a released piece, in their bytes', async () => {
    // Held text released at the done event shifts nothing before it; released pieces of the
    // message (cut off mid-placeholder by the done of another part) shift the deltas after them.
    const frames: object[] = [];
    const e = (type: string, fields: object) => frames.push({ type, sequence_number: frames.length, ...fields });
    e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'a ', logprobs: [] });
    e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: PH.slice(0, 4), logprobs: [] });
    e('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text: `a ${PH.slice(0, 4)}`, logprobs: [] });
    for (const delta of ['x', 'y', 'z', 'w']) e('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 1, delta, logprobs: [] });
    const upstream = frames.map((f) => ({ event: (f as { type: string }).type, data: JSON.stringify(f) }));
    const general = await collect(transformResponsesStream(from(upstream), restoring, {}));
    const fast = await collect(transformResponsesStream(requireJsonData(from(upstream)), restoring, {}));
    expect(fast.map(formatSse)).toEqual(general.map(formatSse));
    const data = fast.map((ev) => JSON.parse(ev.data));
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    expect(data.length).toBe(upstream.length + 1);
  });
});

function fakeGen(pieces: string[], finishReason: FinishReason = 'stop'): LocalGeneration {
  return {
    chunks: (async function* () {
      yield* pieces;
    })(),
    done: Promise.resolve({ usage: { promptTokens: 5, completionTokens: pieces.length }, finishReason }),
  };
}

describe('responses local rendering', () => {
  it('renders a completed response, incomplete on max tokens', () => {
    const meta = { id: 'resp_ab', model: 'local/m', created: 1, usage: { promptTokens: 2, completionTokens: 3 }, finishReason: 'stop' as const };
    const r = openaiResponses.renderLocal('Once', meta) as { status: string; output: { id: string; content: { text: string }[] }[]; usage: { total_tokens: number } };
    expect(r.status).toBe('completed');
    expect(r.output[0]!.id).toBe('msg_ab');
    expect(r.output[0]!.content[0]!.text).toBe('Once');
    expect(r.usage.total_tokens).toBe(5);
    expect((openaiResponses.renderLocal('x', { ...meta, finishReason: 'length' }) as { status: string; incomplete_details: unknown }).incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('streams the typed events in order with consecutive sequence numbers', async () => {
    const req = openaiResponses.parse({ model: 'gpt-4.1', instructions: 'sys', input: 'hi', stream: true });
    const stats: StreamStats = {};
    const out = await collect(openaiResponses.renderLocalStream(fakeGen(['Once', ' upon']), { id: 'resp_1', model: 'local/m', created: 1 }, req, identity, stats));
    const data = out.map((e) => JSON.parse(e.data));
    expect(data.map((d) => d.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.done',
      'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    expect(data[6].text).toBe('Once upon');
    expect(data[9].response.output[0].content[0].text).toBe('Once upon');
    expect(data[9].response.instructions).toBe('sys');
    expect(stats.usage).toEqual({ promptTokens: 5, completionTokens: 2 });
  });
});
