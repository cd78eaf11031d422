/**
 * @module dialects/stream-event
 * What every dialect's stream transform does first with an upstream event: read its JSON object.
 * Shared so the three dialects agree on the one rule that matters for privacy: an event whose
 * data cannot be parsed is never forwarded when something needs restoring or guarding (its text
 * could carry a placeholder or a secret we could not see), and is recorded as an upstream error.
 */
import { sseJson, type SseEvent } from '../util/sse.ts';
import type { AnswerTransforms, StreamStats } from './types.ts';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The event's JSON object, or what to do with an event that has none: `forward` it unchanged
 * (malformed data on the identity path, where nothing needed restoring) or `drop` it.
 */
export function eventJson(ev: SseEvent, t: AnswerTransforms, stats: StreamStats): Obj | 'forward' | 'drop' {
  let json: unknown;
  try {
    json = sseJson(ev);
  } catch {
    stats.upstreamError = 'malformed SSE data from upstream';
    return t.identity ? 'forward' : 'drop';
  }
  return isObj(json) ? json : 'drop';
}
