/**
 * @module http/rate-limit.d1
 * The shared per-key rate limit in D1: the SQL and the reading of its answer are
 * `rate-limit.sql.ts`'s, so every Workers isolate of a deployment shares each key's limit (one
 * upsert per request of a limited key; D1 runs each statement alone, so it is atomic).
 */
import type { D1Database } from '../audit/d1.ts';
import type { RateLimiter } from './key-limits.ts';
import { createSqlRateLimiter, RATE_LIMIT_SQL, type RateLimitRow, type SqlRateLimiterOptions } from './rate-limit.sql.ts';

/**
 * @example
 * const limiter = createD1RateLimiter(env.DB);
 * await limiter.take(key.id, 60); // { ok: true } or { ok: false, retryAfterSec: 12 }
 */
export function createD1RateLimiter(db: D1Database, opts: SqlRateLimiterOptions = {}): RateLimiter {
  return createSqlRateLimiter((params) => db.prepare(RATE_LIMIT_SQL.take).bind(...params).first<RateLimitRow>(), opts);
}
