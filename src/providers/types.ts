/**
 * @module providers/types
 * What the pipeline needs from a model backend. Remote providers speak their own wire format
 * (the gateway forwards the dialect body); the local model takes a canonical chat and yields text.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** Dialect-neutral chat request, what the local model needs. */
export interface CanonicalChat {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'abort';

export interface LocalGeneration {
  /**
   * Text as the model produces it: usually one token per piece, but a reader that falls behind
   * gets everything produced since its last read in one piece (one SSE event, not one per token).
   */
  chunks: AsyncIterable<string>;
  /** Resolves when generation ends (after `chunks` is drained). */
  done: Promise<{ usage: Usage; finishReason: FinishReason }>;
}

export interface LocalModel {
  /** Model id as offered in `/v1/models`, e.g. `local/stories260K`. */
  readonly id: string;
  /**
   * Starts a generation. Throws `VeilError('local_model_busy')` (503 + Retry-After) when all
   * sequences are busy and the wait queue is full. Aborting `signal` stops generation and frees
   * the sequence.
   */
  generate(chat: CanonicalChat, signal: AbortSignal): Promise<LocalGeneration>;
  /** Embeddings (later issue); optional. */
  embed?(inputs: string[], signal: AbortSignal): Promise<{ vectors: number[][]; tokens: number }>;
  close(): Promise<void>;
}
