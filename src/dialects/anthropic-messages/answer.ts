/**
 * @module dialects/anthropic-messages/answer
 * Applies the pipeline's answer transforms to an Anthropic answer: `text` blocks, `tool_use.input`
 * (restored as JSON, kept an object) and `thinking`; and to the named-event stream, per content
 * block index: `text_delta` and `thinking_delta` through a text restorer, `input_json_delta`
 * `partial_json` pieces through a JSON restorer, so a placeholder split across events (even
 * across JSON escapes) is still restored. Text a restorer holds back is released as one more
 * delta of the same block just before its `content_block_stop`. The usual token event is
 * transformed without a parse or serialisation of its own when the stream's learned shape reads
 * it (see `transformMessagesStream`).
 */
import type { Usage } from '../../providers/types.ts';
import { samePath, spliceLeaf, type ShapeMatch } from '../../util/sse-json-shape.ts';
import { sseStage } from '../../util/sse-stage.ts';
import { sseShapeOf, type SseEvent } from '../../util/sse.ts';
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

/**
 * What the fast path needs of a shape that is the usual token event — a `content_block_delta` of
 * one of the three delta types whose one varying field is its text (or partial JSON): the
 * position of that text among the shape's strings and the block index. Null for any other shape,
 * or one where the event or delta type vary (the general path reads those off each event).
 */
interface DeltaShape {
  hole: number;
  index: number;
}

const TYPE: readonly string[] = ['type'];
const DELTA_TYPE: readonly string[] = ['delta', 'type'];

function deltaShape(m: ShapeMatch): DeltaShape | null {
  const j = m.skeleton;
  if (!isObj(j) || j.type !== 'content_block_delta' || !isObj(j.delta)) return null;
  const kind = j.delta.type;
  if (kind !== 'text_delta' && kind !== 'input_json_delta' && kind !== 'thinking_delta') return null;
  const field = DELTA_FIELD[kind];
  let hole = -1;
  for (let i = 0; i < m.paths.length; i++) {
    const p = m.paths[i]!;
    if (samePath(p, TYPE) || samePath(p, DELTA_TYPE)) return null;
    if (p.length === 2 && p[0] === 'delta' && p[1] === field) hole = i;
  }
  return hole < 0 ? null : { hole, index: typeof j.index === 'number' ? j.index : 0 };
}

/**
 * The client's events for an upstream Messages stream. An event read through its stream's
 * learned shape (`requireJsonData`) that is the usual token event has only its text transformed,
 * and a changed text is spliced into the upstream's bytes: the same bytes as serialising the
 * changed event. Every other event takes the general path: its parsed JSON.
 */
export function transformMessagesStream(events: AsyncIterable<SseEvent>, t: AnswerTransforms, stats: StreamStats): AsyncIterable<SseEvent> {
  const blocks = new Map<number, BlockState>();
  let inputTokens = 0;
  /** The last shape seen, and what the fast path reads of it (null: not a token event). */
  let shape: unknown = null;
  let plan: DeltaShape | null = null;

  // Releases what block `index` still holds back, as a delta of its own.
  const flush = (index: number, out: SseEvent[]): void => {
    const s = blocks.get(index);
    if (!s) return;
    blocks.delete(index);
    const rest = s.tr.flush();
    if (rest) out.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: s.delta, [DELTA_FIELD[s.delta]]: rest } }));
  };
  const flushAll = (out: SseEvent[]): void => {
    for (const i of [...blocks.keys()]) flush(i, out);
  };

  const feed = (ev: SseEvent, out: SseEvent[]): void => {
    const m = sseShapeOf(ev);
    if (m !== null) {
      if (m.skeleton !== shape) {
        shape = m.skeleton;
        plan = deltaShape(m);
      }
      if (plan !== null) {
        const s = t.identity ? undefined : blocks.get(plan.index);
        if (s === undefined) {
          out.push(ev);
          return;
        }
        const piece = m.values[plan.hole]!;
        const text = s.tr.push(piece);
        out.push(text === piece ? ev : { ...ev, data: spliceLeaf(ev.data, m, plan.hole, text) });
        return;
      }
    }
    const json = eventJson(ev, t, stats);
    if (typeof json === 'string') {
      if (json === 'forward') out.push(ev);
      return;
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
        flushAll(out);
        break;
      }
      case 'error':
        stats.upstreamError = 'upstream sent an error event mid-stream';
        flushAll(out);
        break;
    }
    if (t.identity) {
      out.push(ev);
      return;
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
          const text = s.tr.push(opening);
          out.push(text === opening ? ev : { ...ev, data: JSON.stringify({ ...json, content_block: { ...b, [field]: text } }) });
          return;
        }
      } else if (s && isObj(b.input) && Object.keys(b.input).length > 0) {
        const input = restoreInput(b.input, t);
        out.push(input === b.input ? ev : { ...ev, data: JSON.stringify({ ...json, content_block: { ...b, input } }) });
        return;
      }
      out.push(ev);
      return;
    }
    if (type === 'content_block_delta' && isObj(json.delta)) {
      const d = json.delta;
      const s = blocks.get(index);
      const kind = d.type as string;
      if (s && (kind === 'text_delta' || kind === 'input_json_delta' || kind === 'thinking_delta')) {
        const field = DELTA_FIELD[kind];
        const piece = d[field];
        if (typeof piece === 'string') {
          const text = s.tr.push(piece);
          // Unchanged (no placeholder, nothing held back): the upstream's own bytes, not a re-serialization.
          out.push(text === piece ? ev : { ...ev, data: JSON.stringify({ ...json, delta: { ...d, [field]: text } }) });
          return;
        }
      }
      out.push(ev);
      return;
    }
    if (type === 'content_block_stop') flush(index, out);
    out.push(ev);
  };
  return sseStage(events, {
    feed,
    // Upstream ended without message_delta (cut off): still release what was held back.
    end: (out) => {
      if (!t.identity) flushAll(out);
    },
  });
}
