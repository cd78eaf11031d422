/**
 * @module admin/admin-store.d1
 * Admin keys (`admin_keys`) and admin settings (`admin_settings`) on Cloudflare D1: the same SQL
 * and row mapping (`admin-store.sql.ts`), token format and SHA-256 digest as
 * `admin-store.sqlite.node.ts`, so a key made on either side verifies on the other. Lookups go by
 * the token's id part, then compare digests in constant time, spending the same work when the id
 * is unknown. Web-standard only.
 */
import type { D1Database } from '../audit/d1.ts';
import { hashKey, liveMatch } from '../keys/secret.ts';
import { generateAdminToken, parseAdminToken } from './admin-keys.ts';
import type { AdminKeyStore, SettingsStore } from './admin-keys.ts';
import { ADMIN_SQL, adminKeyName, adminKeyParams, newAdminKeyRow, settingText, settingValue, toAdminKey, type AdminKeyRow } from './admin-store.sql.ts';

/**
 * @example
 * const adminKeys = createD1AdminKeyStore(env.DB);
 * const { secret } = await adminKeys.create({ name: 'alice', role: 'auditor' });
 */
export function createD1AdminKeyStore(db: D1Database, opts: { now?: () => string } = {}): AdminKeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const byId = (id: string) => db.prepare(ADMIN_SQL.keyById).bind(id).first<AdminKeyRow>();
  return {
    async verify(token) {
      const parsed = typeof token === 'string' ? parseAdminToken(token) : null;
      if (!parsed) return null;
      const row = liveMatch(await byId(parsed.id), await hashKey(token));
      return row ? toAdminKey(row) : null;
    },
    async create({ name, role }) {
      const n = adminKeyName(name);
      for (;;) {
        const g = generateAdminToken();
        const row = newAdminKeyRow(n, role, g, await hashKey(g.token), now());
        // INSERT OR IGNORE turns an id collision into a retry instead of a failure.
        const res = await db.prepare(ADMIN_SQL.insertKeyIfNew).bind(...adminKeyParams(row)).run();
        if (Number(res.meta.changes ?? 0) === 0) continue;
        return { key: toAdminKey(row), secret: g.token };
      }
    },
    async list() {
      return (await db.prepare(ADMIN_SQL.allKeys).all<AdminKeyRow>()).results.map(toAdminKey);
    },
    async get(id) {
      const r = await byId(id);
      return r ? toAdminKey(r) : null;
    },
    async revoke(id) {
      const res = await db.prepare(ADMIN_SQL.revokeKey).bind(now(), id).run();
      return Number(res.meta.changes ?? 0) > 0;
    },
  };
}

export function createD1SettingsStore(db: D1Database, opts: { now?: () => string } = {}): SettingsStore {
  const now = opts.now ?? (() => new Date().toISOString());
  return {
    async get(name) {
      return settingValue(await db.prepare(ADMIN_SQL.getSetting).bind(name).first<{ value: string }>());
    },
    async set(name, value) {
      await db.prepare(ADMIN_SQL.putSetting).bind(name, settingText(value), now()).run();
    },
  };
}
