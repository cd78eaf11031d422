/**
 * @module dialects/anthropic-messages/answer
 * Applies the pipeline's answer transforms to an Anthropic answer: `text` blocks, `tool_use.input`
 * (restored as JSON, kept an object) and `thinking`; and to the named-event stream, per content
 * block index: `text_delta` and `thinking_delta` through a text restorer, `input_json_delta`
 * `partial_json` pieces through a JSON restorer, so a placeholder split across events (even
 * across JSON escapes) is still restored. Text a restorer holds back is released as one more
 * delta of the same block just before its `content_block_stop`.
 */
import type { Usage } from '../../providers/types.ts';
import type { SseEvent } from '../../util/sse.ts';
import { eventJson, isObj, type Obj } from '../stream-event.ts';
import type { AnswerTransforms, PieceTransform, StreamStats } from '../types.ts';

function usageOf(u: unknown): Usage | undefined {
  if (!isObj(u) || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  return { promptTokens: u.input_tokens, completionTokens: u.output_tokens };
}

/** `tool_use.input` restored through its JSON text; unchanged if the result is not an object. */
function restoreInput(input: unknown, t: AnswerTransforms): unknown {
  if (!isObj(input)) return input;
  try {
    const text = JSON.stringify(input);
    const restored = t.json(text);
    // Nothing restored: the same object, so a stream can forward its event unchanged.
    if (restored === text) return input;
    const out: unknown = JSON.parse(restored);
    return isObj(out) ? out : input;
  } catch {
    return input;
  }
}

function transformBlock(b: unknown, t: AnswerTransforms): unknown {
  if (!isObj(b)) return b;
  if (b.type === 'text' && typeof b.text === 'string') return { ...b, text: t.text(b.text) };
  if ((b.type === 'tool_use' || b.type === 'server_tool_use') && isObj(b.input)) return { ...b, input: restoreInput(b.input, t) };
  if (b.type === 'thinking' && typeof b.thinking === 'string') return { ...b, thinking: t.text(b.thinking) };
  return b;
}

export function transformMessagesAnswer(json: unknown, t: AnswerTransforms): { json: unknown; usage?: Usage } {
  const usage = isObj(json) ? usageOf(json.usage) : undefined;
  if (t.identity || !isObj(json) || !Array.isArray(json.content)) return { json, usage };
  return { json: { ...json, content: json.content.map((b) => transformBlock(b, t)) }, usage };
}

/** Which delta field a block's restorer feeds, by block type. */
interface BlockState {
  tr: PieceTransform;
  delta: 'text_delta' | 'input_json_delta' | 'thinking_delta';
}

const DELTA_FIELD = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking' } as const;

const event = (name: string, data: Obj): SseEvent => ({ event: name, data: JSON.stringify(data) });

export async function* transformMessagesStream(
  events: AsyncIterable<SseEvent>,
  t: AnswerTransforms,
  stats: StreamStats,
): AsyncIterable<SseEvent> {
  const blocks = new Map<number, BlockState>();
  let inputTokens = 0;

  // Releases what block `index` still holds back, as a delta of its own.
  const flush = function* (index: number): Generator<SseEvent> {
    const s = blocks.get(index);
    if (!s) return;
    blocks.delete(index);
    const rest = s.tr.flush();
    if (rest) yield event('content_block_delta', { type: 'content_block_delta', index, delta: { type: s.delta, [DELTA_FIELD[s.delta]]: rest } });
  };
  const flushAll = function* (): Generator<SseEvent> {
    for (const i of [...blocks.keys()]) yield* flush(i);
  };

  for await (const ev of events) {
    const json = eventJson(ev, t, stats);
    if (typeof json === 'string') {
      if (json === 'forward') yield ev;
      continue;
    }
    const type = typeof json.type === 'string' ? json.type : ev.event;
    switch (type) {
      case 'message_start': {
        const u = isObj(json.message) ? json.message.usage : undefined;
        if (isObj(u) && typeof u.input_tokens === 'number') inputTokens = u.input_tokens;
        break;
      }
      case 'message_delta': {
        const u = json.usage;
        if (isObj(u) && typeof u.output_tokens === 'number') {
          stats.usage = { promptTokens: typeof u.input_tokens === 'number' ? u.input_tokens : inputTokens, completionTokens: u.output_tokens };
        }
        if (isObj(json.delta) && typeof json.delta.stop_reason === 'string') stats.finishReason = json.delta.stop_reason;
        yield* flushAll();
        break;
      }
      case 'error':
        stats.upstreamError = 'upstream sent an error event mid-stream';
        yield* flushAll();
        break;
    }
    if (t.identity) {
      yield ev;
      continue;
    }
    const index = typeof json.index === 'number' ? json.index : 0;
    if (type === 'content_block_start' && isObj(json.content_block)) {
      const b = json.content_block;
      const delta = b.type === 'text' ? 'text_delta' : b.type === 'thinking' ? 'thinking_delta' : b.type === 'tool_use' || b.type === 'server_tool_use' ? 'input_json_delta' : null;
      if (delta) blocks.set(index, { tr: t.stream(delta === 'input_json_delta' ? 'json' : 'text'), delta });
      const s = blocks.get(index);
      // Blocks normally open empty; a non-empty opening text goes through the same restorer.
      if (s && s.delta !== 'input_json_delta') {
        const field = DELTA_FIELD[s.delta];
        const opening = b[field];
        if (typeof opening === 'string' && opening !== '') {
          const out = s.tr.push(opening);
          yield out === opening ? ev : { ...ev, data: JSON.stringify({ ...json, content_block: { ...b, [field]: out } }) };
          continue;
        }
      } else if (s && isObj(b.input) && Object.keys(b.input).length > 0) {
        const input = restoreInput(b.input, t);
        yield input === b.input ? ev : { ...ev, data: JSON.stringify({ ...json, content_block: { ...b, input } }) };
        continue;
      }
      yield ev;
      continue;
    }
    if (type === 'content_block_delta' && isObj(json.delta)) {
      const d = json.delta;
      const s = blocks.get(index);
      const kind = d.type as string;
      if (s && (kind === 'text_delta' || kind === 'input_json_delta' || kind === 'thinking_delta')) {
        const field = DELTA_FIELD[kind];
        const piece = d[field];
        if (typeof piece === 'string') {
          const out = s.tr.push(piece);
          // Unchanged (no placeholder, nothing held back): the upstream's own bytes, not a re-serialization.
          yield out === piece ? ev : { ...ev, data: JSON.stringify({ ...json, delta: { ...d, [field]: out } }) };
          continue;
        }
      }
      yield ev;
      continue;
    }
    if (type === 'content_block_stop') yield* flush(index);
    yield ev;
  }
  // Upstream ended without message_delta (cut off): still release what was held back.
  if (!t.identity) yield* flushAll();
}
