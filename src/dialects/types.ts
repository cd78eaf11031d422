/**
 * @module dialects/types
 * A dialect is one client API shape (OpenAI chat, later Anthropic Messages, Responses…). It
 * knows where text lives in a request and an answer, and how to write answers and errors in its
 * wire format. It knows nothing of policies or providers: the pipeline hands it text transforms.
 */
import type { ProviderKind } from '../providers/remote.ts';
import type { CanonicalChat, FinishReason, LocalGeneration, LocalModel, Usage } from '../providers/types.ts';
import type { VeilError } from '../util/errors.ts';
import type { SseEvent } from '../util/sse.ts';

export type JsonObject = { [k: string]: unknown };
export type JsonPath = readonly (string | number)[];

/**
 * One text-bearing field of a request. `json` fields hold a JSON document as text (tool arguments).
 * `rewritable: false` marks a string that is inspected but must go upstream exactly as written,
 * because rewriting it would change what it means (a schema's property name, a `pattern` regex):
 * `location` says what it is ("a tool schema property name") for messages that name where a
 * finding is, never what. Such a slot is never written back; its path is for reference only (a
 * property name's path is its subschema's).
 */
export type TextSlot = {
  path: JsonPath;
  text: string;
  kind: 'text' | 'json';
} & ({ rewritable?: true } | { rewritable: false; location: string });

export interface ParsedRequest {
  model: string;
  stream: boolean;
  /** The client's body; the pipeline writes transformed text into a copy of it. */
  body: JsonObject;
  /** Every text-bearing field, in document order. Inspection covers all of them. */
  slots: TextSlot[];
  /** What the local model needs. */
  chat: CanonicalChat;
  /** Non-text parts (images, files) passed through untouched but counted in the audit. */
  opaqueParts: number;
  /**
   * Set by dialects whose upstream keeps answers and lets a request continue one (OpenAI
   * Responses): the answer (`previous_response_id`) or the conversation (Conversations API
   * `conversation`, which also keeps this turn) this request continues — at most one of the
   * two; the model may repeat their placeholders — and whether the upstream will keep this
   * request's answer for a later one to continue.
   */
  conversation?: { previousId: string | null; conversationId: string | null; stored: boolean };
}

/** A stateful transform for one streamed field (restore placeholders, guard output). */
export interface PieceTransform {
  push(piece: string): string;
  flush(): string;
}

/**
 * What the pipeline asks a dialect to apply to an answer. `identity` is true when nothing needs
 * restoring or guarding, so dialects can pass bytes through untouched (fast path).
 */
export interface AnswerTransforms {
  identity: boolean;
  text(s: string): string;
  json(s: string): string;
  stream(kind: 'text' | 'json'): PieceTransform;
}

export interface StreamStats {
  usage?: Usage;
  finishReason?: string;
  /** The upstream sent an error event inside a 200 stream. */
  upstreamError?: string;
  /**
   * Called once with the upstream's id for this answer (Responses `resp_…`), as soon as an event
   * carries it and before that event is passed on, so a client cannot continue the answer sooner.
   */
  onAnswerId?: (id: string) => void;
}

export interface Dialect {
  readonly id: string;
  /** Path of this API at the upstream, relative to the provider base URL (e.g. `/chat/completions`). */
  readonly upstreamPath: string;
  /** Wire format of the remote providers that can serve it; default `openai`. Local serves every dialect. */
  readonly providerKind?: ProviderKind;
  /** Client request headers forwarded upstream (lower-case), e.g. `anthropic-version`. Never auth headers. */
  readonly forwardHeaders?: readonly string[];
  /** Prefix of ids minted for local answers (`chatcmpl`, `msg`, `resp`); default `chatcmpl`. */
  readonly localIdPrefix?: string;
  /**
   * Answers a `local` decision itself instead of through `generate` + `renderLocal*` (embeddings,
   * token counting). Non-streamed JSON only.
   */
  answerLocally?(req: ParsedRequest, model: LocalModel, signal: AbortSignal): Promise<{ json: unknown; usage?: Usage }>;
  /** Validates the body; throws VeilError('invalid_request') naming the field. */
  parse(body: unknown): ParsedRequest;
  /** Writes transformed slot texts back into a copy of the body. */
  withTexts(req: ParsedRequest, texts: readonly string[]): JsonObject;
  /** Non-streamed upstream answer → answer for the client; `answerId` when a later request may continue it. */
  transformAnswer(json: unknown, t: AnswerTransforms): { json: unknown; usage?: Usage; answerId?: string };
  /** Streamed upstream answer → SSE events for the client. */
  transformStream(events: AsyncIterable<SseEvent>, t: AnswerTransforms, stats: StreamStats): AsyncIterable<SseEvent>;
  /** Local model output in this dialect. */
  renderLocal(text: string, meta: LocalMeta): unknown;
  renderLocalStream(
    gen: LocalGeneration,
    meta: Pick<LocalMeta, 'id' | 'model' | 'created'>,
    req: ParsedRequest,
    t: AnswerTransforms,
    stats: StreamStats,
  ): AsyncIterable<SseEvent>;
  renderError(err: VeilError): { status: number; body: unknown };
  /** An error after the stream started (headers already sent), as this dialect's error event. */
  renderStreamError(err: VeilError): SseEvent;
}

export interface LocalMeta {
  id: string;
  model: string;
  created: number;
  usage: Usage;
  finishReason: FinishReason;
}
