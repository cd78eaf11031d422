import { describe, expect, it } from 'vitest';
import { createPolicyRefresher } from './refresh.ts';

function fixture(intervalMs: number) {
  let clock = 0;
  let stamp = 's0';
  let stampReads = 0;
  let reloads = 0;
  let failStamp = false;
  const errors: unknown[] = [];
  const refresher = createPolicyRefresher(
    { reload: async () => void reloads++ },
    async () => {
      stampReads++;
      if (failStamp) throw new Error('D1 unreachable');
      return stamp;
    },
    { intervalMs, initialStamp: 's0', now: () => clock, onError: (e) => errors.push(e) },
  );
  return {
    refresher,
    advance: (ms: number) => void (clock += ms),
    setStamp: (s: string) => void (stamp = s),
    fail: (f: boolean) => void (failStamp = f),
    counts: () => ({ stampReads, reloads, errors: errors.length }),
  };
}

describe('policy refresher', () => {
  it('reads the fingerprint at most once per interval and reloads only when it changed', async () => {
    const f = fixture(5000);
    await f.refresher.maybeRefresh();
    expect(f.counts()).toEqual({ stampReads: 0, reloads: 0, errors: 0 });
    f.setStamp('s1');
    f.advance(4999);
    await f.refresher.maybeRefresh();
    expect(f.counts().reloads).toBe(0); // within the bound: may still be stale
    f.advance(1);
    await f.refresher.maybeRefresh();
    expect(f.counts()).toEqual({ stampReads: 1, reloads: 1, errors: 0 });
    f.advance(5000);
    await f.refresher.maybeRefresh();
    expect(f.counts()).toEqual({ stampReads: 2, reloads: 1, errors: 0 });
  });

  it('shares one check between concurrent callers', async () => {
    const f = fixture(0);
    f.setStamp('s1');
    await Promise.all([f.refresher.maybeRefresh(), f.refresher.maybeRefresh(), f.refresher.maybeRefresh()]);
    expect(f.counts()).toEqual({ stampReads: 1, reloads: 1, errors: 0 });
  });

  it('keeps the set in force when the check fails, and retries at the next interval', async () => {
    const f = fixture(1000);
    f.fail(true);
    f.advance(1000);
    await expect(f.refresher.maybeRefresh()).resolves.toBeUndefined();
    expect(f.counts()).toEqual({ stampReads: 1, reloads: 0, errors: 1 });
    f.fail(false);
    f.setStamp('s2');
    f.advance(1000);
    await f.refresher.maybeRefresh();
    expect(f.counts()).toEqual({ stampReads: 2, reloads: 1, errors: 1 });
  });
});
