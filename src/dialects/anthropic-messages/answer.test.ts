import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { collect, EMAIL, from, guarding, identity, jsonDocs, NAME, PH, PH2, restoring, SECRET_KEY as KEY, split, streamTexts } from '../../../test/support/answer-fixtures.ts';
import { requireJsonData } from '../../pipeline/stream.ts';
import { chunk, chunkSizes } from '../../restore/test-arbitraries.ts';
import { formatSse, type SseEvent } from '../../util/sse.ts';
import type { StreamStats } from '../types.ts';
import { transformMessagesAnswer, transformMessagesStream } from './answer.ts';

const ev = (name: string, data: object): SseEvent => ({ event: name, data: JSON.stringify({ type: name, ...data }) });

/** An upstream stream as Anthropic sends it: a text block, then a tool_use block. */
function upstream(text: string, json: string, size: number): SseEvent[] {
  return [
    ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 12, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
    ...split(text, size).map((t) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } })),
    ev('content_block_stop', { index: 0 }),
    ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'send', input: {} } }),
    ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
    ...split(json, size).map((p) => ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: p } })),
    ev('content_block_stop', { index: 1 }),
    ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } }),
    ev('message_stop', {}),
  ];
}

/** What a client accumulates: text per block, partial_json per block, and the event order. */
function accumulate(events: SseEvent[]) {
  const text = new Map<number, string>();
  const json = new Map<number, string>();
  const stopped = new Set<number>();
  for (const e of events) {
    expect(e.event).toBeTruthy(); // the Anthropic SDK drops events without a name
    const d = JSON.parse(e.data);
    expect(d.type).toBe(e.event);
    if (d.type === 'content_block_delta') {
      expect(stopped.has(d.index)).toBe(false);
      if (d.delta.type === 'text_delta') text.set(d.index, (text.get(d.index) ?? '') + d.delta.text);
      if (d.delta.type === 'input_json_delta') json.set(d.index, (json.get(d.index) ?? '') + d.delta.partial_json);
    }
    if (d.type === 'content_block_stop') stopped.add(d.index);
  }
  return { text, json };
}

describe('transformMessagesAnswer', () => {
  it('restores text, tool_use input (kept an object) and thinking', () => {
    const answer = {
      id: 'msg_1',
      type: 'message',
      content: [
        { type: 'thinking', thinking: `think ${PH}`, signature: 's' },
        { type: 'text', text: `Hello ${PH}` },
        { type: 'tool_use', id: 't', name: 'send', input: { to: PH2, list: [PH] } },
        { type: 'image', source: {} },
      ],
      usage: { input_tokens: 5, output_tokens: 7 },
    };
    const { json, usage } = transformMessagesAnswer(answer, restoring);
    const c = (json as typeof answer).content;
    expect(c[0]).toEqual({ type: 'thinking', thinking: `think ${EMAIL}`, signature: 's' });
    expect(c[1]).toEqual({ type: 'text', text: `Hello ${EMAIL}` });
    expect(c[2]).toEqual({ type: 'tool_use', id: 't', name: 'send', input: { to: NAME, list: [EMAIL] } });
    expect(c[3]).toBe(answer.content[3]);
    expect(usage).toEqual({ promptTokens: 5, completionTokens: 7 });
  });

  it('returns the same object when there is nothing to restore', () => {
    const answer = { content: [{ type: 'text', text: PH }] };
    expect(transformMessagesAnswer(answer, identity).json).toBe(answer);
  });
});

