/**
 * @module keys/sqlite.node
 * Gateway keys in the `gateway_keys` table (better-sqlite3). Only the SHA-256 of each key is
 * stored. `verify` looks the key up by its id part, then compares the digests in constant time,
 * and spends the same hashing and comparison work when the id is unknown.
 */
import { hash as nodeHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { GatewayKey, KeyPatch, ManagedKeyStore } from './types.ts';
import { modelsColumn, toKey, type KeyRow } from './row.ts';
import { constantTimeEqual, generateKey, parseKey } from './secret.ts';


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

// Compared against when the id is unknown, so a miss costs what a hit costs.
const DUMMY_HASH = hashKeySync('veil_000000000000_unknown');


/**
 * @example
 * const keys = createSqliteKeyStore(openDatabase('./data/veil.db'));
 * const { secret } = await keys.create({ team: 'research' });
 * await keys.verify(secret); // → GatewayKey
 */
export function createSqliteKeyStore(db: Database, opts: SqliteKeyStoreOptions = {}): SqliteKeyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const equal = opts.equal ?? constantTimeEqual;
  const byId = db.prepare<[string], KeyRow>('SELECT * FROM gateway_keys WHERE id = ?');
  const insert = db.prepare<KeyRow>(
    `INSERT INTO gateway_keys (id, team, policy_id, secret_hash, prefix, created_at, revoked_at, rate_limit_rpm, allowed_models)
     VALUES (@id, @team, @policy_id, @secret_hash, @prefix, @created_at, @revoked_at, @rate_limit_rpm, @allowed_models)`,
  );
  const updateRow = db.prepare<[string, string | null, number | null, string | null, string]>(
    'UPDATE gateway_keys SET team = ?, policy_id = ?, rate_limit_rpm = ?, allowed_models = ? WHERE id = ?',
  );
  const all = db.prepare<[], KeyRow>('SELECT * FROM gateway_keys ORDER BY created_at, id');
  const revoke = db.prepare<[string, string]>('UPDATE gateway_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  return {
    async verify(presented) {
      if (typeof presented !== 'string') return null;
      const parsed = parseKey(presented);
      if (!parsed) return null;
      const row = byId.get(parsed.id);
      const match = equal(row?.secret_hash ?? DUMMY_HASH, hashKeySync(presented));
      if (!row || !match || row.revoked_at !== null) return null;
      return toKey(row);
    },

    /** Throws if `team` is empty: callers (CLI, admin API) validate input first. */
    async create({ team, policyId = null, rateLimitRpm = null, allowedModels = null }) {
      const t = team.trim();
      if (!t) throw new Error('team must not be empty');
      for (;;) {
        const g = generateKey();
        const row: KeyRow = {
          id: g.id,
          team: t,
          policy_id: policyId,
          secret_hash: hashKeySync(g.key),
          prefix: g.prefix,
          created_at: now(),
          revoked_at: null,
          rate_limit_rpm: rateLimitRpm,
          allowed_models: modelsColumn(allowedModels),
        };
        // A 12-char base62 id collides with odds ~1e-21 per pair; retry rather than fail.
        if (byId.get(g.id)) continue;
        insert.run(row);
        return { key: toKey(row), secret: g.key };
      }
    },

    async list() {
      return all.all().map(toKey);
    },

    async revoke(id) {
      return revoke.run(now(), id).changes > 0;
    },

    get(id) {
      const r = byId.get(id);
      return r ? toKey(r) : null;
    },

    async find(id) {
      const r = byId.get(id);
      return r ? toKey(r) : null;
    },

    async update(id, patch: KeyPatch) {
      const r = byId.get(id);
      if (!r) return null;
      const team = patch.team === undefined ? r.team : patch.team.trim();
      if (!team) throw new Error('team must not be empty');
      updateRow.run(
        team,
        patch.policyId === undefined ? r.policy_id : patch.policyId,
        patch.rateLimitRpm === undefined ? (r.rate_limit_rpm ?? null) : patch.rateLimitRpm,
        patch.allowedModels === undefined ? (r.allowed_models ?? null) : modelsColumn(patch.allowedModels),
        id,
      );
      return toKey(byId.get(id)!);
    },
  };
}
