import { describe, expect, it } from 'vitest';
import { sseStage, type SseStep } from './sse-stage.ts';
import type { ReadyIterator, SseEvent } from './sse.ts';

/** A source holding `ready` events at hand (takeReady), then `later` ones only through next(). */
function source(ready: string[], later: string[], fail?: Error) {
  const log: string[] = [];
  const now = ready.map((data) => ({ data }));
  const rest = later.map((data) => ({ data }));
  const it: ReadyIterator = {
    takeReady: () => now.shift(),
    async next() {
      const ev = now.shift() ?? rest.shift();
      if (ev) return { done: false, value: ev };
      if (fail) throw fail;
      return { done: true, value: undefined };
    },
    async return() {
      log.push('return');
      return { done: true, value: undefined };
    },
  };
  return { events: { [Symbol.asyncIterator]: () => it }, log };
}

/** Doubles every event, and at the end gives one event saying how many it saw. */
function doubling(): SseStep & { seen: number } {
  return {
    seen: 0,
    feed(ev: SseEvent, out: SseEvent[]) {
      this.seen++;
      if (ev.data === 'boom') throw new Error('step failed');
      out.push(ev, { data: `${ev.data}!` });
    },
    end(out: SseEvent[]) {
      out.push({ data: `end ${this.seen}` });
    },
  };
}

describe('sseStage', () => {
  it('hands over the events the source has at hand without a promise, in order, and the end after the last', async () => {
    const { events } = source(['a', 'b'], ['c']);
    const it = sseStage(events, doubling())[Symbol.asyncIterator]() as ReadyIterator;
    expect([it.takeReady!(), it.takeReady!(), it.takeReady!(), it.takeReady!(), it.takeReady!()].map((e) => e?.data)).toEqual(['a', 'a!', 'b', 'b!', undefined]);
    const rest: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.data);
    expect(rest).toEqual(['c', 'c!', 'end 3']);
  });

  it('runs no end when the source fails or the stage is closed early; a failing step closes the source', async () => {
    const failing = source([], ['a'], new Error('upstream gone'));
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const ev of sseStage(failing.events, doubling())) out.push(ev.data);
      })(),
    ).rejects.toThrow('upstream gone');
    expect(out).toEqual(['a', 'a!']);

    const early = source(['a', 'b'], []);
    for await (const ev of sseStage(early.events, doubling())) if (ev.data === 'a!') break;
    expect(early.log).toEqual(['return']);

    const throwing = source([], ['a', 'boom', 'c']);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const ev of sseStage(throwing.events, doubling())) seen.push(ev.data);
      })(),
    ).rejects.toThrow('step failed');
    expect(seen).toEqual(['a', 'a!']);
    expect(throwing.log).toEqual(['return']);
  });
});
