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
 * The usual token event is transformed without a parse or serialisation of its own when the
 * stream's learned shape reads it (see `transformResponsesStream`).
 */
import type { Usage } from '../../providers/types.ts';
import { samePath, shapedValue, spliceShape, type ShapeMatch } from '../../util/sse-json-shape.ts';
import { sseStage } from '../../util/sse-stage.ts';
import { sseShapeOf, type SseEvent } from '../../util/sse.ts';
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

/**
 * What the fast path needs of a shape that is the usual token event — a `*.delta` event whose
 * varying strings are its `delta` and fields the stream only copies (OpenAI's `obfuscation`
 * padding), with its `sequence_number` a learned counter: the positions of the delta and of the
 * counter, and the event's restorer key and kind. Null for any other shape.
 */
interface DeltaShape {
  hole: number;
  counter: number;
  key: string;
  kind: 'text' | 'json';
}

/** Top-level fields the general path reads off a delta event: none may vary in a fast-path shape. */
const READ = new Set(['type', 'item_id', 'output_index', 'content_index', 'summary_index', 'sequence_number', 'response']);
const SEQ: readonly string[] = ['sequence_number'];

function deltaShape(m: ShapeMatch): DeltaShape | null {
  const j = m.skeleton;
  if (!isObj(j) || typeof j.type !== 'string' || !Object.hasOwn(DELTAS, j.type) || isObj(j.response)) return null;
  let hole = -1;
  for (let i = 0; i < m.paths.length; i++) {
    const p = m.paths[i]!;
    if (p.length === 1 && p[0] === 'delta') hole = i;
    else if (READ.has(String(p[0]))) return null;
  }
  const counter = m.counters.findIndex((p) => samePath(p, SEQ));
  // A sequence number the shape holds fixed would be every event's: never so upstream, so not handled.
  if (hole < 0 || (counter < 0 && j.sequence_number !== undefined)) return null;
  return { hole, counter, key: keyOf(j.type, j), kind: DELTAS[j.type]!.kind };
}

/**
 * The client's events for an upstream Responses stream. An event read through its stream's
 * learned shape (`requireJsonData`) that is the usual token event has only its delta transformed,
 * and a changed delta or sequence number is spliced into the upstream's bytes: the same bytes as
 * serialising the changed event. Every other event takes the general path: its parsed JSON.
 */
export function transformResponsesStream(events: AsyncIterable<SseEvent>, t: AnswerTransforms, stats: StreamStats): AsyncIterable<SseEvent> {
  const open = new Map<string, Pending>();
  let seq = 0;
  let idSeen = false;
  /** The last shape seen, and what the fast path reads of it (null: not a token event). */
  let shape: unknown = null;
  let plan: DeltaShape | null = null;
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
  const release = (key: string, out: SseEvent[]): void => {
    const p = open.get(key);
    if (!p) return;
    open.delete(key);
    const rest = p.tr.flush();
    const type = p.frame.type as string;
    if (rest) out.push(emit({ event: type, data: '' }, { ...p.frame, delta: rest, sequence_number: 0 }));
  };
  const releaseAll = (out: SseEvent[]): void => {
    for (const k of [...open.keys()]) release(k, out);
  };

  /** The usual token event, read through its shape: what the general path does with it, on its bytes. */
  const fast = (ev: SseEvent, m: ShapeMatch, d: DeltaShape, out: SseEvent[]): void => {
    if (t.identity) {
      out.push(ev);
      return;
    }
    const piece = m.values[d.hole]!;
    let p = open.get(d.key);
    if (!p) open.set(d.key, (p = { tr: t.stream(d.kind), frame: { ...(shapedValue(m) as Obj), delta: '' } }));
    const text = p.tr.push(piece);
    const c = d.counter;
    // As `pass`: an unchanged event with the expected sequence number goes out as it came.
    if (text === piece && (c < 0 || m.counts[c] === seq)) {
      if (c >= 0) seq++;
      out.push(ev);
      return;
    }
    out.push({ ...ev, data: spliceShape(ev.data, m, text === piece ? -1 : d.hole, text, c, c < 0 ? 0 : seq++) });
  };

  const feed = (ev: SseEvent, out: SseEvent[]): void => {
    const m = sseShapeOf(ev);
    if (m !== null) {
      if (m.skeleton !== shape) {
        shape = m.skeleton;
        plan = deltaShape(m);
      }
      if (plan !== null) {
        fast(ev, m, plan, out);
        return;
      }
    }
    const j = eventJson(ev, t, stats);
    if (typeof j === 'string') {
      if (j === 'forward') out.push(ev);
      return;
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
      out.push(ev);
      return;
    }
    const delta = DELTAS[type];
    if (delta && typeof j.delta === 'string') {
      const key = keyOf(type, j);
      let p = open.get(key);
      if (!p) open.set(key, (p = { tr: t.stream(delta.kind), frame: { ...j, delta: '' } }));
      const text = p.tr.push(j.delta);
      out.push(text === j.delta ? pass(ev, j) : emit(ev, { ...j, delta: text }));
      return;
    }
    const done = DONE.get(type);
    if (done) {
      release(keyOf(done.delta, j), out);
      const whole = j[done.field];
      const restored = typeof whole === 'string' ? (done.kind === 'json' ? t.json(whole) : t.text(whole)) : whole;
      out.push(restored === whole ? pass(ev, j) : emit(ev, { ...j, [done.field]: restored }));
      return;
    }
    // Whole objects: restored statelessly. Anything still held back is released before the response ends.
    if (type.startsWith('response.') && isObj(j.response)) {
      if (type !== 'response.created' && type !== 'response.in_progress') releaseAll(out);
      const response = transformResponse(j.response, t);
      out.push(response === j.response ? pass(ev, j) : emit(ev, { ...j, response }));
      return;
    }
    if (isObj(j.item)) {
      if (type === 'response.output_item.done') releaseAll(out);
      const item = transformItem(j.item, t);
      out.push(item === j.item ? pass(ev, j) : emit(ev, { ...j, item }));
      return;
    }
    if (isObj(j.part)) {
      const part = transformPart(j.part, t);
      out.push(part === j.part ? pass(ev, j) : emit(ev, { ...j, part }));
      return;
    }
    if (type === 'error') releaseAll(out);
    out.push(pass(ev, j));
  };
  return sseStage(events, {
    feed,
    end: (out) => {
      if (!t.identity) releaseAll(out);
    },
  });
}
