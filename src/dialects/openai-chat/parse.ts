/**
 * @module dialects/openai-chat/parse
 * OpenAI chat request → canonical request: every text-bearing field as a slot (message content
 * and text parts, `name`, tool-call arguments), the tool definitions and `response_format` schema
 * (`tool-slots.ts`), plus the flattened chat the local model needs.
 */
import type { ChatMessage as CanonicalMessage } from '../../providers/types.ts';
import { VeilError } from '../../util/errors.ts';
import type { JsonObject, ParsedRequest, TextSlot } from '../types.ts';
import { ChatRequest } from './schema.ts';
import { toolSlots } from '../tool-slots.ts';

export function parseChatRequest(body: unknown): ParsedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new VeilError('invalid_request', 'The request body must be a JSON object.');
  }
  const r = ChatRequest.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || 'body';
    // zod messages name the expected shape, never the received value.
    throw new VeilError('invalid_request', `Invalid '${field}': ${issue.message}`);
  }
  const req = r.data;
  const slots: TextSlot[] = [];
  const messages: CanonicalMessage[] = [];
  let opaqueParts = 0;
  req.messages.forEach((m, i) => {
    const texts: string[] = [];
    if (typeof m.content === 'string') {
      slots.push({ path: ['messages', i, 'content'], text: m.content, kind: 'text' });
      texts.push(m.content);
    } else if (Array.isArray(m.content)) {
      m.content.forEach((part, j) => {
        if (typeof part.text === 'string') {
          slots.push({ path: ['messages', i, 'content', j, 'text'], text: part.text, kind: 'text' });
          texts.push(part.text);
        } else opaqueParts++;
      });
    }
    if (typeof m.name === 'string') slots.push({ path: ['messages', i, 'name'], text: m.name, kind: 'text' });
    m.tool_calls?.forEach((tc, k) => {
      slots.push({ path: ['messages', i, 'tool_calls', k, 'function', 'arguments'], text: tc.function.arguments, kind: 'json' });
      texts.push(`${tc.function.name}(${tc.function.arguments})`);
    });
    const role = m.role === 'developer' ? 'system' : m.role === 'function' ? 'tool' : m.role;
    messages.push({ role, content: texts.join('\n') });
  });
  const stop = req.stop == null ? undefined : Array.isArray(req.stop) ? req.stop : [req.stop];
  return {
    model: req.model,
    stream: req.stream === true,
    body: body as JsonObject,
    slots: [...slots, ...toolSlots(body as JsonObject)],
    opaqueParts,
    chat: {
      messages,
      maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
      temperature: req.temperature ?? undefined,
      topP: req.top_p ?? undefined,
      stop,
      seed: req.seed ?? undefined,
    },
  };
}
