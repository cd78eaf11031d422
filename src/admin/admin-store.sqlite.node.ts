/**
 * @module admin/admin-store.sqlite.node
 * Admin keys (`admin_keys`) and admin settings (`admin_settings`) on better-sqlite3 (migration
 * 0002). Only the SHA-256 of a token is stored; lookups go by the token's id part, then compare
 * digests in constant time, spending the same work when the id is unknown.
 */
import { hash as nodeHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { constantTimeEqual } from '../keys/secret.ts';
import { generateAdminToken, parseAdminToken } from './admin-keys.ts';
import type { AdminKey, AdminKeyStore, AdminRole, SettingsStore } from './admin-keys.ts';

interface Row {
  id: string;
  name: string;
  role: AdminRole;
  secret_hash: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

const sha = (s: string) => nodeHash('sha256', s, 'hex');
const DUMMY = sha('veiladm_000000000000_unknown');

const toKey = (r: Row): AdminKey => ({ id: r.id, name: r.name, role: r.role, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at });

export function createSqliteAdminKeyStore(db: Database, opts: { now?: () => string } = {}): AdminKeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const byId = db.prepare<[string], Row>('SELECT * FROM admin_keys WHERE id = ?');
  const all = db.prepare<[], Row>('SELECT * FROM admin_keys ORDER BY created_at, id');
  const insert = db.prepare<Row>(
    'INSERT INTO admin_keys (id, name, role, secret_hash, prefix, created_at, revoked_at) VALUES (@id, @name, @role, @secret_hash, @prefix, @created_at, @revoked_at)',
  );
  const revoke = db.prepare<[string, string]>('UPDATE admin_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  return {
    async verify(token) {
      const parsed = typeof token === 'string' ? parseAdminToken(token) : null;
      if (!parsed) return null;
      const row = byId.get(parsed.id);
      const match = constantTimeEqual(row?.secret_hash ?? DUMMY, sha(token));
      return row && match && row.revoked_at === null ? toKey(row) : null;
    },
    async create({ name, role }) {
      const n = name.trim();
      if (!n) throw new Error('name must not be empty');
      for (;;) {
        const g = generateAdminToken();
        if (byId.get(g.id)) continue;
        const row: Row = { id: g.id, name: n, role, secret_hash: sha(g.token), prefix: g.prefix, created_at: now(), revoked_at: null };
        insert.run(row);
        return { key: toKey(row), secret: g.token };
      }
    },
    async list() {
      return all.all().map(toKey);
    },
    async get(id) {
      const r = byId.get(id);
      return r ? toKey(r) : null;
    },
    async revoke(id) {
      return revoke.run(now(), id).changes > 0;
    },
  };
}

export function createSqliteSettingsStore(db: Database, opts: { now?: () => string } = {}): SettingsStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const get = db.prepare<[string], { value: string }>('SELECT value FROM admin_settings WHERE name = ?');
  const put = db.prepare<[string, string, string]>(
    `INSERT INTO admin_settings (name, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  return {
    async get(name) {
      const r = get.get(name);
      if (!r) return null;
      try {
        return JSON.parse(r.value) as unknown;
      } catch {
        return null;
      }
    },
    async set(name, value) {
      put.run(name, JSON.stringify(value ?? null), now());
    },
  };
}
