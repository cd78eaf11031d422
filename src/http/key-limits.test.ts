import { describe, expect, it } from 'vitest';
import { createRateLimiter, modelAllowed } from './key-limits.ts';

describe('rate limiter', () => {
  it('allows a minute worth at once, then refuses with a retry delay, and refills evenly', async () => {
    let t = 1_000_000;
    const rl = createRateLimiter(() => t);
    for (let i = 0; i < 3; i++) expect(await rl.take('k', 3)).toEqual({ ok: true });
    const r = await rl.take('k', 3);
    expect(r).toEqual({ ok: false, retryAfterSec: 20 });
    t += 19_000;
    expect((await rl.take('k', 3)).ok).toBe(false);
    t += 1_000;
    expect(await rl.take('k', 3)).toEqual({ ok: true });
    expect(await rl.take('other', 3)).toEqual({ ok: true }); // per key
  });

  it('starts over when the limit changes and forgets idle keys', async () => {
    let t = 0;
    const rl = createRateLimiter(() => t);
    expect((await rl.take('k', 1)).ok).toBe(true);
    expect((await rl.take('k', 1)).ok).toBe(false);
    expect((await rl.take('k', 5)).ok).toBe(true);
    t += 120_000;
    expect((await rl.take('k', 1)).ok).toBe(true);
  });
});

describe('allowed models', () => {
  it('matches exact names and prefix patterns; no list means any model', () => {
    expect(modelAllowed({ allowedModels: null }, 'x')).toBe(true);
    expect(modelAllowed({}, 'x')).toBe(true);
    expect(modelAllowed({ allowedModels: ['gpt-4o', 'claude-*'] }, 'gpt-4o')).toBe(true);
    expect(modelAllowed({ allowedModels: ['gpt-4o', 'claude-*'] }, 'gpt-4o-mini')).toBe(false);
    expect(modelAllowed({ allowedModels: ['gpt-4o', 'claude-*'] }, 'claude-haiku-4-5')).toBe(true);
  });
});
