/**
 * @module dialects/anthropic-messages/schema
 * The parts of an Anthropic Messages request Veil must understand. Objects are loose: unknown
 * fields and block types (new API features) pass through untouched; `parse.ts` checks the fields
 * of the block types it reads text from, so a malformed known block is a 400 naming its path.
 */
import * as z from 'zod';

/** Any content block; its fields are checked by type in `parse.ts`. */
export const ContentBlock = z.looseObject({ type: z.string() });

export const Message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlock)]),
});

const SystemBlock = z.looseObject({ type: z.string(), text: z.string() });

const common = {
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  system: z.union([z.string(), z.array(SystemBlock)]).optional(),
  tools: z.array(z.looseObject({})).optional(),
};

export const MessagesRequest = z.looseObject({
  ...common,
  max_tokens: z.number().int().min(1),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

/** `POST /v1/messages/count_tokens`: the same conversation, no generation parameters. */
export const CountTokensRequest = z.looseObject(common);
