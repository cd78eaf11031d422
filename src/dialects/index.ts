/**
 * @module dialects
 * Every client API the gateway serves, with its path. All of them go through the same pipeline:
 * adding an API is a dialect folder plus one line here, never a copy of the pipeline.
 */
import { openaiChat } from './openai-chat/index.ts';
import type { Dialect } from './types.ts';

export interface DialectRoute {
  path: string;
  dialect: Dialect;
}

export const DIALECT_ROUTES: readonly DialectRoute[] = [{ path: '/v1/chat/completions', dialect: openaiChat }];
