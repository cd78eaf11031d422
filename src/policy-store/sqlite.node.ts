/**
 * @module policy-store/sqlite.node
 * The policy store on better-sqlite3 (`policy_versions`, `policy_bindings`, migration 0002).
 * Appends run in an IMMEDIATE transaction so two writers can never claim the same version.
 */
import type { Database } from 'better-sqlite3';
import type { NewPolicyVersion, PolicyStore, PolicyVersion, PolicyVersionInfo } from './types.ts';

interface VersionRow {
  policy_id: string;
  version: number;
  source: string;
  hash: string;
  author: string;
  created_at: string;
  message: string;
}

const toVersion = (r: VersionRow): PolicyVersion => ({
  policyId: r.policy_id,
  version: r.version,
  source: r.source,
  hash: r.hash,
  author: r.author,
  createdAt: r.created_at,
  message: r.message,
});

/**
 * @example
 * const store = createSqlitePolicyStore(openDatabase('./data/veil.db'));
 * const [v] = await store.append([{ policyId: 'default', source, hash, author: 'alice', message: 'EMAIL → block' }]);
 */
export function createSqlitePolicyStore(db: Database, opts: { now?: () => string } = {}): PolicyStore {
  const now = opts.now ?? (() => new Date().toISOString());
  const current = db.prepare<[], VersionRow>(
    `SELECT v.* FROM policy_versions v
     JOIN (SELECT policy_id, MAX(version) AS version FROM policy_versions GROUP BY policy_id) m
       ON m.policy_id = v.policy_id AND m.version = v.version
     ORDER BY v.policy_id`,
  );
  const latest = db.prepare<[string], VersionRow>('SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY version DESC LIMIT 1');
  const one = db.prepare<[string, number], VersionRow>('SELECT * FROM policy_versions WHERE policy_id = ? AND version = ?');
  const history = db.prepare<[string], Omit<VersionRow, 'source'>>(
    'SELECT policy_id, version, hash, author, created_at, message FROM policy_versions WHERE policy_id = ? ORDER BY version DESC',
  );
  const maxVersion = db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM policy_versions WHERE policy_id = ?');
  const insert = db.prepare<VersionRow>(
    `INSERT INTO policy_versions (policy_id, version, source, hash, author, created_at, message)
     VALUES (@policy_id, @version, @source, @hash, @author, @created_at, @message)`,
  );
  const bindings = db.prepare<[], { scope: string; target: string; policy_id: string }>(
    'SELECT scope, target, policy_id FROM policy_bindings ORDER BY scope, target',
  );
  const upsertBinding = db.prepare<[string, string, string, string]>(
    `INSERT INTO policy_bindings (scope, target, policy_id, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (scope, target) DO UPDATE SET policy_id = excluded.policy_id, updated_at = excluded.updated_at`,
  );
  const deleteBinding = db.prepare<[string, string]>('DELETE FROM policy_bindings WHERE scope = ? AND target = ?');

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
      insert.run(row);
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
      return history.all(policyId).map((r) => ({
        policyId: r.policy_id,
        version: r.version,
        hash: r.hash,
        author: r.author,
        createdAt: r.created_at,
        message: r.message,
      }));
    },
    async append(versions) {
      return appendTx.immediate(versions);
    },
    async bindings() {
      const rows = bindings.all();
      return {
        defaultPolicy: rows.find((r) => r.scope === 'org')?.policy_id ?? null,
        teams: rows.filter((r) => r.scope === 'team').map((r) => ({ team: r.target, policyId: r.policy_id })),
      };
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
