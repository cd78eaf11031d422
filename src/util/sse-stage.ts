/**
 * @module util/sse-stage
 * A stream stage written as a step function instead of an async generator. A generator costs a
 * promise per event; this iterator also implements `takeReady`, so the events one upstream read
 * brought run through the step and on to the client with no promise each, and `next()` awaits
 * only when none is at hand. The chat, Anthropic and Responses answer streams are steps run by it.
 * It keeps a generator loop's contract: the step's `end` runs when the source ends (not when it
 * fails or the stage is closed early), and a throwing step ends the stage after closing its source.
 */
import type { ReadyIterator, SseEvent } from './sse.ts';

export interface SseStep {
  /** One upstream event: pushes the events it gives to `out` (none, itself, or several). */
  feed(ev: SseEvent, out: SseEvent[]): void;
  /** The source ended: pushes what is still held back. */
  end(out: SseEvent[]): void;
}

/** `events` through `step`, as an iterable whose iterator hands over ready events synchronously. */
export function sseStage(events: AsyncIterable<SseEvent>, step: SseStep): AsyncIterable<SseEvent> {
  return { [Symbol.asyncIterator]: () => new Stage(events[Symbol.asyncIterator](), step) };
}

class Stage implements ReadyIterator {
  readonly #src: ReadyIterator;
  readonly #step: SseStep;
  /** The events the last step gave, handed out in order; one array per stream, not per event. */
  readonly #out: SseEvent[] = [];
  #at = 0;
  #done = false;

  constructor(src: AsyncIterator<SseEvent>, step: SseStep) {
    this.#src = src;
    this.#step = step;
  }

  async next(): Promise<IteratorResult<SseEvent>> {
    for (;;) {
      const ev = this.#takeOut();
      if (ev !== undefined) return { done: false, value: ev };
      if (this.#done) return { done: true, value: undefined };
      let r: IteratorResult<SseEvent>;
      try {
        r = await this.#src.next();
      } catch (e) {
        this.#done = true;
        throw e;
      }
      if (r.done) this.#done = true;
      this.#run(r.done ? null : r.value);
    }
  }

  takeReady(): SseEvent | undefined {
    for (;;) {
      const ev = this.#takeOut();
      if (ev !== undefined || this.#done) return ev;
      const next = this.#src.takeReady?.();
      if (next === undefined) return undefined;
      this.#run(next);
    }
  }

  async return(): Promise<IteratorResult<SseEvent>> {
    this.#done = true;
    this.#out.length = 0;
    this.#at = 0;
    await this.#src.return?.();
    return { done: true, value: undefined };
  }

  #takeOut(): SseEvent | undefined {
    if (this.#at < this.#out.length) return this.#out[this.#at++];
    if (this.#at !== 0) {
      this.#out.length = 0;
      this.#at = 0;
    }
    return undefined;
  }

  /** One source event through the step, or the source's end (null). */
  #run(ev: SseEvent | null): void {
    try {
      if (ev === null) this.#step.end(this.#out);
      else this.#step.feed(ev, this.#out);
    } catch (e) {
      this.#done = true;
      this.#src.return?.().catch(() => {});
      throw e;
    }
  }
}
