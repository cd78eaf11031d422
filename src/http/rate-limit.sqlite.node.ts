/**
 * @module http/rate-limit.sqlite.node
 * The shared per-key rate limit on the gateway's SQLite file (better-sqlite3): the SQL and the
 * reading of its answer are `rate-limit.sql.ts`'s, so several Node gateway processes on one file
 * share each key's limit. The statement runs synchronously (one short write under SQLite's lock,
 * waiting out another process's lock up to the busy timeout) behind the async interface.
 */
import type { Database } from 'better-sqlite3';
import type { RateLimiter } from './key-limits.ts';
import { createSqlRateLimiter, RATE_LIMIT_SQL, type RateLimitRow, type SqlRateLimiterOptions, type TakeParams } from './rate-limit.sql.ts';

/**
 * @example
 * const limiter = createSqliteRateLimiter(openDatabase('./data/veil.db'));
 * await limiter.take(key.id, 60); // { ok: true } or { ok: false, retryAfterSec: 12 }
 */
export function createSqliteRateLimiter(db: Database, opts: SqlRateLimiterOptions = {}): RateLimiter {
  const take = db.prepare<TakeParams, RateLimitRow>(RATE_LIMIT_SQL.take);
  return createSqlRateLimiter(async (params) => take.get(...params), opts);
}
