/**
 * @module dialects/openai-chat/schema
 * The parts of an OpenAI chat completion request Veil must understand. Objects are loose: unknown
 * fields (new API features) pass through to the upstream untouched; only text fields are rewritten.
 */
import * as z from 'zod';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const ToolCall = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const ChatMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCall).optional(),
  tool_call_id: z.string().optional(),
});

export const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().optional().nullable(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional().nullable(),
  n: z.number().int().min(1).max(128).optional().nullable(),
  max_tokens: z.number().int().min(1).optional().nullable(),
  max_completion_tokens: z.number().int().min(1).optional().nullable(),
  temperature: z.number().min(0).max(2).optional().nullable(),
  top_p: z.number().min(0).max(1).optional().nullable(),
  stop: z.union([z.string(), z.array(z.string())]).optional().nullable(),
  seed: z.number().int().optional().nullable(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;
