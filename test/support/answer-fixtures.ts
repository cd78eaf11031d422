/**
 * @module test/support/answer-fixtures
 * What the dialects' answer tests share: two placeholders with the values they stand for (one an
 * e-mail, one a name with JSON-hostile quotes), the answer transforms that restore them (and the
 * identity ones), and small helpers to feed an upstream stream in pieces and collect what comes out.
 */
import fc from 'fast-check';
import { answerTransforms } from '../../src/pipeline/answer-transforms.ts';
import type { SseEvent } from '../../src/util/sse.ts';
import { EMAIL } from './samples.ts';

export { EMAIL };
export const PH = '<EMAIL_3KQ7ZP>';
export const NAME = 'Kim "K" Lee';
export const PH2 = '<PERSON_7Q2M4X>';
/** Restores `PH` → `EMAIL` and `PH2` → `NAME`. */
export const restoring = answerTransforms(
  new Map([
    [PH, EMAIL],
    [PH2, NAME],
  ]),
  null,
);
/** Nothing to restore: answers must come out as they went in. */
export const identity = answerTransforms(new Map(), null);
/** An API-key-like secret a model may write, which `guarding` masks. */
export const SECRET_KEY = `sk-${'Zq8v'.repeat(6)}`;
/** Restores both placeholders and masks an API-key-like secret the model writes (the output guard). */
export const guarding = answerTransforms(
  new Map([
    [PH, EMAIL],
    [PH2, NAME],
  ]),
  (text) => [...text.matchAll(/sk-[A-Za-z0-9]{20,}/g)].map((m) => ({ type: 'SECRET', start: m.index, end: m.index + m[0].length, score: 0.9, detector: 'test' })),
);
/** Answer texts for stream properties: placeholders, the secret, JSON-hostile and non-BMP characters, U+2028. */
export const streamTexts = fc
  .array(fc.constantFrom('Hello ', 'world', PH, PH2, SECRET_KEY, ' ', '"quoted"', '\\', '가나', '😀', '<b>', '\n', '\u2028'), { maxLength: 12 })
  .map((p) => p.join(''));
/** Tool-argument JSON documents holding placeholders, for stream properties. */
export const jsonDocs = fc.array(fc.constantFrom(PH, PH2, 'x', '"', 'é'), { maxLength: 4 }).map((v) => JSON.stringify({ to: v, note: v.join(' ') }));

export async function collect(it: AsyncIterable<SseEvent>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

export async function* from(events: SseEvent[]): AsyncIterable<SseEvent> {
  yield* events;
}

/** `s` cut into pieces of `size` UTF-16 units (the last one shorter), to test every split point. */
export function split(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}
