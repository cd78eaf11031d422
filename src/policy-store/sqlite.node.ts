/**
 * @module policy-store/sqlite.node
 * The policy store on better-sqlite3 (`policy_versions`, `policy_bindings`, migration 0002), with
 * the SQL shared with the D1 store (`sql.ts`). Appends run in an IMMEDIATE transaction so two
 * writers can never claim the same version.
 */
import type { Database } from 'better-sqlite3';
import { POLICY_SQL, toBindings, toVersion, toVersionInfo, type BindingRow, type VersionRow } from './sql.ts';
import type { NewPolicyVersion, PolicyStore, PolicyVersion, PolicyVersionInfo } from './types.ts';

/**
 * @example
 * const store = createSqlitePolicyStore(openDatabase('./data/veil.db'));
 * const [v] = await store.append([{ policyId: 'default', source, hash, author: 'alice', message: 'EMAIL → block' }]);
 */
export function createSqlitePolicyStore(db: Database, opts: { now?: () => string } = {}): PolicyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const current = db.prepare<[], VersionRow>(POLICY_SQL.current);
  const latest = db.prepare<[string], VersionRow>(POLICY_SQL.latest);
  const one = db.prepare<[string, number], VersionRow>(POLICY_SQL.one);
  const history = db.prepare<[string], Omit<VersionRow, 'source'>>(POLICY_SQL.history);
  const maxVersion = db.prepare<[string], { v: number | null }>(POLICY_SQL.maxVersion);
  const insert = db.prepare<[string, number, string, string, string, string, string]>(POLICY_SQL.insert);
  const bindings = db.prepare<[], BindingRow>(POLICY_SQL.bindings);
  const upsertBinding = db.prepare<[string, string, string, string]>(POLICY_SQL.upsertBinding);
  const deleteBinding = db.prepare<[string, string]>(POLICY_SQL.deleteBinding);

  const appendTx = db.transaction((versions: readonly NewPolicyVersion[]): PolicyVersion[] => {
    const out: PolicyVersion[] = [];
    for (const v of versions) {
      const row: VersionRow = {
        policy_id: v.policyId,
        version: (maxVersion.get(v.policyId)?.v ?? 0) + 1,
        source: v.source,
        hash: v.hash,
        author: v.author,
        created_at: now(),
        message: v.message,
      };
      insert.run(row.policy_id, row.version, row.source, row.hash, row.author, row.created_at, row.message);
      out.push(toVersion(row));
    }
    return out;
  });

  return {
    async current() {
      return current.all().map(toVersion);
    },
    async get(policyId, version) {
      const r = version === undefined ? latest.get(policyId) : one.get(policyId, version);
      return r ? toVersion(r) : null;
    },
    async history(policyId): Promise<PolicyVersionInfo[]> {
      return history.all(policyId).map(toVersionInfo);
    },
    async append(versions) {
      return appendTx.immediate(versions);
    },
    async bindings() {
      return toBindings(bindings.all());
    },
    async setDefault(policyId) {
      upsertBinding.run('org', '', policyId, now());
    },
    async setTeam(team, policyId) {
      if (policyId === null) deleteBinding.run('team', team);
      else upsertBinding.run('team', team, policyId, now());
    },
  };
}
