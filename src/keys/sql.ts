/**
 * @module keys/sql
 * The SQL of the gateway key store (`gateway_keys`, migrations 0001/0002), the row and its mapping
 * to `GatewayKey`, and the pure steps of create and update, shared by the better-sqlite3 store
 * (`sqlite.node.ts`) and the D1 store (`d1.ts`) so a key is written and read exactly the same way
 * on Node and Workers. Plain SQLite; values are always bound (`?`). Runtime-agnostic.
 */
import type { GeneratedKey } from './secret.ts';
import type { GatewayKey, KeyPatch, KeyStore } from './types.ts';

export interface KeyRow {
  id: string;
  team: string;
  policy_id: string | null;
  secret_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  /** Migration 0002. */
  rate_limit_rpm?: number | null;
  /** JSON array text (migration 0002). */
  allowed_models?: string | null;
}

const INSERT_INTO = `INTO gateway_keys (id, team, policy_id, secret_hash, prefix, created_at, revoked_at, rate_limit_rpm, allowed_models)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export const KEY_SQL = {
  /** (id) */
  byId: 'SELECT * FROM gateway_keys WHERE id = ?',
  all: 'SELECT * FROM gateway_keys ORDER BY created_at, id',
  /** `insertParams(row)` */
  insert: `INSERT ${INSERT_INTO}`,
  /** `insertParams(row)`; an id collision changes nothing, so the caller retries with a new id. */
  insertIfNew: `INSERT OR IGNORE ${INSERT_INTO}`,
  /** `updateParams(row, patch)` */
  update: 'UPDATE gateway_keys SET team = ?, policy_id = ?, rate_limit_rpm = ?, allowed_models = ? WHERE id = ?',
  /** (revoked_at, id) */
  revoke: 'UPDATE gateway_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
} as const;

export function toKey(r: KeyRow): GatewayKey {
  const key: GatewayKey = { id: r.id, team: r.team, policyId: r.policy_id, createdAt: r.created_at, revokedAt: r.revoked_at, prefix: r.prefix };
  // Only when set, so keys without limits look exactly as before migration 0002.
  if (r.rate_limit_rpm !== null && r.rate_limit_rpm !== undefined) key.rateLimitRpm = r.rate_limit_rpm;
  const models = parseModels(r.allowed_models);
  if (models) key.allowedModels = models;
  return key;
}

function parseModels(col: string | null | undefined): string[] | null {
  if (!col) return null;
  try {
    const v: unknown = JSON.parse(col);
    return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string') : null;
  } catch {
    return null;
  }
}

const modelsColumn = (m: string[] | null | undefined): string | null => (m ? JSON.stringify(m) : null);

/** The trimmed team name. Throws if it is empty: callers (CLI, admin API) validate input first. */
export function teamName(team: string): string {
  const t = team.trim();
  if (!t) throw new Error('team must not be empty');
  return t;
}

/** The row a new key is stored as; `team` already passed `teamName`. */
export function newKeyRow(
  opts: Parameters<KeyStore['create']>[0],
  generated: GeneratedKey,
  secretHash: string,
  createdAt: string,
): KeyRow {
  const { policyId = null, rateLimitRpm = null, allowedModels = null } = opts;
  return {
    id: generated.id,
    team: opts.team,
    policy_id: policyId,
    secret_hash: secretHash,
    prefix: generated.prefix,
    created_at: createdAt,
    revoked_at: null,
    rate_limit_rpm: rateLimitRpm,
    allowed_models: modelsColumn(allowedModels),
  };
}

/** Bound values of `KEY_SQL.insert` / `insertIfNew`, in column order. */
export function insertParams(r: KeyRow): [string, string, string | null, string, string, string, string | null, number | null, string | null] {
  return [r.id, r.team, r.policy_id, r.secret_hash, r.prefix, r.created_at, r.revoked_at, r.rate_limit_rpm ?? null, r.allowed_models ?? null];
}

/**
 * Bound values of `KEY_SQL.update`: `patch` laid over the stored row (absent fields stay as they
 * are). Throws if the patched team is empty.
 */
export function updateParams(r: KeyRow, patch: KeyPatch): [string, string | null, number | null, string | null, string] {
  return [
    patch.team === undefined ? r.team : teamName(patch.team),
    patch.policyId === undefined ? r.policy_id : patch.policyId,
    patch.rateLimitRpm === undefined ? (r.rate_limit_rpm ?? null) : patch.rateLimitRpm,
    patch.allowedModels === undefined ? (r.allowed_models ?? null) : modelsColumn(patch.allowedModels),
    r.id,
  ];
}
