/**
 * @module test/support/mock-upstream/behaviours
 * What the mock upstream does with the next request, and how an answer is derived from it.
 *
 * Echo rule (the default, so tests can check that placeholders were restored):
 * - The "user text" is the text of the last user turn: Chat Completions — the last message with
 *   role `user` or `tool`; Anthropic — the last `user` message (its `text` blocks and the text of
 *   its `tool_result` blocks); Responses — `input` when it is a string, else the last `user`
 *   message item or `function_call_output` item. Several text parts are joined with `\n`.
 * - The answer text is `"echo: " + userText`. For Chat Completions with `n > 1`, choice `i`
 *   answers `"echo[i]: " + userText`.
 * - When the request declares tools (non-empty `tools`) and the user text contains `CALL_TOOL`,
 *   the answer is instead a call of the FIRST declared tool with arguments `{"to": userText}`
 *   (Chat: `tool_calls[0].function.arguments` is that JSON string; Anthropic: `tool_use.input`;
 *   Responses: a `function_call` item whose `arguments` is that JSON string).
 *
 * Faults: `stallBeforeHeaders`, `stallMidStream`, `resetMidStream`, `errorMidStream`,
 * `malformedSse` and `oversized` carry the echo answer (oversized: padded). "Chunks" counted by
 * `afterChunks` are SSE events (for Chat Completions, `data:` frames; the role chunk is chunk 0).
 * For a non-streaming request the JSON body is sent as two halves, so `afterChunks: 0` stops
 * after the headers and `afterChunks >= 1` after the first half.
 *
 * A refused connection is not a behaviour: close the mock (`mock.close()`) or use
 * `closedPortUrl()` from `index.ts`, and point the gateway at that URL.
 */

export interface ToolCallAnswer {
  name: string;
  arguments: Record<string, unknown>;
}

export type Behaviour =
  /** Answer derived from the request (see the module comment). */
  | { kind: 'echo' }
  /** Fixed answer text, e.g. containing placeholders such as `[EMAIL_1]`. */
  | { kind: 'reply'; text: string }
  /** A call of tool `name`; `text`, when given, is a text part sent before the call. */
  | { kind: 'toolCall'; name: string; arguments: Record<string, unknown>; text?: string }
  /**
   * HTTP error. `body` undefined → the dialect's own error body for `status`; a string is sent
   * raw; anything else as JSON. `headers` e.g. `{ 'retry-after': '2' }`.
   */
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Waits `ms` before sending anything (not even headers), then echoes. */
  | { kind: 'stallBeforeHeaders'; ms: number }
  /** Sends `afterChunks` chunks, waits `ms`, then sends the rest. */
  | { kind: 'stallMidStream'; afterChunks: number; ms: number }
  /** Sends `afterChunks` chunks, then destroys the socket (no clean end of the HTTP body). */
  | { kind: 'resetMidStream'; afterChunks: number }
  /**
   * Sends `afterChunks` chunks, then the dialect's in-stream error event (Anthropic
   * `event: error` overloaded_error; Chat `data: {"error":…}`; Responses `event: error`) and
   * ends. Non-streaming requests get HTTP 500 with the dialect's error body instead.
   */
  | { kind: 'errorMidStream'; afterChunks: number; message?: string }
  /** Streaming: one good event, then an event whose JSON is cut, then the body ends.
   * Non-streaming: HTTP 200 `application/json` whose body is the first half of the JSON. */
  | { kind: 'malformedSse' }
  /** A well-formed answer whose text is padded with `x` to at least `bytes` characters. */
  | { kind: 'oversized'; bytes: number };

/** Streaming knobs. */
export interface StreamTuning {
  /** Code points of text (or tool-argument JSON) per delta event; 1 = one-character chunks. */
  chunkSize: number;
  /** Pause between SSE events, in milliseconds. */
  delayMs: number;
}

/** What the dialect renders: text, a tool call, or both (text first). */
export interface Answer {
  text: string | null;
  toolCall: ToolCallAnswer | null;
}

/** What a dialect module extracted from the request to derive an echo answer. */
export interface EchoInput {
  userText: string;
  /** Name of the first declared tool, when the request declares any. */
  firstTool: string | null;
}

/** Minimum delta size for oversized answers, so a multi-megabyte body is not a million events. */
const OVERSIZED_CHUNK = 16_384;

/**
 * The answer for one choice. `n` is the number of choices requested (Chat Completions only) and
 * only changes the echo prefix.
 */
export function answerFor(b: Behaviour, echo: EchoInput, choice = 0, n = 1): Answer {
  if (b.kind === 'reply') return { text: b.text, toolCall: null };
  if (b.kind === 'toolCall') {
    return { text: b.text ?? null, toolCall: { name: b.name, arguments: b.arguments } };
  }
  if (echo.firstTool !== null && echo.userText.includes('CALL_TOOL')) {
    return { text: null, toolCall: { name: echo.firstTool, arguments: { to: echo.userText } } };
  }
  const prefix = n > 1 ? `echo[${choice}]: ` : 'echo: ';
  const text = prefix + echo.userText;
  if (b.kind === 'oversized') return { text: text + 'x'.repeat(Math.max(0, b.bytes - text.length)), toolCall: null };
  return { text, toolCall: null };
}

/** Chunk size to use for `b`: oversized answers use big deltas regardless of tuning. */
export function chunkSizeFor(b: Behaviour, tuning: StreamTuning): number {
  return b.kind === 'oversized' ? Math.max(tuning.chunkSize, OVERSIZED_CHUNK) : tuning.chunkSize;
}
