/**
 * @module keys/sqlite.node
 * Gateway keys in the `gateway_keys` table (better-sqlite3), with the SQL and row mapping shared
 * with the D1 store (`sql.ts`). Only the SHA-256 of each key is stored. `verify` looks the key up
 * by its id part, then compares the digests in constant time, and spends the same hashing and
 * comparison work when the id is unknown.
 */
import { hash as nodeHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { constantTimeEqual, generateKey, liveMatch, parseKey } from './secret.ts';
import { insertParams, KEY_SQL, newKeyRow, teamName, toKey, updateParams, type KeyRow } from './sql.ts';
import type { GatewayKey, ManagedKeyStore } from './types.ts';

export interface SqliteKeyStoreOptions {
  now?: () => string;
  /** The digest comparison; injectable so tests can prove the constant-time one is used. */
  equal?: (a: string, b: string) => boolean;
}

export interface SqliteKeyStore extends ManagedKeyStore {
  get(id: string): GatewayKey | null;
}

/** Synchronous twin of `hashKey` in secret.ts (same digest, no await on the request path). */
export function hashKeySync(key: string): string {
  return nodeHash('sha256', key, 'hex');
}

/**
 * @example
 * const keys = createSqliteKeyStore(openDatabase('./data/veil.db'));
 * const { secret } = await keys.create({ team: 'research' });
 * await keys.verify(secret); // → GatewayKey
 */
export function createSqliteKeyStore(db: Database, opts: SqliteKeyStoreOptions = {}): SqliteKeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const equal = opts.equal ?? constantTimeEqual;
  const byId = db.prepare<[string], KeyRow>(KEY_SQL.byId);
  const insert = db.prepare<ReturnType<typeof insertParams>>(KEY_SQL.insert);
  const updateRow = db.prepare<ReturnType<typeof updateParams>>(KEY_SQL.update);
  const all = db.prepare<[], KeyRow>(KEY_SQL.all);
  const revoke = db.prepare<[string, string]>(KEY_SQL.revoke);
  const get = (id: string) => {
    const r = byId.get(id);
    return r ? toKey(r) : null;
  };

  return {
    async verify(presented) {
      const parsed = typeof presented === 'string' ? parseKey(presented) : null;
      if (!parsed) return null;
      const row = liveMatch(byId.get(parsed.id), hashKeySync(presented), equal);
      return row ? toKey(row) : null;
    },

    async create(input) {
      const team = teamName(input.team);
      for (;;) {
        const g = generateKey();
        // A 12-char base62 id collides with odds ~1e-21 per pair; retry rather than fail.
        if (byId.get(g.id)) continue;
        const row = newKeyRow({ ...input, team }, g, hashKeySync(g.key), now());
        insert.run(...insertParams(row));
        return { key: toKey(row), secret: g.key };
      }
    },

    async list() {
      return all.all().map(toKey);
    },

    async revoke(id) {
      return revoke.run(now(), id).changes > 0;
    },

    get,

    async find(id) {
      return get(id);
    },

    async update(id, patch) {
      const r = byId.get(id);
      if (!r) return null;
      updateRow.run(...updateParams(r, patch));
      return get(id);
    },
  };
}
