/**
 * @module http/key-limits
 * Per-key limits the gateway enforces before a request is inspected: requests per minute
 * (a token bucket per key: a full minute's worth may burst, then it refills evenly) and the
 * models a key may name. This in-memory limiter is per process (per isolate on Workers): exact
 * for one Node gateway, not shared across several. The database limiter
 * (`rate-limit.sql.ts`, the default: `limits.rate_limit_store`) holds across them.
 */
import type { GatewayKey } from '../keys/types.ts';

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSec: number };

export interface RateLimiter {
  /**
   * Takes one request from the key's allowance: `ok`, or how many seconds until one is free.
   * Async because the shared limiter asks the database; rejects (fail closed) when it cannot.
   */
  take(keyId: string, rpm: number): Promise<RateLimitResult>;
}

/**
 * @example
 * const limiter = createRateLimiter();
 * const r = await limiter.take(key.id, 60); // { ok: true } or { ok: false, retryAfterSec: 1 }
 */
export function createRateLimiter(now: () => number = () => Date.now()): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number; rpm: number }>();
  let sweepAt = now() + 60_000;
  return {
    async take(keyId, rpm) {
      const t = now();
      if (t > sweepAt) {
        // Forget buckets that are full again, so idle keys cost no memory.
        for (const [k, b] of buckets) if (t - b.at > 60_000) buckets.delete(k);
        sweepAt = t + 60_000;
      }
      let b = buckets.get(keyId);
      if (!b || b.rpm !== rpm) buckets.set(keyId, (b = { tokens: rpm, at: t, rpm }));
      const perMs = rpm / 60_000;
      b.tokens = Math.min(rpm, b.tokens + (t - b.at) * perMs);
      b.at = t;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
  };
}

/** Whether the key may use `model`; names ending in `*` match by prefix. No list = any model. */
export function modelAllowed(key: Pick<GatewayKey, 'allowedModels'>, model: string): boolean {
  const list = key.allowedModels;
  if (!list || list.length === 0) return true;
  return list.some((m) => (m.endsWith('*') ? model.startsWith(m.slice(0, -1)) : m === model));
}