describe('transformMessagesStream', () => {
  const text = `Write to ${PH} or ${PH2}, thanks ${PH}`;
  const json = JSON.stringify({ to: PH2, cc: [PH], note: `for ${PH2}` });

  it('restores text_delta and input_json_delta pieces at every chunk size', async () => {
    for (let size = 1; size <= text.length; size++) {
      const stats: StreamStats = {};
      const out = await collect(transformMessagesStream(from(upstream(text, json, size)), restoring, stats));
      const acc = accumulate(out);
      expect(acc.text.get(0)).toBe(`Write to ${EMAIL} or ${NAME}, thanks ${EMAIL}`);
      expect(JSON.parse(acc.json.get(1)!)).toEqual({ to: NAME, cc: [EMAIL], note: `for ${NAME}` });
      expect(out.map((e) => e.event).filter((n) => n !== 'content_block_delta')).toEqual([
        'message_start', 'content_block_start', 'ping', 'content_block_stop', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop',
      ]);
      expect(stats).toMatchObject({ usage: { promptTokens: 12, completionTokens: 30 }, finishReason: 'tool_use' });
      expect(out.map((e) => e.data).join('')).not.toContain('<EMAIL_');
    }
  });

  it('restores under arbitrary chunkings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }), async (sizes) => {
        const pieces: string[] = [];
        let i = 0;
        for (let k = 0; i < text.length; k++) {
          const n = sizes[k % sizes.length]!;
          pieces.push(text.slice(i, i + n));
          i += n;
        }
        const events = [
          ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
          ...pieces.map((t) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } })),
          ev('content_block_stop', { index: 0 }),
        ];
        const out = await collect(transformMessagesStream(from(events), restoring, {}));
        expect(accumulate(out).text.get(0)).toBe(`Write to ${EMAIL} or ${NAME}, thanks ${EMAIL}`);
      }),
      { numRuns: 100 },
    );
  });

  it('while restoring, forwards events without a placeholder as the upstream bytes and rewrites only the others', async () => {
    // A trailing space in the upstream JSON: a re-serialization would drop it, a forward keeps it.
    const spaced = (e: SseEvent): SseEvent => ({ ...e, data: `${e.data} ` });
    const pieces = ['Hello', ' world', ', write to ', PH.slice(0, 6), PH.slice(6), ' today', '.'];
    const upstream = [
      ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 12, output_tokens: 1 } } }),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ...pieces.map((t) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } })),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'send', input: { note: 'no placeholder' } } }),
      ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"to":"' } }),
      ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: `${PH2}"}` } }),
      ev('content_block_stop', { index: 1 }),
      ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 30 } }),
      ev('message_stop', {}),
    ].map(spaced);
    const out = await collect(transformMessagesStream(from(upstream), restoring, {}));
    expect(out).toHaveLength(upstream.length);
    const changed = new Set([5, 6, 12]); // the placeholder's two text pieces, the JSON piece holding PH2
    out.forEach((e, i) => {
      if (changed.has(i)) expect(e.data).not.toBe(upstream[i]!.data);
      else expect(formatSse(e)).toBe(formatSse(upstream[i]!));
    });
    const acc = accumulate(out);
    expect(acc.text.get(0)).toBe(`Hello world, write to ${EMAIL} today.`);
    expect(JSON.parse(acc.json.get(1)!)).toEqual({ to: NAME });
  });

  it('passes events through byte for byte when nothing needs restoring', async () => {
    const events = upstream(text, json, 3);
    const out = await collect(transformMessagesStream(from(events), identity, {}));
    expect(out).toEqual(events);
  });

  it('releases held-back text when the upstream is cut off, and records an upstream error event', async () => {
    const events = [
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'see <EMAIL_3K' } }),
      ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ];
    const stats: StreamStats = {};
    const out = await collect(transformMessagesStream(from(events), restoring, stats));
    expect(accumulate(out).text.get(0)).toBe('see <EMAIL_3K');
    expect(out.at(-1)!.event).toBe('error');
    expect(stats.upstreamError).toBeTruthy();
  });

  it('drops malformed data instead of forwarding text it could not restore', async () => {
    const events = [{ event: 'content_block_delta', data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${PH}` }];
    const stats: StreamStats = {};
    const out = await collect(transformMessagesStream(from(events), restoring, stats));
    expect(out).toEqual([]);
    expect(stats.upstreamError).toContain('malformed');
  });
});

describe('transformMessagesStream on events of a learned shape', () => {
  const texts = streamTexts;
  const docs = jsonDocs;
  const delta = (index: number, type: string, field: string, piece: string) => ev('content_block_delta', { index, delta: { type, [field]: piece } });

  /** A thinking block, a text block (with pings among its deltas when asked) and a tool_use block, each cut at `sizes`. */
  function stream(thinking: string, text: string, json: string, sizes: number[], pingEvery: number): SseEvent[] {
    const out: SseEvent[] = [
      ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 12, output_tokens: 1 } } }),
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ...chunk(thinking, sizes).map((p) => delta(0, 'thinking_delta', 'thinking', p)),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
    ];
    chunk(text, sizes).forEach((p, i) => {
      out.push(delta(1, 'text_delta', 'text', p));
      if (pingEvery > 0 && i % pingEvery === pingEvery - 1) out.push(ev('ping', {}));
    });
    out.push(
      ev('content_block_stop', { index: 1 }),
      ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'send', input: {} } }),
      ...chunk(json, sizes).map((p) => delta(2, 'input_json_delta', 'partial_json', p)),
      ev('content_block_stop', { index: 2 }),
      ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } }),
      ev('message_stop', {}),
    );
    return out;
  }

  it('sends the same bytes as the general path (a full parse and serialisation per event), for every chunking and mix of blocks', async () => {
    await fc.assert(
      fc.asyncProperty(texts, texts, docs, chunkSizes, fc.constantFrom(identity, restoring, guarding), fc.nat(4), fc.boolean(), async (thinking, text, json, sizes, t, pingEvery, cut) => {
        let upstream = stream(thinking, text, json, sizes, pingEvery);
        // Cut off before its end: held-back text is still released, on both paths alike.
        if (cut) upstream = upstream.slice(0, -4);
        const statsGeneral: StreamStats = {};
        const statsFast: StreamStats = {};
        const general = await collect(transformMessagesStream(from(upstream), t, statsGeneral));
        const fast = await collect(transformMessagesStream(requireJsonData(from(upstream)), t, statsFast));
        expect(fast.map(formatSse)).toEqual(general.map(formatSse));
        expect(statsFast).toEqual(statsGeneral);
        if (t === guarding) expect(accumulate(fast).text.get(1) ?? '').not.toContain(KEY.slice(0, 12));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the usual token event through the shape: only its text is serialised, spliced into the upstream bytes', async () => {
    const pieces = ['Mail ', 'to ', PH.slice(0, 5), `${PH.slice(5)} or `, PH2.slice(0, 9), PH2.slice(9), ' now', '.'];
    const upstream = [ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), ...pieces.map((p) => delta(0, 'text_delta', 'text', p)), ev('content_block_stop', { index: 0 })];
    const stringify = vi.spyOn(JSON, 'stringify');
    let out: SseEvent[];
    let calls: unknown[][];
    try {
      out = await collect(transformMessagesStream(requireJsonData(from(upstream)), restoring, {}));
    } finally {
      calls = stringify.mock.calls.slice();
      stringify.mockRestore();
    }
    // The general path serialises each changed event whole; the shape's path only its new text.
    // (Learning the shape serialises upstream events, which hold placeholders, not values.)
    expect(calls.filter(([v]) => typeof v === 'object' && /jane\.doe|Lee/.test(JSON.stringify(v)))).toEqual([]);
    expect(out.map((e) => (e.event === 'content_block_delta' ? JSON.parse(e.data).delta.text : null))).toEqual([null, 'Mail ', 'to ', '', `${EMAIL} or `, '', NAME, ' now', '.', null]);
    expect(out[4]!.data).toBe(delta(0, 'text_delta', 'text', `${EMAIL} or `).data);
    expect(out[2]).toBe(upstream[2]);
  });

  it('takes the general path for a delta whose block or type the shape does not fix', async () => {
    // Text deltas of two blocks in turn (a varying index is another shape), then deltas of a
    // block that never opened: both paths agree.
    const upstream = [
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
      ...['a ', PH.slice(0, 4), PH.slice(4), ' b'].flatMap((p) => [delta(0, 'text_delta', 'text', p), delta(1, 'text_delta', 'text', p)]),
      delta(7, 'text_delta', 'text', PH),
      delta(7, 'text_delta', 'text', PH),
      delta(7, 'text_delta', 'text', PH),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_stop', { index: 1 }),
    ];
    const general = await collect(transformMessagesStream(from(upstream), restoring, {}));
    const fast = await collect(transformMessagesStream(requireJsonData(from(upstream)), restoring, {}));
    expect(fast.map(formatSse)).toEqual(general.map(formatSse));
    expect(accumulate(fast).text).toEqual(new Map([[0, `a ${EMAIL} b`], [1, `a ${EMAIL} b`], [7, PH.repeat(3)]]));
  });
});
