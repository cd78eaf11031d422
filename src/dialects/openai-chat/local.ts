/**
 * @module dialects/openai-chat/local
 * The local model's output written as OpenAI chat completion JSON or `chat.completion.chunk` SSE,
 * so clients cannot tell (except by `x-veil-route`) that the answer never left the machine.
 */
import type { LocalGeneration } from '../../providers/types.ts';
import type { SseEvent } from '../../util/sse.ts';
import { jsonTemplate } from '../json-template.ts';
import type { AnswerTransforms, LocalMeta, StreamStats } from '../types.ts';

const finish = (r: LocalMeta['finishReason']) => (r === 'length' ? 'length' : 'stop');

const usageJson = (u: LocalMeta['usage']) => ({
  prompt_tokens: u.promptTokens,
  completion_tokens: u.completionTokens,
  total_tokens: u.promptTokens + u.completionTokens,
});

export function renderChatLocal(text: string, meta: LocalMeta): unknown {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finish(meta.finishReason) }],
    usage: usageJson(meta.usage),
    system_fingerprint: null,
  };
}

export async function* renderChatLocalStream(
  gen: LocalGeneration,
  meta: Pick<LocalMeta, 'id' | 'model' | 'created'> & { includeUsage: boolean },
  t: AnswerTransforms,
  stats: StreamStats,
): AsyncIterable<SseEvent> {
  const frame = { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, system_fingerprint: null };
  const ev = (choices: unknown[], extra: object = {}): SseEvent => ({ data: JSON.stringify({ ...frame, choices, ...extra }) });
  const delta = (d: object, finishReason: string | null = null) => ev([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);
  // The per-token event: serialized once, filled with each piece's JSON-escaped text.
  const content = jsonTemplate((hole) => ({ ...frame, choices: [{ index: 0, delta: { content: hole(0) }, logprobs: null, finish_reason: null }] }));
  const guard = t.stream('text');
  yield delta({ role: 'assistant', content: '' });
  for await (const piece of gen.chunks) {
    const out = guard.push(piece);
    if (out) yield { data: content(JSON.stringify(out)) };
  }
  const rest = guard.flush();
  if (rest) yield { data: content(JSON.stringify(rest)) };
  const { usage, finishReason } = await gen.done;
  stats.usage = usage;
  stats.finishReason = finish(finishReason);
  yield delta({}, finish(finishReason));
  if (meta.includeUsage) yield ev([], { usage: usageJson(usage) });
  yield { data: '[DONE]' };
}
