/**
 * @module keys/d1
 * Gateway keys in D1's `gateway_keys` table: the same table, columns, key format and SHA-256
 * digest as the SQLite store (`keys/secret.ts`), so a key created on either side verifies on the
 * other. `verify` looks the key up by its id part, then compares digests in constant time,
 * spending the same hashing and comparison work when the id is unknown.
 */
import type { D1Database } from '../audit/d1.ts';
import { constantTimeEqual, generateKey, hashKey, parseKey } from './secret.ts';
import type { GatewayKey, KeyPatch, ManagedKeyStore } from './types.ts';
import { modelsColumn, toKey, type KeyRow } from './row.ts';


export interface D1KeyStoreOptions {
  now?: () => string;
  /** The digest comparison; injectable so tests can prove the constant-time one is used. */
  equal?: (a: string, b: string) => boolean;
}

export type D1KeyStore = ManagedKeyStore;

// A digest-shaped stand-in compared against when the id is unknown, so a miss costs what a hit costs.
const DUMMY_HASH = 'f'.repeat(64);


/**
 * @example
 * const keys = createD1KeyStore(env.DB);
 * const { secret } = await keys.create({ team: 'research' });
 * await keys.verify(secret); // → GatewayKey
 */
export function createD1KeyStore(db: D1Database, opts: D1KeyStoreOptions = {}): D1KeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const equal = opts.equal ?? constantTimeEqual;
  const byId = (id: string) => db.prepare('SELECT * FROM gateway_keys WHERE id = ?').bind(id).first<KeyRow>();

  return {
    async verify(presented) {
      if (typeof presented !== 'string') return null;
      const parsed = parseKey(presented);
      if (!parsed) return null;
      const row = await byId(parsed.id);
      const match = equal(row?.secret_hash ?? DUMMY_HASH, await hashKey(presented));
      if (!row || !match || row.revoked_at !== null) return null;
      return toKey(row);
    },

    /** Throws if `team` is empty: callers validate input first. */
    async create({ team, policyId = null, rateLimitRpm = null, allowedModels = null }) {
      const t = team.trim();
      if (!t) throw new Error('team must not be empty');
      for (;;) {
        const g = generateKey();
        const row: KeyRow = {
          id: g.id,
          team: t,
          policy_id: policyId,
          secret_hash: await hashKey(g.key),
          prefix: g.prefix,
          created_at: now(),
          revoked_at: null,
          rate_limit_rpm: rateLimitRpm,
          allowed_models: modelsColumn(allowedModels),
        };
        // INSERT OR IGNORE turns an id collision (odds ~1e-21) into a retry instead of a failure.
        const res = await db
          .prepare(
            `INSERT OR IGNORE INTO gateway_keys (id, team, policy_id, secret_hash, prefix, created_at, revoked_at, rate_limit_rpm, allowed_models)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(row.id, row.team, row.policy_id, row.secret_hash, row.prefix, row.created_at, row.revoked_at, row.rate_limit_rpm, row.allowed_models)
          .run();
        if (Number(res.meta.changes ?? 0) === 0) continue;
        return { key: toKey(row), secret: g.key };
      }
    },

    async list() {
      return (await db.prepare('SELECT * FROM gateway_keys ORDER BY created_at, id').all<KeyRow>()).results.map(toKey);
    },

    async revoke(id) {
      const res = await db.prepare('UPDATE gateway_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').bind(now(), id).run();
      return Number(res.meta.changes ?? 0) > 0;
    },

    async find(id) {
      const r = await byId(id);
      return r ? toKey(r) : null;
    },

    async update(id, patch: KeyPatch) {
      const r = await byId(id);
      if (!r) return null;
      const team = patch.team === undefined ? r.team : patch.team.trim();
      if (!team) throw new Error('team must not be empty');
      await db
        .prepare('UPDATE gateway_keys SET team = ?, policy_id = ?, rate_limit_rpm = ?, allowed_models = ? WHERE id = ?')
        .bind(
          team,
          patch.policyId === undefined ? r.policy_id : patch.policyId,
          patch.rateLimitRpm === undefined ? (r.rate_limit_rpm ?? null) : patch.rateLimitRpm,
          patch.allowedModels === undefined ? (r.allowed_models ?? null) : modelsColumn(patch.allowedModels),
          id,
        )
        .run();
      const after = await byId(id);
      return after ? toKey(after) : null;
    },
  };
}
