import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect, EMAIL, from, identity, NAME, PH, PH2, restoring, split } from '../../../test/support/answer-fixtures.ts';
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
