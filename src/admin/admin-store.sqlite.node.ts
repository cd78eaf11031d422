/**
 * @module admin/admin-store.sqlite.node
 * Admin keys (`admin_keys`) and admin settings (`admin_settings`) on better-sqlite3 (migration
 * 0002), with the SQL and row mapping shared with the D1 stores (`admin-store.sql.ts`). Only the
 * SHA-256 of a token is stored; lookups go by the token's id part, then compare digests in
 * constant time, spending the same work when the id is unknown.
 */
import type { Database } from 'better-sqlite3';
import { liveMatch } from '../keys/secret.ts';
import { hashKeySync } from '../keys/sqlite.node.ts';
import { generateAdminToken, parseAdminToken } from './admin-keys.ts';
import type { AdminKeyStore, SettingsStore } from './admin-keys.ts';
import { ADMIN_SQL, adminKeyName, adminKeyParams, newAdminKeyRow, settingText, settingValue, toAdminKey, type AdminKeyRow } from './admin-store.sql.ts';

export function createSqliteAdminKeyStore(db: Database, opts: { now?: () => string } = {}): AdminKeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const byId = db.prepare<[string], AdminKeyRow>(ADMIN_SQL.keyById);
  const all = db.prepare<[], AdminKeyRow>(ADMIN_SQL.allKeys);
  const insert = db.prepare<ReturnType<typeof adminKeyParams>>(ADMIN_SQL.insertKey);
  const revoke = db.prepare<[string, string]>(ADMIN_SQL.revokeKey);
  return {
    async verify(token) {
      const parsed = typeof token === 'string' ? parseAdminToken(token) : null;
      if (!parsed) return null;
      const row = liveMatch(byId.get(parsed.id), hashKeySync(token));
      return row ? toAdminKey(row) : null;
    },
    async create({ name, role }) {
      const n = adminKeyName(name);
      for (;;) {
        const g = generateAdminToken();
        if (byId.get(g.id)) continue;
        const row = newAdminKeyRow(n, role, g, hashKeySync(g.token), now());
        insert.run(...adminKeyParams(row));
        return { key: toAdminKey(row), secret: g.token };
      }
    },
    async list() {
      return all.all().map(toAdminKey);
    },
    async get(id) {
      const r = byId.get(id);
      return r ? toAdminKey(r) : null;
    },
    async revoke(id) {
      return revoke.run(now(), id).changes > 0;
    },
  };
}

export function createSqliteSettingsStore(db: Database, opts: { now?: () => string } = {}): SettingsStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const get = db.prepare<[string], { value: string }>(ADMIN_SQL.getSetting);
  const put = db.prepare<[string, string, string]>(ADMIN_SQL.putSetting);
  return {
    async get(name) {
      return settingValue(get.get(name));
    },
    async set(name, value) {
      put.run(name, settingText(value), now());
    },
  };
}
