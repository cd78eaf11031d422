/**
 * @module http/rate-limit.sql
 * The per-key rate limit kept in the database (`rate_limit_windows`, migration 0003), so a key's
 * `rateLimitRpm` holds across Node gateway processes on one SQLite file and across Workers
 * isolates on one D1: the SQL, its parameters and the reading of its answer, shared by the
 * better-sqlite3 limiter (`rate-limit.sqlite.node.ts`) and the D1 one (`rate-limit.d1.ts`) behind
 * a one-method port. Runtime-agnostic.
 *
 * A sliding minute estimated from two fixed one-minute windows: a request at fraction `f` of the
 * current minute is granted when `prev × (1 − f) + cur < rpm`. One upsert per request rolls the
 * windows forward, decides, counts and returns the numbers; SQLite runs a statement under its
 * write lock and D1 runs each statement alone, so two processes or isolates can never both take
 * the last slot. A refused request is not counted: a client retrying hard after its 429 cannot
 * lock itself out for good, and the Retry-After it was given stays true.
 *
 * Fails closed: when the database cannot answer, the request is refused with 503
 * `rate_limit_unavailable` (audited like any refusal), never let through unlimited.
 */
import { VeilError } from '../util/errors.ts';
import { silentLogger, type Logger } from '../util/log.ts';
import type { RateLimiter, RateLimitResult } from './key-limits.ts';

const MINUTE_MS = 60_000;

// The stored counts as they stand in the caller's minute (`excluded.minute`): the row's windows
// rolled forward. A row already in a later minute (another process's clock slightly ahead) is
// read as the current window, never as a reset that would hand out a fresh minute.
const PREV = 'CASE WHEN minute >= excluded.minute THEN prev_count WHEN minute = excluded.minute - 1 THEN cur_count ELSE 0 END';
const CUR = 'CASE WHEN minute >= excluded.minute THEN cur_count ELSE 0 END';
/** 1 when granted; binds (weight, rpm). */
const GRANT = `((${PREV}) * ? + (${CUR}) < ?)`;

export const RATE_LIMIT_SQL = {
  /**
   * `takeParams(...)`. A key's first request inserts its row (granted: rpm ≥ 1). In DO UPDATE
   * every right-hand side reads the row as it was before this statement, so PREV/CUR/GRANT all
   * see the same old counts. One row per key, rewritten in place: the table is bounded by the
   * number of limited keys and needs no pruning job.
   */
  take: `INSERT INTO rate_limit_windows (key_id, minute, cur_count, prev_count, taken) VALUES (?, ?, 1, 0, 1)
ON CONFLICT (key_id) DO UPDATE SET
  minute = MAX(minute, excluded.minute),
  prev_count = ${PREV},
  cur_count = ${CUR} + ${GRANT},
  taken = ${GRANT}
RETURNING minute, cur_count, prev_count, taken`,
} as const;

/** What `RATE_LIMIT_SQL.take` returns: the counts after this request (`cur_count` includes it when taken). */
export interface RateLimitRow {
  minute: number;
  cur_count: number;
  prev_count: number;
  taken: number;
}

export type TakeParams = [keyId: string, minute: number, weight: number, rpm: number, weight2: number, rpm2: number];

/** Runs `RATE_LIMIT_SQL.take` with the given parameters and returns its one row. */
export type RateLimitPort = (params: TakeParams) => Promise<RateLimitRow | null | undefined>;

/** The bound values of `RATE_LIMIT_SQL.take` at `nowMs`, and how far into its minute that is. */
export function takeParams(keyId: string, rpm: number, nowMs: number): { params: TakeParams; elapsedMs: number } {
  const minute = Math.floor(nowMs / MINUTE_MS);
  const elapsedMs = nowMs - minute * MINUTE_MS;
  const weight = 1 - elapsedMs / MINUTE_MS;
  return { params: [keyId, minute, weight, rpm, weight, rpm], elapsedMs };
}

/**
 * Whole seconds until a request refused with these counts would be granted, if nothing else
 * came: the smallest whole number strictly after that moment (the test is strict `<`), at least 1.
 * With `cur < rpm` the previous window's weight fades enough within this minute; otherwise the
 * next minute must begin and `cur`, then its previous window, fade below `rpm`.
 */
export function retryAfterSec(prev: number, cur: number, rpm: number, elapsedMs: number): number {
  const f = elapsedMs / MINUTE_MS;
  const waitMinutes = cur < rpm && prev > 0 ? 1 - (rpm - cur) / prev - f : 1 - f + (cur > 0 ? Math.max(0, 1 - rpm / cur) : 0);
  return Math.max(1, Math.floor((Math.max(0, waitMinutes) * MINUTE_MS) / 1000) + 1);
}

/** How a refusal or failure reads; no key id or count that is not the client's own. */
const unavailable = () =>
  new VeilError('rate_limit_unavailable', "This key's rate limit could not be checked, so the request was refused; retry shortly.");

export interface SqlRateLimiterOptions {
  /** Wall clock (ms since the epoch): windows are whole Unix minutes, shared by every process. */
  now?: () => number;
  log?: Logger;
}

/**
 * The database limiter over a port that runs `RATE_LIMIT_SQL.take`. A failing or empty answer
 * throws `VeilError('rate_limit_unavailable')` (503), so the request is refused and audited.
 *
 * @example
 * const limiter = createSqlRateLimiter((p) => db.prepare(RATE_LIMIT_SQL.take).bind(...p).first());
 * await limiter.take(key.id, 60); // { ok: true } or { ok: false, retryAfterSec: 12 }
 */
export function createSqlRateLimiter(run: RateLimitPort, opts: SqlRateLimiterOptions = {}): RateLimiter {
  const now = opts.now ?? (() => Date.now());
  const log = opts.log ?? silentLogger;
  return {
    async take(keyId, rpm): Promise<RateLimitResult> {
      const { params, elapsedMs } = takeParams(keyId, rpm, now());
      let row: RateLimitRow | null | undefined;
      try {
        row = await run(params);
      } catch (e) {
        // The error's name only: driver messages may quote SQL and bound values.
        log.log('error', 'rate limit store failed; refusing the request', { error: (e as Error)?.name ?? 'unknown' });
        throw unavailable();
      }
      if (!row) {
        log.log('error', 'rate limit store returned no row; refusing the request', {});
        throw unavailable();
      }
      if (row.taken) return { ok: true };
      return { ok: false, retryAfterSec: retryAfterSec(row.prev_count, row.cur_count, rpm, elapsedMs) };
    },
  };
}
