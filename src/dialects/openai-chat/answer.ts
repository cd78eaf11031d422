/**
 * @module dialects/openai-chat/answer
 * Applies the pipeline's answer transforms (placeholder restore, output guard) to an OpenAI chat
 * answer: `choices[].message.content`, `tool_calls[].function.arguments` (JSON text), and the
 * same fields in streamed `chat.completion.chunk` deltas, per choice and per tool call, so a
 * placeholder split across chunks is still restored.
 */
import type { Usage } from '../../providers/types.ts';
import type { SseEvent } from '../../util/sse.ts';
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

export async function* transformChatStream(
  events: AsyncIterable<SseEvent>,
  t: AnswerTransforms,
  stats: StreamStats,
): AsyncIterable<SseEvent> {
  const states = new Map<number, ChoiceState>();
  let frame: Obj | undefined; // id/object/created/model of the stream, for chunks we synthesize
  const stateOf = (i: number) => {
    let s = states.get(i);
    if (!s) states.set(i, (s = new ChoiceState()));
    return s;
  };
  // Releases text still held back for choice i as chunks of their own, before its finish chunk.
  const flushChoice = function* (index: number): Generator<SseEvent> {
    const s = states.get(index);
    if (!s || !frame) return;
    const rest = s.content?.flush() ?? '';
    if (rest) yield chunk(frame, index, { content: rest });
    for (const [k, tr] of s.toolArgs) {
      const args = tr.flush();
      if (args) yield chunk(frame, index, { tool_calls: [{ index: k, function: { arguments: args } }] });
    }
    states.delete(index);
  };

  for await (const ev of events) {
    if (ev.data === '[DONE]') {
      for (const i of [...states.keys()]) yield* flushChoice(i);
      yield ev;
      continue;
    }
    const json = eventJson(ev, t, stats);
    if (typeof json === 'string') {
      if (json === 'forward') yield ev;
      continue;
    }
    if (isObj(json.error)) {
      stats.upstreamError = 'upstream sent an error event mid-stream';
      yield ev;
      continue;
    }
    const usage = usageOf(json);
    if (usage) stats.usage = usage;
    frame ??= { id: json.id, object: json.object, created: json.created, model: json.model, system_fingerprint: json.system_fingerprint };
    if (t.identity || !Array.isArray(json.choices)) {
      for (const c of Array.isArray(json.choices) ? json.choices : []) {
        if (isObj(c) && typeof c.finish_reason === 'string') stats.finishReason = c.finish_reason;
      }
      yield ev;
      continue;
    }
    const released: SseEvent[] = [];
    // Most events come out of the transforms exactly as they went in (no placeholder, nothing
    // held): those are forwarded as the upstream's own bytes, and no copy of them is built.
    let changed = false;
    const choices = json.choices.map((c: unknown) => {
      if (!isObj(c)) return c;
      const index = typeof c.index === 'number' ? c.index : 0;
      const s = stateOf(index);
      const delta = isObj(c.delta) ? transformDelta(c.delta, s, t) : c.delta;
      if (typeof c.finish_reason === 'string') {
        stats.finishReason = c.finish_reason;
        released.push(...flushChoice(index));
      }
      if (delta === c.delta) return c;
      changed = true;
      return { ...c, delta };
    });
    yield* released;
    yield changed ? { ...ev, data: JSON.stringify({ ...json, choices }) } : ev;
  }
  // Upstream ended without [DONE] (cut off): still release what was held back.
  for (const i of [...states.keys()]) yield* flushChoice(i);
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
