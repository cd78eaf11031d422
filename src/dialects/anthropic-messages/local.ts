/**
 * @module dialects/anthropic-messages/local
 * The local model's output as an Anthropic `message` or as Anthropic's named-event stream
 * (`message_start`, `content_block_start`, `ping`, `content_block_delta` text deltas,
 * `content_block_stop`, `message_delta` with stop reason and usage, `message_stop`), so an
 * Anthropic client whose request never left the machine cannot tell the difference.
 */
import type { LocalGeneration } from '../../providers/types.ts';
import type { SseEvent } from '../../util/sse.ts';
import { jsonTemplate } from '../json-template.ts';
import type { AnswerTransforms, LocalMeta, StreamStats } from '../types.ts';

const stopReason = (r: LocalMeta['finishReason']) => (r === 'length' ? 'max_tokens' : 'end_turn');

const message = (meta: Pick<LocalMeta, 'id' | 'model'>, content: unknown[], stop: string | null, usage: { input_tokens: number; output_tokens: number }) => ({
  id: meta.id,
  type: 'message',
  role: 'assistant',
  model: meta.model,
  content,
  stop_reason: stop,
  stop_sequence: null,
  usage,
});

export function renderMessagesLocal(text: string, meta: LocalMeta): unknown {
  return message(meta, [{ type: 'text', text }], stopReason(meta.finishReason), {
    input_tokens: meta.usage.promptTokens,
    output_tokens: meta.usage.completionTokens,
  });
}

const ev = (name: string, data: object): SseEvent => ({ event: name, data: JSON.stringify({ type: name, ...data }) });

export async function* renderMessagesLocalStream(
  gen: LocalGeneration,
  meta: Pick<LocalMeta, 'id' | 'model' | 'created'>,
  t: AnswerTransforms,
  stats: StreamStats,
): AsyncIterable<SseEvent> {
  // Prompt tokens are known only when generation ends; they are repeated in message_delta.
  yield ev('message_start', { message: message(meta, [], null, { input_tokens: 0, output_tokens: 0 }) });
  yield ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  yield ev('ping', {});
  const guard = t.stream('text');
  // The per-token event: serialized once, filled with each piece's JSON-escaped text.
  const deltaJson = jsonTemplate((hole) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: hole(0) } }));
  const delta = (text: string): SseEvent => ({ event: 'content_block_delta', data: deltaJson(JSON.stringify(text)) });
  for await (const piece of gen.chunks) {
    const out = guard.push(piece);
    if (out) yield delta(out);
  }
  const rest = guard.flush();
  if (rest) yield delta(rest);
  yield ev('content_block_stop', { index: 0 });
  const { usage, finishReason } = await gen.done;
  stats.usage = usage;
  stats.finishReason = stopReason(finishReason);
  yield ev('message_delta', {
    delta: { stop_reason: stopReason(finishReason), stop_sequence: null },
    usage: { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens },
  });
  yield ev('message_stop', {});
}
