import { describe, expect, it } from 'vitest';
import { answerTransforms } from '../../pipeline/answer-transforms.ts';
import type { FinishReason, LocalGeneration, LocalModel } from '../../providers/types.ts';
import { VeilError } from '../../util/errors.ts';
import type { SseEvent } from '../../util/sse.ts';
import type { StreamStats } from '../types.ts';
import { anthropicCountTokens, anthropicErrorType, anthropicMessages } from './index.ts';

const identity = answerTransforms(new Map(), null);

function fakeGen(pieces: string[], finishReason: FinishReason = 'stop'): LocalGeneration {
  return {
    chunks: (async function* () {
      yield* pieces;
    })(),
    done: Promise.resolve({ usage: { promptTokens: 9, completionTokens: pieces.length }, finishReason }),
  };
}

async function collect(it: AsyncIterable<SseEvent>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('anthropic local rendering', () => {
  const req = anthropicMessages.parse({ model: 'claude-x', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });

  it('renders a message with stop reason and usage', () => {
    const meta = { id: 'msg_1', model: 'local/m', created: 1, usage: { promptTokens: 3, completionTokens: 4 }, finishReason: 'length' as const };
    expect(anthropicMessages.renderLocal('Once', meta)).toEqual({
      id: 'msg_1', type: 'message', role: 'assistant', model: 'local/m', content: [{ type: 'text', text: 'Once' }],
      stop_reason: 'max_tokens', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 4 },
    });
  });

  it('streams Anthropic\'s event sequence, every event named', async () => {
    const stats: StreamStats = {};
    const out = await collect(anthropicMessages.renderLocalStream(fakeGen(['Once', ' upon', ' a time']), { id: 'msg_1', model: 'local/m', created: 1 }, req, identity, stats));
    expect(out.map((e) => e.event)).toEqual([
      'message_start', 'content_block_start', 'ping',
      'content_block_delta', 'content_block_delta', 'content_block_delta',
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    const data = out.map((e) => JSON.parse(e.data));
    expect(data.every((d, i) => d.type === out[i]!.event)).toBe(true);
    expect(data.filter((d) => d.type === 'content_block_delta').map((d) => d.delta.text).join('')).toBe('Once upon a time');
    expect(data[7]).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 9, output_tokens: 3 } });
    expect(stats.usage).toEqual({ promptTokens: 9, completionTokens: 3 });
  });
});

describe('anthropic errors', () => {
  it('maps every VeilError to Anthropic\'s error shape and type', () => {
    const cases: [VeilError, number, string][] = [
      [new VeilError('invalid_json', 'x'), 400, 'invalid_request_error'],
      [new VeilError('unauthorized', 'x'), 401, 'authentication_error'],
      [new VeilError('policy_blocked', 'x'), 403, 'permission_error'],
      [new VeilError('model_not_found', 'x'), 404, 'not_found_error'],
      [new VeilError('body_too_large', 'x'), 413, 'request_too_large'],
      [new VeilError('rate_limited', 'x'), 429, 'rate_limit_error'],
      [new VeilError('internal_error', 'x'), 500, 'api_error'],
      [new VeilError('upstream_error', 'x'), 502, 'api_error'],
      [new VeilError('local_model_busy', 'x'), 503, 'overloaded_error'],
      [new VeilError('upstream_timeout', 'x'), 504, 'api_error'],
    ];
    for (const [err, status, type] of cases) {
      expect(anthropicMessages.renderError(err)).toEqual({ status, body: { type: 'error', error: { type, message: 'x' } } });
    }
    expect(anthropicErrorType(529)).toBe('overloaded_error');
  });

  it('reports a failure after the stream started as a named error event', () => {
    const ev = anthropicMessages.renderStreamError(new VeilError('upstream_timeout', 'stalled'));
    expect(ev.event).toBe('error');
    expect(JSON.parse(ev.data)).toEqual({ type: 'error', error: { type: 'api_error', message: 'stalled' } });
  });
});

describe('count_tokens', () => {
  it('forwards only to anthropic providers and answers a local decision with an estimate', async () => {
    expect(anthropicCountTokens.providerKind).toBe('anthropic');
    expect(anthropicCountTokens.upstreamPath).toBe('/messages/count_tokens');
    const req = anthropicCountTokens.parse({ model: 'claude-x', system: 'x'.repeat(40), messages: [{ role: 'user', content: 'y'.repeat(40) }] });
    const model = { id: 'local/m' } as LocalModel;
    const out = await anthropicCountTokens.answerLocally!(req, model, new AbortController().signal);
    const tokens = (out.json as { input_tokens: number }).input_tokens;
    expect(tokens).toBeGreaterThanOrEqual(20);
    expect(tokens).toBeLessThan(30);
  });
});
