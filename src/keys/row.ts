/**
 * @module keys/row
 * The `gateway_keys` row and its mapping to `GatewayKey`, shared by the SQLite and D1 stores so
 * both show a key exactly the same way. Runtime-agnostic.
 */
import type { GatewayKey } from './types.ts';

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

export const modelsColumn = (m: string[] | null | undefined): string | null => (m ? JSON.stringify(m) : null);
