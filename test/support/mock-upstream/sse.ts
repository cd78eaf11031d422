/**
 * @module test/support/mock-upstream/sse
 * Server-sent-event framing and text chunking for the mock upstream. OpenAI Chat Completions
 * frames carry only `data:` lines and end with `data: [DONE]`; Anthropic Messages and OpenAI
 * Responses name every event (`event:` line) and have no terminator. Kept apart from the
 * dialect modules so every dialect frames bytes the same way.
 */

/** A `data:`-only frame, as Chat Completions sends. */
export function dataFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** A named frame (`event:` then `data:`), as Anthropic Messages and OpenAI Responses send. */
export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Chat Completions' end-of-stream sentinel. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/**
 * Splits `text` into pieces of at most `size` code points. Splitting by code point (not UTF-16
 * unit) because real providers never cut a surrogate pair in two, and a gateway that restores
 * placeholders should be tested on realistic splits. Empty text gives no pieces.
 */
export function chunkText(text: string, size: number): string[] {
  const step = Math.max(1, Math.floor(size));
  const points = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += step) out.push(points.slice(i, i + step).join(''));
  return out;
}

/**
 * Cuts a frame in the middle of its JSON payload and closes the event, so the result is a
 * syntactically complete SSE event whose data is not valid JSON: what a parser must reject.
 */
export function malformFrame(frame: string): string {
  const body = frame.replace(/\n\n$/, '');
  const cut = Math.max(body.indexOf('data: ') + 8, Math.floor(body.length / 2));
  return `${body.slice(0, cut)}\n\n`;
}
