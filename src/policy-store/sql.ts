/**
 * @module policy-store/sql
 * The SQL of the policy store (`policy_versions`, `policy_bindings`, migration 0002) and the
 * row mapping, shared by the better-sqlite3 store (`sqlite.node.ts`) and the D1 store (`d1.ts`)
 * so both read and write exactly the same way. Plain SQLite; values are always bound (`?`).
 */
import type { PolicyBindings, PolicyVersion, PolicyVersionInfo } from './types.ts';

export interface VersionRow {
  policy_id: string;
  version: number;
  source: string;
  hash: string;
  author: string;
  created_at: string;
  message: string;
}

export interface BindingRow {
  scope: string;
  target: string;
  policy_id: string;
}

export const POLICY_SQL = {
  /** The newest version of every id, ordered by id. */
  current: `SELECT v.* FROM policy_versions v
     JOIN (SELECT policy_id, MAX(version) AS version FROM policy_versions GROUP BY policy_id) m
       ON m.policy_id = v.policy_id AND m.version = v.version
     ORDER BY v.policy_id`,
  /** (policy_id) */
  latest: 'SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY version DESC LIMIT 1',
  /** (policy_id, version) */
  one: 'SELECT * FROM policy_versions WHERE policy_id = ? AND version = ?',
  /** (policy_id) */
  history: 'SELECT policy_id, version, hash, author, created_at, message FROM policy_versions WHERE policy_id = ? ORDER BY version DESC',
  /** (policy_id) */
  maxVersion: 'SELECT MAX(version) AS v FROM policy_versions WHERE policy_id = ?',
  /** (policy_id, version, source, hash, author, created_at, message) */
  insert: `INSERT INTO policy_versions (policy_id, version, source, hash, author, created_at, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  bindings: 'SELECT scope, target, policy_id FROM policy_bindings ORDER BY scope, target',
  /** (scope, target, policy_id, updated_at) */
  upsertBinding: `INSERT INTO policy_bindings (scope, target, policy_id, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (scope, target) DO UPDATE SET policy_id = excluded.policy_id, updated_at = excluded.updated_at`,
  /** (scope, target) */
  deleteBinding: 'DELETE FROM policy_bindings WHERE scope = ? AND target = ?',
  /**
   * A cheap fingerprint of everything the registry compiles from: it changes on every appended
   * version (versions are never rewritten) and on every binding change. Isolates poll it to
   * notice a save made elsewhere.
   */
  stamp: `SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(rowid), 0) FROM policy_versions) AS versions,
     (SELECT COALESCE(group_concat(scope || ':' || target || '=' || policy_id, ','), '') FROM policy_bindings) AS bindings`,
} as const;

export const toVersion = (r: VersionRow): PolicyVersion => ({
  policyId: r.policy_id,
  version: r.version,
  source: r.source,
  hash: r.hash,
  author: r.author,
  createdAt: r.created_at,
  message: r.message,
});

export const toVersionInfo = (r: Omit<VersionRow, 'source'>): PolicyVersionInfo => ({
  policyId: r.policy_id,
  version: r.version,
  hash: r.hash,
  author: r.author,
  createdAt: r.created_at,
  message: r.message,
});

export function toBindings(rows: readonly BindingRow[]): PolicyBindings {
  return {
    defaultPolicy: rows.find((r) => r.scope === 'org')?.policy_id ?? null,
    teams: rows.filter((r) => r.scope === 'team').map((r) => ({ team: r.target, policyId: r.policy_id })),
  };
}
