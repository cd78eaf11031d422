/**
 * @module dialects/openai-chat/answer
 * Applies the pipeline's answer transforms (placeholder restore, output guard) to an OpenAI chat
 * answer: `choices[].message.content`, `tool_calls[].function.arguments` (JSON text), and the
 * same fields in streamed `chat.completion.chunk` deltas, per choice and per tool call, so a
 * placeholder split across chunks is still restored.
 */
import type { Usage } from '../../providers/types.ts';
import { samePath, spliceLeaf, type ShapeMatch } from '../../util/sse-json-shape.ts';
import { sseStage, type SseStep } from '../../util/sse-stage.ts';
import { sseJsonSplice, sseShapeOf, type SseEvent } from '../../util/sse.ts';
import { eventJson, isObj, type Obj } from '../stream-event.ts';
import type { AnswerTransforms, PieceTransform, StreamStats } from '../types.ts';

export function usageOf(json: unknown): Usage | undefined {
  if (!isObj(json) || !isObj(json.usage)) return undefined;
  const u = json.usage;
  if (typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return undefined;
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
}

/**
 * The answer with its texts restored and guarded. When nothing changed the parsed answer itself
 * comes back, so the pipeline can send the upstream's own bytes instead of serialising it again.
 */
export function transformChatAnswer(json: unknown, t: AnswerTransforms): { json: unknown; usage?: Usage } {
  const usage = usageOf(json);
  if (t.identity || !isObj(json) || !Array.isArray(json.choices)) return { json, usage };
  let changed = false;
  const choices = json.choices.map((choice: unknown) => {
    if (!isObj(choice) || !isObj(choice.message)) return choice;
    const message = transformMessage(choice.message, t);
    if (message === choice.message) return choice;
    changed = true;
    return { ...choice, message };
  });
  return { json: changed ? { ...json, choices } : json, usage };
}

/** One answer message through the transforms; the same object when nothing changed. */
function transformMessage(m: Obj, t: AnswerTransforms): Obj {
  let out: Obj | undefined;
  if (typeof m.content === 'string') {
    const content = t.text(m.content);
    if (content !== m.content) (out ??= { ...m }).content = content;
  }
  if (Array.isArray(m.tool_calls)) {
    let toolsChanged = false;
    const calls = m.tool_calls.map((tc: unknown) => {
      if (!isObj(tc) || !isObj(tc.function) || typeof tc.function.arguments !== 'string') return tc;
      const args = t.json(tc.function.arguments);
      if (args === tc.function.arguments) return tc;
      toolsChanged = true;
      return { ...tc, function: { ...tc.function, arguments: args } };
    });
    if (toolsChanged) (out ??= { ...m }).tool_calls = calls;
  }
  return out ?? m;
}

/** Per-stream state: one transform per (choice, field). */
class ChoiceState {
  content: PieceTransform | undefined;
  readonly toolArgs = new Map<number, PieceTransform>();
}

/**
 * The client's events for an upstream chat stream: each chunk's content and tool arguments
 * through their choice's transforms.
 */
export function transformChatStream(events: AsyncIterable<SseEvent>, t: AnswerTransforms, stats: StreamStats): AsyncIterable<SseEvent> {
  return sseStage(events, new ChatStep(t, stats));
}

/**
 * The chat stream's step (`util/sse-stage.ts` runs it with no promise per event when the upstream
 * read holds several). Each upstream event gives its output events to `out`, in order; at the end
 * of the upstream, held text is released even when it was cut off without [DONE].
 */
class ChatStep implements SseStep {
  readonly #t: AnswerTransforms;
  readonly #stats: StreamStats;
  readonly #states = new Map<number, ChoiceState>();
  /** id/object/created/model of the stream, for chunks we synthesize. */
  #frame: Obj | undefined;
  /**
   * The last shape seen and, when it is the usual token event (see `plainContentHole`), its
   * content's position among the shape's strings (else -1) and its choice index.
   */
  #shape: unknown = null;
  #hole = -1;
  #choice = 0;

  constructor(t: AnswerTransforms, stats: StreamStats) {
    this.#t = t;
    this.#stats = stats;
  }

  end(out: SseEvent[]): void {
    this.#flushAll(out);
  }

  #stateOf(i: number): ChoiceState {
    let s = this.#states.get(i);
    if (!s) this.#states.set(i, (s = new ChoiceState()));
    return s;
  }

  /** Releases text still held back for choice i as chunks of their own, before its finish chunk. */
  #flushChoice(index: number, out: SseEvent[]): void {
    const s = this.#states.get(index);
    const frame = this.#frame;
    if (!s || !frame) return;
    const rest = s.content?.flush() ?? '';
    if (rest) out.push(chunk(frame, index, { content: rest }));
    for (const [k, tr] of s.toolArgs) {
      const args = tr.flush();
      if (args) out.push(chunk(frame, index, { tool_calls: [{ index: k, function: { arguments: args } }] }));
    }
    this.#states.delete(index);
  }

  #flushAll(out: SseEvent[]): void {
    for (const i of [...this.#states.keys()]) this.#flushChoice(i, out);
  }

  feed(ev: SseEvent, out: SseEvent[]): void {
    const t = this.#t;
    const stats = this.#stats;
    const m = sseShapeOf(ev);
    if (m !== null && this.#frame !== undefined) {
      if (m.skeleton !== this.#shape) {
        this.#shape = m.skeleton;
        this.#hole = plainContentHole(m);
        if (this.#hole >= 0) this.#choice = choiceIndex(m);
      }
      const hole = this.#hole;
      if (hole >= 0) {
        if (t.identity) {
          out.push(ev);
          return;
        }
        const text = m.values[hole]!;
        const s = this.#stateOf(this.#choice);
        const piece = (s.content ??= t.stream('text')).push(text);
        out.push(piece === text ? ev : { ...ev, data: spliceLeaf(ev.data, m, hole, piece) });
        return;
      }
    }
    if (ev.data === '[DONE]') {
      this.#flushAll(out);
      out.push(ev);
      return;
    }
    const json = eventJson(ev, t, stats);
    if (typeof json === 'string') {
      if (json === 'forward') out.push(ev);
      return;
    }
    if (isObj(json.error)) {
      stats.upstreamError = 'upstream sent an error event mid-stream';
      out.push(ev);
      return;
    }
    const usage = usageOf(json);
    if (usage) stats.usage = usage;
    this.#frame ??= { id: json.id, object: json.object, created: json.created, model: json.model, system_fingerprint: json.system_fingerprint };
    if (t.identity || !Array.isArray(json.choices)) {
      for (const c of Array.isArray(json.choices) ? json.choices : []) {
        if (isObj(c) && typeof c.finish_reason === 'string') stats.finishReason = c.finish_reason;
      }
      out.push(ev);
      return;
    }
    // Most events come out of the transforms exactly as they went in (no placeholder, nothing
    // held): those are forwarded as the upstream's own bytes, and no copy of them is built.
    let changed = false;
    const choices = json.choices.map((c: unknown) => {
      if (!isObj(c)) return c;
      const index = typeof c.index === 'number' ? c.index : 0;
      const s = this.#stateOf(index);
      const delta = isObj(c.delta) ? transformDelta(c.delta, s, t) : c.delta;
      if (typeof c.finish_reason === 'string') {
        stats.finishReason = c.finish_reason;
        // Held text goes out before the finish chunk.
        this.#flushChoice(index, out);
      }
      if (delta === c.delta) return c;
      changed = true;
      return { ...c, delta };
    });
    out.push(changed ? { ...ev, data: contentSplice(ev, json.choices, choices) ?? JSON.stringify({ ...json, choices }) } : ev);
  }
}

const CONTENT: readonly (string | number)[] = ['choices', 0, 'delta', 'content'];

const FINISH: readonly (string | number)[] = ['choices', 0, 'finish_reason'];

/**
 * For a shape whose one choice's `delta.content` varies and which carries nothing else the stream
 * acts on (no error, usage, finish reason or tool calls; other varying strings such as OpenAI's
 * `obfuscation` padding are only copied), the position of that content among the shape's
 * strings; -1 for any other shape. Events of such a shape need only their text transformed: the
 * general path would do exactly that and nothing more.
 */
function plainContentHole(m: ShapeMatch): number {
  const hole = m.paths.findIndex((p) => samePath(p, CONTENT));
  if (hole < 0 || m.paths.some((p) => samePath(p, FINISH))) return -1;
  const json = m.skeleton;
  if (!isObj(json) || isObj(json.error) || usageOf(json) || !Array.isArray(json.choices) || json.choices.length !== 1) return -1;
  const c: unknown = json.choices[0];
  if (!isObj(c) || typeof c.finish_reason === 'string' || !isObj(c.delta) || Array.isArray(c.delta.tool_calls)) return -1;
  return hole;
}

/** The choice index of a shape `plainContentHole` accepted. */
function choiceIndex(m: ShapeMatch): number {
  const c = (m.skeleton as { choices: Obj[] }).choices[0]!;
  return typeof c.index === 'number' ? c.index : 0;
}

/**
 * The event's bytes with only its one choice's new content spliced in, when that is all that
 * changed and the stream's shape located it (the usual token event); else null. Same bytes as
 * serialising the changed event, without serialising it.
 */
function contentSplice(ev: SseEvent, before: unknown[], after: unknown[]): string | null {
  if (before.length !== 1) return null;
  const b = before[0];
  const a = after[0];
  if (!isObj(a) || !isObj(b) || !isObj(a.delta) || !isObj(b.delta)) return null;
  const content = a.delta.content;
  if (typeof content !== 'string' || a.delta.tool_calls !== b.delta.tool_calls) return null;
  return sseJsonSplice(ev, CONTENT, content);
}

/** One choice's delta through its restorers; the same object when nothing changed. */
function transformDelta(d: Obj, s: ChoiceState, t: AnswerTransforms): Obj {
  let out: Obj | undefined;
  if (typeof d.content === 'string') {
    const content = (s.content ??= t.stream('text')).push(d.content);
    if (content !== d.content) (out ??= { ...d }).content = content;
  }
  if (Array.isArray(d.tool_calls)) {
    let toolsChanged = false;
    const calls = d.tool_calls.map((tc: unknown) => {
      if (!isObj(tc) || !isObj(tc.function) || typeof tc.function.arguments !== 'string') return tc;
      const k = typeof tc.index === 'number' ? tc.index : 0;
      let tr = s.toolArgs.get(k);
      if (!tr) s.toolArgs.set(k, (tr = t.stream('json')));
      const args = tr.push(tc.function.arguments);
      if (args === tc.function.arguments) return tc;
      toolsChanged = true;
      return { ...tc, function: { ...tc.function, arguments: args } };
    });
    if (toolsChanged) (out ??= { ...d }).tool_calls = calls;
  }
  return out ?? d;
}

function chunk(frame: Obj, index: number, delta: Obj): SseEvent {
  return {
    data: JSON.stringify({ ...frame, choices: [{ index, delta, logprobs: null, finish_reason: null }] }),
  };
}
