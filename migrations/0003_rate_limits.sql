-- Veil schema 0003: per-key rate limit counts, shared by every Node gateway process and Workers
-- isolate on one database (src/http/rate-limit.sql.ts). Plain SQLite (also applied by wrangler
-- to D1).

-- One row per gateway key that has a limit (gateway_keys.rate_limit_rpm): the requests granted
-- in the current one-minute window and in the window before it, from which a sliding minute is
-- estimated. Each request rewrites its key's row in place (one atomic upsert), rolling the
-- windows forward as minutes pass, so the table never holds more than one row per limited key
-- and needs no pruning. Holds key ids and counts only.
CREATE TABLE IF NOT EXISTS rate_limit_windows (
  key_id      TEXT    PRIMARY KEY,
  -- The current window: Unix time in whole minutes (floor(ms / 60000)).
  minute      INTEGER NOT NULL,
  cur_count   INTEGER NOT NULL,
  prev_count  INTEGER NOT NULL,
  -- Whether the last take was granted (1) or refused (0): how the upsert tells its caller.
  taken       INTEGER NOT NULL
);
