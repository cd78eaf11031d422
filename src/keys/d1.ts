/**
 * @module keys/d1
 * Gateway keys in D1's `gateway_keys` table: the same SQL and row mapping (`sql.ts`), key format
 * and SHA-256 digest (`secret.ts`) as the SQLite store, so a key created on either side verifies
 * on the other. `verify` looks the key up by its id part, then compares digests in constant time,
 * spending the same hashing and comparison work when the id is unknown.
 */
import type { D1Database } from '../audit/d1.ts';
import { constantTimeEqual, generateKey, hashKey, liveMatch, parseKey } from './secret.ts';
import { insertParams, KEY_SQL, newKeyRow, teamName, toKey, updateParams, type KeyRow } from './sql.ts';
import type { ManagedKeyStore } from './types.ts';

export interface D1KeyStoreOptions {
  now?: () => string;
  /** The digest comparison; injectable so tests can prove the constant-time one is used. */
  equal?: (a: string, b: string) => boolean;
}

export type D1KeyStore = ManagedKeyStore;

/**
 * @example
 * const keys = createD1KeyStore(env.DB);
 * const { secret } = await keys.create({ team: 'research' });
 * await keys.verify(secret); // → GatewayKey
 */
export function createD1KeyStore(db: D1Database, opts: D1KeyStoreOptions = {}): D1KeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const equal = opts.equal ?? constantTimeEqual;
  const byId = (id: string) => db.prepare(KEY_SQL.byId).bind(id).first<KeyRow>();

  return {
    async verify(presented) {
      const parsed = typeof presented === 'string' ? parseKey(presented) : null;
      if (!parsed) return null;
      const row = liveMatch(await byId(parsed.id), await hashKey(presented), equal);
      return row ? toKey(row) : null;
    },

    async create(input) {
      const team = teamName(input.team);
      for (;;) {
        const g = generateKey();
        const row = newKeyRow({ ...input, team }, g, await hashKey(g.key), now());
        // INSERT OR IGNORE turns an id collision (odds ~1e-21) into a retry instead of a failure.
        const res = await db.prepare(KEY_SQL.insertIfNew).bind(...insertParams(row)).run();
        if (Number(res.meta.changes ?? 0) === 0) continue;
        return { key: toKey(row), secret: g.key };
      }
    },

    async list() {
      return (await db.prepare(KEY_SQL.all).all<KeyRow>()).results.map(toKey);
    },

    async revoke(id) {
      const res = await db.prepare(KEY_SQL.revoke).bind(now(), id).run();
      return Number(res.meta.changes ?? 0) > 0;
    },

    async find(id) {
      const r = await byId(id);
      return r ? toKey(r) : null;
    },

    async update(id, patch) {
      const r = await byId(id);
      if (!r) return null;
      await db.prepare(KEY_SQL.update).bind(...updateParams(r, patch)).run();
      const after = await byId(id);
      return after ? toKey(after) : null;
    },
  };
}
