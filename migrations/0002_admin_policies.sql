-- Veil schema 0002: versioned policies, bindings, admin keys, admin settings, and the audit and
-- key columns the admin API needs. Plain SQLite (also applied by wrangler to D1).

-- Audit: the policy version in force for a request, and the JSON detail of an admin action.
-- Both are covered by the record hash when set (src/audit/chain.ts).
ALTER TABLE audit_log ADD COLUMN policy_version INTEGER;
ALTER TABLE audit_log ADD COLUMN detail TEXT;
CREATE INDEX IF NOT EXISTS audit_log_team ON audit_log (team);

-- Gateway keys: per-key rate limit (requests per minute, NULL = none) and allowed models
-- (JSON array of names / `prefix*` patterns, NULL = all).
ALTER TABLE gateway_keys ADD COLUMN rate_limit_rpm INTEGER;
ALTER TABLE gateway_keys ADD COLUMN allowed_models TEXT;

-- Every save of a policy is a new immutable row; the highest version of an id is in force.
CREATE TABLE IF NOT EXISTS policy_versions (
  policy_id   TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  source      TEXT    NOT NULL,
  -- SHA-256 hex of source.
  hash        TEXT    NOT NULL,
  author      TEXT    NOT NULL,
  created_at  TEXT    NOT NULL,
  message     TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (policy_id, version)
);

-- Which policy applies: scope 'org' (target '') is the organisation default, scope 'team' per team.
CREATE TABLE IF NOT EXISTS policy_bindings (
  scope       TEXT NOT NULL CHECK (scope IN ('org', 'team')),
  target      TEXT NOT NULL,
  policy_id   TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (scope, target)
);

-- Personal admin keys. Only the SHA-256 of the token is stored; the token is shown once.
CREATE TABLE IF NOT EXISTS admin_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'auditor')),
  secret_hash TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

-- Small admin settings (e.g. audit retention days), JSON values.
CREATE TABLE IF NOT EXISTS admin_settings (
  name        TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
