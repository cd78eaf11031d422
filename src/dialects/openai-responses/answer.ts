/**
 * @module dialects/openai-responses/answer
 * Applies the pipeline's answer transforms to an OpenAI Responses answer: every output item
 * (`message` text and refusal parts, `function_call.arguments` as JSON, custom tool inputs,
 * reasoning text) and the echoed `instructions`. In the typed event stream, `*.delta` pieces go
 * through one restorer per (item, part), and the events that carry whole texts — `*.done`,
 * `content_part.*`, `output_item.*`, and `response.*` with the full response — are restored
 * whole, so the deltas a client accumulates and the final objects agree. When restoring, the
 * stream's `sequence_number`s are rewritten so they stay consecutive around released pieces.
 * Both report the upstream's answer id (`resp_…`), which a later request may continue.
 */
import type { Usage } from '../../providers/types.ts';
import type { SseEvent } from '../../util/sse.ts';
import { eventJson, isObj, type Obj } from '../stream-event.ts';
import { restoreToolEcho } from '../tool-slots.ts';
import type { AnswerTransforms, PieceTransform, StreamStats } from '../types.ts';

export function responsesUsage(u: unknown): Usage | undefined {
  if (!isObj(u) || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  return { promptTokens: u.input_tokens, completionTokens: u.output_tokens };
}

// Each transform returns its input itself when nothing changed, so a stream can forward the
// upstream's event as it came instead of serializing an equal copy.

/** `xs.map(f)`, or `xs` itself when `f` changed no element. */
function mapSame(xs: unknown[], f: (x: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  xs.forEach((x, i) => {
    const y = f(x);
    if (y !== x) (out ??= xs.slice())[i] = y;
  });
  return out ?? xs;
}

function transformPart(p: unknown, t: AnswerTransforms): unknown {
  if (!isObj(p)) return p;
  if (typeof p.text === 'string') {
    const text = t.text(p.text);
    return text === p.text ? p : { ...p, text };
  }
  if (p.type === 'refusal' && typeof p.refusal === 'string') {
    const refusal = t.text(p.refusal);
    return refusal === p.refusal ? p : { ...p, refusal };
  }
  return p;
}

function transformItem(item: unknown, t: AnswerTransforms): unknown {
  if (!isObj(item)) return item;
  let out: Obj | undefined;
  const set = (k: string, v: unknown) => {
    if (v !== item[k]) (out ??= { ...item })[k] = v;
  };
  if (Array.isArray(item.content)) set('content', mapSame(item.content, (p) => transformPart(p, t)));
  if (Array.isArray(item.summary)) set('summary', mapSame(item.summary, (p) => transformPart(p, t)));
  if (item.type === 'function_call' && typeof item.arguments === 'string') set('arguments', t.json(item.arguments));
  if (item.type === 'custom_tool_call' && typeof item.input === 'string') set('input', t.text(item.input));
  return out ?? item;
}

function transformResponse(r: unknown, t: AnswerTransforms): unknown {
  if (!isObj(r)) return r;
  let out: Obj | undefined;
  if (Array.isArray(r.output)) {
    const output = mapSame(r.output, (item) => transformItem(item, t));
    if (output !== r.output) (out ??= { ...r }).output = output;
  }
  // The upstream echoes the instructions it received: pseudonymized, so they are restored too.
  if (typeof r.instructions === 'string') {
    const instructions = t.text(r.instructions);
    if (instructions !== r.instructions) (out ??= { ...r }).instructions = instructions;
  }
  // So are the echoed tools and `text.format` schema (their free text is inspected: tool-slots.ts).
  return restoreToolEcho(out ?? r, t.text);
}

/** The upstream's id of a response object, which a later request can name as `previous_response_id`. */
const responseId = (r: Obj): string | undefined => (typeof r.id === 'string' && r.id !== '' ? r.id : undefined);

export function transformResponsesAnswer(json: unknown, t: AnswerTransforms): { json: unknown; usage?: Usage; answerId?: string } {
  if (!isObj(json)) return { json };
  const usage = responsesUsage(json.usage);
  const answerId = responseId(json);
  if (t.identity) return { json, usage, answerId };
  return { json: transformResponse(json, t), usage, answerId };
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
  let idSeen = false;
  const emit = (ev: SseEvent, j: Obj): SseEvent => {
    const out = typeof j.sequence_number === 'number' ? { ...j, sequence_number: seq++ } : j;
    return { ...ev, data: JSON.stringify(out) };
  };
  // An event the transforms left unchanged goes out as the upstream's own bytes, unless pieces
  // released earlier shifted its sequence number: then only the number is rewritten.
  const pass = (ev: SseEvent, j: Obj): SseEvent => {
    if (typeof j.sequence_number !== 'number') return ev;
    if (j.sequence_number !== seq) return emit(ev, j);
    seq++;
    return ev;
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
    const j = eventJson(ev, t, stats);
    if (typeof j === 'string') {
      if (j === 'forward') yield ev;
      continue;
    }
    const type = typeof j.type === 'string' ? j.type : (ev.event ?? '');
    if (type === 'error' || type === 'response.failed') stats.upstreamError = 'upstream sent an error event mid-stream';
    if (isObj(j.response)) {
      // `response.created` comes first and already names the answer; reported before it goes out.
      if (!idSeen && stats.onAnswerId) {
        const id = responseId(j.response);
        if (id !== undefined) {
          idSeen = true;
          stats.onAnswerId(id);
        }
      }
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
      const out = p.tr.push(j.delta);
      yield out === j.delta ? pass(ev, j) : emit(ev, { ...j, delta: out });
      continue;
    }
    const done = DONE.get(type);
    if (done) {
      yield* release(keyOf(done.delta, j));
      const whole = j[done.field];
      const restored = typeof whole === 'string' ? (done.kind === 'json' ? t.json(whole) : t.text(whole)) : whole;
      yield restored === whole ? pass(ev, j) : emit(ev, { ...j, [done.field]: restored });
      continue;
    }
    // Whole objects: restored statelessly. Anything still held back is released before the response ends.
    if (type.startsWith('response.') && isObj(j.response)) {
      if (type !== 'response.created' && type !== 'response.in_progress') yield* releaseAll();
      const response = transformResponse(j.response, t);
      yield response === j.response ? pass(ev, j) : emit(ev, { ...j, response });
      continue;
    }
    if (isObj(j.item)) {
      if (type === 'response.output_item.done') yield* releaseAll();
      const item = transformItem(j.item, t);
      yield item === j.item ? pass(ev, j) : emit(ev, { ...j, item });
      continue;
    }
    if (isObj(j.part)) {
      const part = transformPart(j.part, t);
      yield part === j.part ? pass(ev, j) : emit(ev, { ...j, part });
      continue;
    }
    if (type === 'error') yield* releaseAll();
    yield pass(ev, j);
  }
  if (!t.identity) yield* releaseAll();
}
