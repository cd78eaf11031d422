/**
 * @module providers/gen-queue
 * A bounded concurrency gate for generations: N slots (one per model context sequence), a bounded
 * FIFO of waiters, and a fast refusal when both are full. It exists so an overloaded local model
 * answers 503 + Retry-After at once instead of piling up requests until clients time out.
 * Runtime-agnostic (no Node APIs): a Workers-hosted model backend can use it too.
 *
 * @example
 * const queue = createGenQueue({ slots: 2, maxQueue: 16 });
 * const slot = await queue.acquire(signal); // may throw VeilError local_model_busy / client_closed
 * try { useSequence(slot.index); } finally { slot.release(); }
 */

import { VeilError } from '../util/errors.ts';

export interface GenQueueOptions {
  /** Concurrent holders; each gets a distinct `index` in `[0, slots)`. */
  slots: number;
  /** Waiters allowed beyond the slots; one more is refused with `local_model_busy`. */
  maxQueue: number;
  /** Seconds for `Retry-After` on refusal; a function lets the owner estimate from recent timings. */
  retryAfterSeconds?: number | (() => number);
}

export interface GenSlot {
  /** Which slot is held; stable while held, so the owner can map it to a context sequence. */
  readonly index: number;
  /** Gives the slot to the next waiter (FIFO) or back to the pool. Idempotent. */
  release(): void;
}

export interface GenQueueStats {
  active: number;
  waiting: number;
  slots: number;
  maxQueue: number;
}

export interface GenQueue {
  /**
   * Waits for a free slot. Rejects with `VeilError('local_model_busy')` (with `retryAfter`) when all
   * slots are held and the queue is full, with `VeilError('client_closed')` when `signal` aborts
   * before a slot is granted (the waiter leaves the queue), and with
   * `VeilError('local_model_unavailable')` once the queue is closed.
   */
  acquire(signal?: AbortSignal): Promise<GenSlot>;
  stats(): GenQueueStats;
  /** Refuses new acquires and rejects every waiter; held slots stay valid until released. */
  close(): void;
}

interface Waiter {
  grant(index: number): void;
  fail(err: VeilError): void;
}

export function createGenQueue(opts: GenQueueOptions): GenQueue {
  if (!Number.isInteger(opts.slots) || opts.slots < 1) throw new RangeError('gen-queue: slots must be an integer >= 1');
  if (!Number.isInteger(opts.maxQueue) || opts.maxQueue < 0) throw new RangeError('gen-queue: maxQueue must be an integer >= 0');

  // Lowest index first, so with light load the same sequence is reused and others stay cold.
  const free: number[] = Array.from({ length: opts.slots }, (_, i) => i);
  const waiters: Waiter[] = [];
  let closed = false;

  const retryAfter = (): number => {
    const r = typeof opts.retryAfterSeconds === 'function' ? opts.retryAfterSeconds() : opts.retryAfterSeconds ?? 1;
    return Number.isFinite(r) && r >= 1 ? Math.ceil(r) : 1;
  };

  const makeSlot = (index: number): GenSlot => {
    let released = false;
    return {
      index,
      release() {
        if (released) return;
        released = true;
        // Hand the slot straight to the oldest waiter so a newcomer cannot barge past the queue.
        const next = waiters.shift();
        if (next) next.grant(index);
        else {
          free.push(index);
          free.sort((a, b) => a - b);
        }
      },
    };
  };

  return {
    acquire(signal) {
      if (closed) return Promise.reject(new VeilError('local_model_unavailable', 'local model is shutting down'));
      if (signal?.aborted) {
        return Promise.reject(new VeilError('client_closed', 'request aborted before the local model started'));
      }
      const index = free.shift();
      if (index !== undefined) return Promise.resolve(makeSlot(index));
      if (waiters.length >= opts.maxQueue) {
        const s = opts.slots;
        return Promise.reject(
          new VeilError(
            'local_model_busy',
            `local model is busy: ${s} generation${s === 1 ? '' : 's'} running and ${waiters.length} waiting; retry later`,
            { retryAfter: retryAfter() },
          ),
        );
      }
      return new Promise<GenSlot>((resolve, reject) => {
        const onAbort = (): void => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          reject(new VeilError('client_closed', 'request aborted while waiting for the local model'));
        };
        const waiter: Waiter = {
          grant(i) {
            signal?.removeEventListener('abort', onAbort);
            resolve(makeSlot(i));
          },
          fail(err) {
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          },
        };
        waiters.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    stats() {
      return { active: opts.slots - free.length, waiting: waiters.length, slots: opts.slots, maxQueue: opts.maxQueue };
    },
    close() {
      closed = true;
      for (const w of waiters.splice(0)) w.fail(new VeilError('local_model_unavailable', 'local model is shutting down'));
    },
  };
}
