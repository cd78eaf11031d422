/**
 * @module admin/admin-store.d1
 * Admin keys (`admin_keys`) and admin settings (`admin_settings`) on Cloudflare D1: the same
 * tables (migration 0002), token format and SHA-256 digest as `admin-store.sqlite.node.ts`, so a
 * key made on either side verifies on the other. Lookups go by the token's id part, then compare
 * digests in constant time, spending the same work when the id is unknown. Web-standard only.
 */
import type { D1Database } from '../audit/d1.ts';
import { constantTimeEqual, hashKey } from '../keys/secret.ts';
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

// A digest-shaped stand-in compared against when the id is unknown, so a miss costs what a hit costs.
const DUMMY_HASH = '0'.repeat(64);

const toKey = (r: Row): AdminKey => ({ id: r.id, name: r.name, role: r.role, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at });

/**
 * @example
 * const adminKeys = createD1AdminKeyStore(env.DB);
 * const { secret } = await adminKeys.create({ name: 'alice', role: 'auditor' });
 */
export function createD1AdminKeyStore(db: D1Database, opts: { now?: () => string } = {}): AdminKeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const byId = (id: string) => db.prepare('SELECT * FROM admin_keys WHERE id = ?').bind(id).first<Row>();
  return {
    async verify(token) {
      const parsed = typeof token === 'string' ? parseAdminToken(token) : null;
      if (!parsed) return null;
      const row = await byId(parsed.id);
      const match = constantTimeEqual(row?.secret_hash ?? DUMMY_HASH, await hashKey(token));
      return row && match && row.revoked_at === null ? toKey(row) : null;
    },
    async create({ name, role }) {
      const n = name.trim();
      if (!n) throw new Error('name must not be empty');
      for (;;) {
        const g = generateAdminToken();
        const row: Row = { id: g.id, name: n, role, secret_hash: await hashKey(g.token), prefix: g.prefix, created_at: now(), revoked_at: null };
        // INSERT OR IGNORE turns an id collision into a retry instead of a failure.
        const res = await db
          .prepare('INSERT OR IGNORE INTO admin_keys (id, name, role, secret_hash, prefix, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .bind(row.id, row.name, row.role, row.secret_hash, row.prefix, row.created_at, row.revoked_at)
          .run();
        if (Number(res.meta.changes ?? 0) === 0) continue;
        return { key: toKey(row), secret: g.token };
      }
    },
    async list() {
      return (await db.prepare('SELECT * FROM admin_keys ORDER BY created_at, id').all<Row>()).results.map(toKey);
    },
    async get(id) {
      const r = await byId(id);
      return r ? toKey(r) : null;
    },
    async revoke(id) {
      const res = await db.prepare('UPDATE admin_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').bind(now(), id).run();
      return Number(res.meta.changes ?? 0) > 0;
    },
  };
}

export function createD1SettingsStore(db: D1Database, opts: { now?: () => string } = {}): SettingsStore {
  const now = opts.now ?? (() => new Date().toISOString());
  return {
    async get(name) {
      const r = await db.prepare('SELECT value FROM admin_settings WHERE name = ?').bind(name).first<{ value: string }>();
      if (!r) return null;
      try {
        return JSON.parse(r.value) as unknown;
      } catch {
        return null;
      }
    },
    async set(name, value) {
      await db
        .prepare(
          `INSERT INTO admin_settings (name, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        )
        .bind(name, JSON.stringify(value ?? null), now())
        .run();
    },
  };
}
