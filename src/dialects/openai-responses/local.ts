/**
 * @module dialects/openai-responses/local
 * The local model's output as an OpenAI `response` object or as the Responses typed event stream
 * (`response.created`, `response.in_progress`, `response.output_item.added`,
 * `response.content_part.added`, `response.output_text.delta`…, the `*.done` events with the whole
 * text, `response.completed`), each event with its `sequence_number`.
 */
import type { LocalGeneration, Usage } from '../../providers/types.ts';
import type { SseEvent } from '../../util/sse.ts';
import { jsonTemplate } from '../json-template.ts';
import type { AnswerTransforms, LocalMeta, StreamStats } from '../types.ts';

type Meta = Pick<LocalMeta, 'id' | 'model' | 'created'>;

const usageJson = (u: Usage) => ({
  input_tokens: u.promptTokens,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: u.completionTokens,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: u.promptTokens + u.completionTokens,
});

const textPart = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
const messageId = (meta: Meta) => `msg_${meta.id.replace(/^resp_/, '')}`;
const messageItem = (meta: Meta, status: string, content: unknown[]) => ({ id: messageId(meta), type: 'message', status, role: 'assistant', content });

function response(meta: Meta, status: 'in_progress' | 'completed' | 'incomplete', output: unknown[], usage: Usage | null, instructions: string | null) {
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.created,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions,
    model: meta.model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    text: { format: { type: 'text' } },
    usage: usage ? usageJson(usage) : null,
    metadata: {},
  };
}

const statusOf = (r: LocalMeta['finishReason']) => (r === 'length' ? 'incomplete' : 'completed');

export function renderResponsesLocal(text: string, meta: LocalMeta, instructions: string | null = null): unknown {
  const status = statusOf(meta.finishReason);
  return response(meta, status, [messageItem(meta, status, [textPart(text)])], meta.usage, instructions);
}

export async function* renderResponsesLocalStream(
  gen: LocalGeneration,
  meta: Meta,
  instructions: string | null,
  t: AnswerTransforms,
  stats: StreamStats,
): AsyncIterable<SseEvent> {
  let seq = 0;
  const ev = (type: string, fields: object): SseEvent => ({ event: type, data: JSON.stringify({ type, sequence_number: seq++, ...fields }) });
  const at = { item_id: messageId(meta), output_index: 0, content_index: 0 };
  yield ev('response.created', { response: response(meta, 'in_progress', [], null, instructions) });
  yield ev('response.in_progress', { response: response(meta, 'in_progress', [], null, instructions) });
  yield ev('response.output_item.added', { output_index: 0, item: messageItem(meta, 'in_progress', []) });
  yield ev('response.content_part.added', { ...at, part: textPart('') });
  const guard = t.stream('text');
  // The per-token event: serialized once, filled with its sequence number and JSON-escaped text.
  const deltaType = 'response.output_text.delta';
  const deltaJson = jsonTemplate((hole) => ({ type: deltaType, sequence_number: hole(0), ...at, delta: hole(1), logprobs: [] }));
  const delta = (out: string): SseEvent => ({ event: deltaType, data: deltaJson(String(seq++), JSON.stringify(out)) });
  let text = '';
  for await (const piece of gen.chunks) {
    const out = guard.push(piece);
    if (out) {
      text += out;
      yield delta(out);
    }
  }
  const rest = guard.flush();
  if (rest) {
    text += rest;
    yield delta(rest);
  }
  const { usage, finishReason } = await gen.done;
  const status = statusOf(finishReason);
  stats.usage = usage;
  stats.finishReason = status;
  yield ev('response.output_text.done', { ...at, text, logprobs: [] });
  yield ev('response.content_part.done', { ...at, part: textPart(text) });
  const item = messageItem(meta, status, [textPart(text)]);
  yield ev('response.output_item.done', { output_index: 0, item });
  yield ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: response(meta, status, [item], usage, instructions) });
}
