-- Veil schema 0001: audit log (hash-chained), audit checkpoints, gateway keys.
-- Plain SQLite: applied in order by src/db/migrate.node.ts (Node) and by
-- `wrangler d1 migrations apply` (D1). Both record applied files in d1_migrations.
-- No PRAGMA, no triggers, no BEGIN/COMMIT: the runner supplies the transaction.

-- One row per gateway request. Holds no prompt or answer text and no matched value.
-- seq orders records for display; (chain_id, chain_seq, prev_hash, hash) is the
-- tamper-evidence: each writer appends to its own chain (see docs/audit.md).
CREATE TABLE IF NOT EXISTS audit_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  chain_id    TEXT    NOT NULL,
  chain_seq   INTEGER NOT NULL,
  ts          TEXT    NOT NULL,
  request_id  TEXT    NOT NULL,
  key_id      TEXT,
  team        TEXT,
  endpoint    TEXT    NOT NULL,
  model       TEXT,
  decision    TEXT,
  route       TEXT    NOT NULL,
  provider    TEXT,
  policy_id   TEXT,
  policy_hash TEXT,
  findings    TEXT    NOT NULL,
  status      INTEGER NOT NULL,
  error_code  TEXT,
  stream      INTEGER NOT NULL,
  tokens_in   INTEGER,
  tokens_out  INTEGER,
  inspect_ms  REAL,
  upstream_ms REAL,
  total_ms    REAL    NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL,
  -- Two writers that claim the same chain position collide here instead of forking the chain.
  UNIQUE (chain_id, chain_seq)
);

CREATE INDEX IF NOT EXISTS audit_log_ts ON audit_log (ts);
CREATE INDEX IF NOT EXISTS audit_log_request_id ON audit_log (request_id);

-- Signed chain heads. kind 'head': the chain reached chain_seq with this hash, so rows up to
-- there must exist. kind 'prune': rows up to chain_seq were deleted on purpose (retention);
-- the next remaining row links to this hash. mac = HMAC-SHA256 under the server's audit secret.
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  chain_id    TEXT    NOT NULL,
  chain_seq   INTEGER NOT NULL,
  hash        TEXT    NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('head', 'prune')),
  created_at  TEXT    NOT NULL,
  mac         TEXT,
  UNIQUE (chain_id, chain_seq, kind)
);

-- Gateway keys. Only the SHA-256 of the key is stored; the plaintext is shown once.
CREATE TABLE IF NOT EXISTS gateway_keys (
  id          TEXT PRIMARY KEY,
  team        TEXT NOT NULL,
  policy_id   TEXT,
  secret_hash TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

CREATE INDEX IF NOT EXISTS gateway_keys_team ON gateway_keys (team);
