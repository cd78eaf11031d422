/**
 * @module dialects
 * Every client API the gateway serves, with its path. All of them go through the same pipeline:
 * adding an API is a dialect folder plus one line here, never a copy of the pipeline.
 */
import { anthropicCountTokens, anthropicMessages } from './anthropic-messages/index.ts';
import { openaiChat } from './openai-chat/index.ts';
import { openaiEmbeddings } from './openai-embeddings/index.ts';
import { openaiResponses } from './openai-responses/index.ts';
import type { Dialect } from './types.ts';

export interface DialectRoute {
  path: string;
  dialect: Dialect;
}

export const DIALECT_ROUTES: readonly DialectRoute[] = [
  { path: '/v1/chat/completions', dialect: openaiChat },
  { path: '/v1/messages', dialect: anthropicMessages },
  { path: '/v1/messages/count_tokens', dialect: anthropicCountTokens },
  { path: '/v1/responses', dialect: openaiResponses },
  { path: '/v1/embeddings', dialect: openaiEmbeddings },
];
