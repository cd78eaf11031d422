/**
 * @module dialects/openai-responses/answer
 * Applies the pipeline's answer transforms to an OpenAI Responses answer: every output item
 * (`message` text and refusal parts, `function_call.arguments` as JSON, custom tool inputs,
 * reasoning text) and the echoed `instructions`. In the typed event stream, `*.delta` pieces go
 * through one restorer per (item, part), and the events that carry whole texts — `*.done`,
 * `content_part.*`, `output_item.*`, and `response.*` with the full response — are restored
 * whole, so the deltas a client accumulates and the final objects agree. When restoring, the
 * stream's `sequence_number`s are rewritten so they stay consecutive around released pieces.
 */
import type { Usage } from '../../providers/types.ts';
import { sseJson, type SseEvent } from '../../util/sse.ts';
import type { AnswerTransforms, PieceTransform, StreamStats } from '../types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function responsesUsage(u: unknown): Usage | undefined {
  if (!isObj(u) || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  return { promptTokens: u.input_tokens, completionTokens: u.output_tokens };
}

function transformPart(p: unknown, t: AnswerTransforms): unknown {
  if (!isObj(p)) return p;
  if (typeof p.text === 'string') return { ...p, text: t.text(p.text) };
  if (p.type === 'refusal' && typeof p.refusal === 'string') return { ...p, refusal: t.text(p.refusal) };
  return p;
}

function transformItem(item: unknown, t: AnswerTransforms): unknown {
  if (!isObj(item)) return item;
  const out: Obj = { ...item };
  if (Array.isArray(item.content)) out.content = item.content.map((p) => transformPart(p, t));
  if (Array.isArray(item.summary)) out.summary = item.summary.map((p) => transformPart(p, t));
  if (item.type === 'function_call' && typeof item.arguments === 'string') out.arguments = t.json(item.arguments);
  if (item.type === 'custom_tool_call' && typeof item.input === 'string') out.input = t.text(item.input);
  return out;
}

function transformResponse(r: unknown, t: AnswerTransforms): unknown {
  if (!isObj(r)) return r;
  const out: Obj = { ...r };
  if (Array.isArray(r.output)) out.output = r.output.map((item) => transformItem(item, t));
  // The upstream echoes the instructions it received: pseudonymized, so they are restored too.
  if (typeof r.instructions === 'string') out.instructions = t.text(r.instructions);
  return out;
}

export function transformResponsesAnswer(json: unknown, t: AnswerTransforms): { json: unknown; usage?: Usage } {
  const usage = isObj(json) ? responsesUsage(json.usage) : undefined;
  if (t.identity) return { json, usage };
  return { json: transformResponse(json, t), usage };
}

/** Streamed text fields: delta event → (its done event, the done event's whole-text field, restorer kind). */
const DELTAS: Record<string, { done: string; field: string; kind: 'text' | 'json' }> = {
  'response.output_text.delta': { done: 'response.output_text.done', field: 'text', kind: 'text' },
  'response.refusal.delta': { done: 'response.refusal.done', field: 'refusal', kind: 'text' },
  'response.function_call_arguments.delta': { done: 'response.function_call_arguments.done', field: 'arguments', kind: 'json' },
  'response.custom_tool_call_input.delta': { done: 'response.custom_tool_call_input.done', field: 'input', kind: 'text' },
  'response.reasoning_summary_text.delta': { done: 'response.reasoning_summary_text.done', field: 'text', kind: 'text' },
  'response.reasoning_text.delta': { done: 'response.reasoning_text.done', field: 'text', kind: 'text' },
};
const DONE = new Map(Object.entries(DELTAS).map(([delta, d]) => [d.done, { delta, ...d }]));

/** Where a delta belongs: one restorer per (delta type, item, part). */
const keyOf = (deltaType: string, j: Obj) =>
  `${deltaType}|${String(j.item_id ?? '')}|${String(j.output_index ?? '')}|${String(j.content_index ?? j.summary_index ?? '')}`;

interface Pending {
  tr: PieceTransform;
  /** The delta event's own fields (type, item_id, output_index, content_index…), for a released piece. */
  frame: Obj;
}

export async function* transformResponsesStream(
  events: AsyncIterable<SseEvent>,
  t: AnswerTransforms,
  stats: StreamStats,
): AsyncIterable<SseEvent> {
  const open = new Map<string, Pending>();
  let seq = 0;
  const emit = (ev: SseEvent, j: Obj): SseEvent => {
    const out = typeof j.sequence_number === 'number' ? { ...j, sequence_number: seq++ } : j;
    return { ...ev, data: JSON.stringify(out) };
  };
  const release = function* (key: string): Generator<SseEvent> {
    const p = open.get(key);
    if (!p) return;
    open.delete(key);
    const rest = p.tr.flush();
    const type = p.frame.type as string;
    if (rest) yield emit({ event: type, data: '' }, { ...p.frame, delta: rest, sequence_number: 0 });
  };
  const releaseAll = function* (): Generator<SseEvent> {
    for (const k of [...open.keys()]) yield* release(k);
  };

  for await (const ev of events) {
    let j: unknown;
    try {
      j = sseJson(ev);
    } catch {
      stats.upstreamError = 'malformed SSE data from upstream';
      // Never forward text we could not inspect or restore.
      if (t.identity) yield ev;
      continue;
    }
    if (!isObj(j)) continue;
    const type = typeof j.type === 'string' ? j.type : (ev.event ?? '');
    if (type === 'error' || type === 'response.failed') stats.upstreamError = 'upstream sent an error event mid-stream';
    if (isObj(j.response)) {
      const usage = responsesUsage(j.response.usage);
      if (usage) stats.usage = usage;
      if (typeof j.response.status === 'string' && type !== 'response.created' && type !== 'response.in_progress') stats.finishReason = j.response.status;
    }
    if (t.identity) {
      yield ev;
      continue;
    }
    const delta = DELTAS[type];
    if (delta && typeof j.delta === 'string') {
      const key = keyOf(type, j);
      let p = open.get(key);
      if (!p) open.set(key, (p = { tr: t.stream(delta.kind), frame: { ...j, delta: '' } }));
      yield emit(ev, { ...j, delta: p.tr.push(j.delta) });
      continue;
    }
    const done = DONE.get(type);
    if (done) {
      yield* release(keyOf(done.delta, j));
      const whole = j[done.field];
      const restored = typeof whole === 'string' ? (done.kind === 'json' ? t.json(whole) : t.text(whole)) : whole;
      yield emit(ev, { ...j, [done.field]: restored });
      continue;
    }
    // Whole objects: restored statelessly. Anything still held back is released before the response ends.
    if (type.startsWith('response.') && isObj(j.response)) {
      if (type !== 'response.created' && type !== 'response.in_progress') yield* releaseAll();
      yield emit(ev, { ...j, response: transformResponse(j.response, t) });
      continue;
    }
    if (isObj(j.item)) {
      if (type === 'response.output_item.done') yield* releaseAll();
      yield emit(ev, { ...j, item: transformItem(j.item, t) });
      continue;
    }
    if (isObj(j.part)) {
      yield emit(ev, { ...j, part: transformPart(j.part, t) });
      continue;
    }
    if (type === 'error') yield* releaseAll();
    yield emit(ev, j);
  }
  if (!t.identity) yield* releaseAll();
}
