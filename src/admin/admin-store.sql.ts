/**
 * @module admin/admin-store.sql
 * The SQL of the admin-key and settings stores (`admin_keys`, `admin_settings`, migration 0002),
 * the row and its mapping, shared by the better-sqlite3 stores (`admin-store.sqlite.node.ts`) and
 * the D1 stores (`admin-store.d1.ts`), so an admin key made on either side reads and verifies the
 * same on the other. Plain SQLite; values are always bound (`?`). Web-standard.
 */
import type { AdminKey, AdminRole } from './admin-keys.ts';

export interface AdminKeyRow {
  id: string;
  name: string;
  role: AdminRole;
  secret_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

const INSERT_INTO = 'INTO admin_keys (id, name, role, secret_hash, prefix, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)';

export const ADMIN_SQL = {
  /** (id) */
  keyById: 'SELECT * FROM admin_keys WHERE id = ?',
  allKeys: 'SELECT * FROM admin_keys ORDER BY created_at, id',
  /** `adminKeyParams(row)` */
  insertKey: `INSERT ${INSERT_INTO}`,
  /** `adminKeyParams(row)`; an id collision changes nothing, so the caller retries with a new id. */
  insertKeyIfNew: `INSERT OR IGNORE ${INSERT_INTO}`,
  /** (revoked_at, id) */
  revokeKey: 'UPDATE admin_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  /** (name) */
  getSetting: 'SELECT value FROM admin_settings WHERE name = ?',
  /** (name, value JSON, updated_at) */
  putSetting: `INSERT INTO admin_settings (name, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
} as const;

export const toAdminKey = (r: AdminKeyRow): AdminKey => ({
  id: r.id,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** The trimmed key name. Throws if it is empty: callers validate input first. */
export function adminKeyName(name: string): string {
  const n = name.trim();
  if (!n) throw new Error('name must not be empty');
  return n;
}

/** The row a new admin key is stored as; `name` already passed `adminKeyName`. */
export function newAdminKeyRow(
  name: string,
  role: AdminRole,
  generated: { id: string; prefix: string },
  secretHash: string,
  createdAt: string,
): AdminKeyRow {
  return { id: generated.id, name, role, secret_hash: secretHash, prefix: generated.prefix, created_at: createdAt, revoked_at: null };
}

/** Bound values of `ADMIN_SQL.insertKey` / `insertKeyIfNew`, in column order. */
export function adminKeyParams(r: AdminKeyRow): [string, string, AdminRole, string, string, string, string | null] {
  return [r.id, r.name, r.role, r.secret_hash, r.prefix, r.created_at, r.revoked_at];
}

/** A stored setting's value; a row that does not parse reads as absent. */
export function settingValue(row: { value: string } | null | undefined): unknown {
  if (!row) return null;
  try {
    return JSON.parse(row.value) as unknown;
  } catch {
    return null;
  }
}

/** The stored text of a setting (`undefined` is kept as JSON null). */
export const settingText = (value: unknown): string => JSON.stringify(value ?? null);
