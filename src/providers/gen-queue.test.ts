import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGenQueue, type GenSlot } from './gen-queue.ts';
import { VeilError } from '../util/errors.ts';

/** Settles pending microtasks so resolved acquires are observable. */
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function track<T>(p: Promise<T>) {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  p.then(
    (v) => Object.assign(state, { value: v, settled: true }),
    (e: unknown) => Object.assign(state, { error: e, settled: true }),
  );
  return state;
}

describe('createGenQueue', () => {
  it('grants up to `slots` at once with distinct indices, then queues', async () => {
    const q = createGenQueue({ slots: 2, maxQueue: 4 });
    const a = await q.acquire();
    const b = await q.acquire();
    expect(new Set([a.index, b.index])).toEqual(new Set([0, 1]));
    const c = track(q.acquire());
    await tick();
    expect(c.settled).toBe(false);
    expect(q.stats()).toMatchObject({ active: 2, waiting: 1 });
    a.release();
    await tick();
    expect(c.value?.index).toBe(a.index);
    expect(q.stats()).toMatchObject({ active: 2, waiting: 0 });
  });

  it('serves waiters first-in first-out', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 3 });
    const first = await q.acquire();
    const order: string[] = [];
    const w = ['x', 'y', 'z'].map((name) => q.acquire().then((s) => (order.push(name), s)));
    first.release();
    (await w[0]).release();
    (await w[1]).release();
    (await w[2]).release();
    expect(order).toEqual(['x', 'y', 'z']);
    expect(q.stats()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('refuses beyond maxQueue with local_model_busy, 503 and a Retry-After', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 1, retryAfterSeconds: () => 2.3 });
    await q.acquire();
    void q.acquire();
    const err = await q.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VeilError);
    const ve = err as VeilError;
    expect(ve.code).toBe('local_model_busy');
    expect(ve.status).toBe(503);
    expect(ve.retryAfter).toBe(3);
    expect(q.stats()).toMatchObject({ active: 1, waiting: 1 });
  });

  it('maxQueue 0 refuses as soon as every slot is held', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 0 });
    await q.acquire();
    await expect(q.acquire()).rejects.toMatchObject({ code: 'local_model_busy', retryAfter: 1 });
  });

  it('an aborted waiter leaves the queue and frees its place', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 1 });
    const held = await q.acquire();
    const ac = new AbortController();
    const waiting = q.acquire(ac.signal);
    expect(q.stats().waiting).toBe(1);
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'client_closed' });
    expect(q.stats().waiting).toBe(0);
    // The freed place is usable, and the released slot goes to the new waiter, not the aborted one.
    const next = track(q.acquire());
    held.release();
    await tick();
    expect(next.value?.index).toBe(held.index);
  });

  it('rejects an already-aborted signal without taking a slot', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 1 });
    await expect(q.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'client_closed' });
    expect(q.stats()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('release is idempotent: a double release does not mint an extra slot', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 0 });
    const s = await q.acquire();
    s.release();
    s.release();
    await q.acquire();
    await expect(q.acquire()).rejects.toMatchObject({ code: 'local_model_busy' });
  });

  it('close rejects waiters and refuses new acquires', async () => {
    const q = createGenQueue({ slots: 1, maxQueue: 2 });
    await q.acquire();
    const w = q.acquire();
    q.close();
    await expect(w).rejects.toMatchObject({ code: 'local_model_unavailable' });
    await expect(q.acquire()).rejects.toMatchObject({ code: 'local_model_unavailable' });
  });

  it('validates its options', () => {
    expect(() => createGenQueue({ slots: 0, maxQueue: 1 })).toThrow(RangeError);
    expect(() => createGenQueue({ slots: 1, maxQueue: -1 })).toThrow(RangeError);
  });

  it('never exceeds its bounds under random acquire/release/abort interleavings', async () => {
    type Op = { kind: 'acquire'; abortLater: boolean } | { kind: 'release'; pick: number } | { kind: 'abort'; pick: number };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('acquire' as const), abortLater: fc.boolean() }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.array(op, { maxLength: 40 }), async (slots, maxQueue, ops: Op[]) => {
        const q = createGenQueue({ slots, maxQueue });
        const held: GenSlot[] = [];
        const controllers: AbortController[] = [];
        let pending = 0;
        let refused = 0;
        for (const o of ops) {
          if (o.kind === 'acquire') {
            const ac = new AbortController();
            if (o.abortLater) controllers.push(ac);
            const before = q.stats();
            const refusedBefore = refused;
            pending++;
            q.acquire(ac.signal).then(
              (s) => (pending--, held.push(s)),
              (e: VeilError) => (pending--, e.code === 'local_model_busy' && refused++),
            );
            await tick();
            // Refused exactly when every slot was held and the queue was full.
            expect(refused - refusedBefore).toBe(before.active === slots && before.waiting === maxQueue ? 1 : 0);
          } else if (o.kind === 'release' && held.length > 0) {
            held.splice(o.pick % held.length, 1)[0]!.release();
          } else if (o.kind === 'abort' && controllers.length > 0) {
            controllers.splice(o.pick % controllers.length, 1)[0]!.abort();
          }
          await tick();
          const st = q.stats();
          expect(st.active).toBeLessThanOrEqual(slots);
          expect(st.waiting).toBeLessThanOrEqual(maxQueue);
          expect(st.active).toBe(held.length);
          expect(new Set(held.map((h) => h.index)).size).toBe(held.length);
          // A waiter exists only while every slot is held.
          if (st.waiting > 0) expect(st.active).toBe(slots);
          expect(pending).toBe(st.waiting);
        }
        // Draining everything always empties the queue: nobody is left hanging.
        for (const c of controllers) c.abort();
        while (held.length > 0 || q.stats().waiting > 0) {
          held.pop()?.release();
          await tick();
        }
        expect(q.stats()).toMatchObject({ active: 0, waiting: 0 });
      }),
      { numRuns: 60 },
    );
  });
});
