/**
 * @module policy-store/d1
 * The policy store on Cloudflare D1: the same tables and SQL (`sql.ts`) as the better-sqlite3
 * store. D1 has no interactive transaction, so an append computes each version number inside
 * its INSERT (`MAX(version) + 1`) and all versions of one append go in one `db.batch` (atomic):
 * two isolates saving at once get consecutive versions, never the same one.
 *
 * Many isolates may also import the same bundled policy at their first start. An append whose
 * text equals the version in force *at insert time* is therefore not stored again: it yields
 * that version (one import wins, the others find it done). Saves through the registry never
 * reach the store with such a text (they answer "unchanged" first), so this only settles races.
 *
 * `stamp()` is the cheap fingerprint isolates poll to notice saves made elsewhere (`refresh.ts`).
 */
import type { D1Database } from '../audit/d1.ts';
import { POLICY_SQL, toBindings, toVersion, toVersionInfo, type BindingRow, type VersionRow } from './sql.ts';
import type { PolicyStore, PolicyVersion } from './types.ts';

export interface D1PolicyStore extends PolicyStore {
  /** Changes whenever a version is appended or a binding changes (anywhere). */
  stamp(): Promise<string>;
}

// ?1 id, ?2 source, ?3 hash, ?4 author, ?5 created_at, ?6 message.
const APPEND_SQL = `INSERT INTO policy_versions (policy_id, version, source, hash, author, created_at, message)
  SELECT ?1, n.v + 1, ?2, ?3, ?4, ?5, ?6
  FROM (SELECT COALESCE(MAX(version), 0) AS v FROM policy_versions WHERE policy_id = ?1) AS n
  WHERE NOT EXISTS (SELECT 1 FROM policy_versions p WHERE p.policy_id = ?1 AND p.version = n.v AND p.hash = ?3)
  RETURNING *`;

/**
 * @example
 * const store = createD1PolicyStore(env.DB);
 * const [v] = await store.append([{ policyId: 'default', source, hash, author: 'alice', message: 'EMAIL → block' }]);
 */
export function createD1PolicyStore(db: D1Database, opts: { now?: () => string } = {}): D1PolicyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const latest = async (policyId: string) => db.prepare(POLICY_SQL.latest).bind(policyId).first<VersionRow>();
  const upsertBinding = (scope: string, target: string, policyId: string) =>
    db.prepare(POLICY_SQL.upsertBinding).bind(scope, target, policyId, now()).run();

  return {
    async current() {
      return (await db.prepare(POLICY_SQL.current).all<VersionRow>()).results.map(toVersion);
    },
    async get(policyId, version) {
      const r = version === undefined ? await latest(policyId) : await db.prepare(POLICY_SQL.one).bind(policyId, version).first<VersionRow>();
      return r ? toVersion(r) : null;
    },
    async history(policyId) {
      return (await db.prepare(POLICY_SQL.history).bind(policyId).all<Omit<VersionRow, 'source'>>()).results.map(toVersionInfo);
    },
    async append(versions) {
      if (versions.length === 0) return [];
      const at = now();
      const results = await db.batch<VersionRow>(
        versions.map((v) => db.prepare(APPEND_SQL).bind(v.policyId, v.source, v.hash, v.author, at, v.message)),
      );
      const out: PolicyVersion[] = [];
      for (let i = 0; i < versions.length; i++) {
        const row = results[i]?.results[0];
        if (row) out.push(toVersion(row));
        else {
          // Identical to the version in force when it ran: that version is the outcome.
          const existing = await latest(versions[i]!.policyId);
          if (!existing) throw new Error(`policy '${versions[i]!.policyId}' was not stored`);
          out.push(toVersion(existing));
        }
      }
      return out;
    },
    async bindings() {
      return toBindings((await db.prepare(POLICY_SQL.bindings).all<BindingRow>()).results);
    },
    async setDefault(policyId) {
      await upsertBinding('org', '', policyId);
    },
    async setTeam(team, policyId) {
      if (policyId === null) await db.prepare(POLICY_SQL.deleteBinding).bind('team', team).run();
      else await upsertBinding('team', team, policyId);
    },
    async stamp() {
      const r = await db.prepare(POLICY_SQL.stamp).first<{ versions: string; bindings: string }>();
      return `${r?.versions ?? ''}|${r?.bindings ?? ''}`;
    },
  };
}
