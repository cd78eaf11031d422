/**
 * @module dialects/openai-responses/schema
 * The parts of an OpenAI Responses request Veil must understand. Loose objects: unknown fields
 * and item types pass through; `parse.ts` checks the fields of the item types it reads text from.
 */
import * as z from 'zod';

export const InputItem = z.looseObject({ type: z.string().optional() });

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(InputItem)]).optional(),
  instructions: z.string().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().min(1).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  tools: z.array(z.looseObject({})).optional(),
  previous_response_id: z.string().nullable().optional(),
  // The Conversations API: an id (`conv_…`), or `{ id }`. Checked, so the conversation a request
  // continues is never guessed from a shape Veil does not know.
  conversation: z
    .union([z.string(), z.looseObject({ id: z.string() })], { error: "expected a conversation id string or an object with a string 'id'" })
    .nullable()
    .optional(),
  store: z.boolean().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;
