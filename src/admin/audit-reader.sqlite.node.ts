/**
 * @module admin/audit-reader.sqlite.node
 * `AuditReader` on better-sqlite3: runs the SQL of `audit-reader.ts` against `audit_log`. Reads
 * only; the writer's pending group commit is flushed first by the caller-provided `flush`.
 */
import type { Database } from 'better-sqlite3';
import { decodeRow, type AuditRow } from '../audit/row.ts';
import { andWhere, buildWhere, foldStats, STATS_SQL, type AuditReader } from './audit-reader.ts';

export function createSqliteAuditReader(db: Database, opts: { flush?: () => void } = {}): AuditReader {
  const flush = opts.flush ?? (() => {});
  const bySeq = db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE seq = ?');
  const cpCount = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit_checkpoints');
  return {
    async list(filter, page) {
      flush();
      let w = buildWhere(filter);
      if (page.cursor !== undefined) w = andWhere(w, page.order === 'asc' ? 'seq > ?' : 'seq < ?', [page.cursor]);
      const rows = db
        .prepare(`SELECT * FROM audit_log ${w.sql} ORDER BY seq ${page.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ?`)
        .all(...w.params, page.limit + 1) as AuditRow[];
      const more = rows.length > page.limit;
      const data = rows.slice(0, page.limit).map(decodeRow);
      return { data, nextCursor: more ? data[data.length - 1]!.seq : null };
    },
    async get(seq) {
      flush();
      const r = bySeq.get(seq);
      return r ? decodeRow(r) : null;
    },
    async stats(filter) {
      flush();
      const w = buildWhere(filter);
      const run = <T>(sql: string) => db.prepare(sql).all(...w.params) as T[];
      return foldStats({
        totals: run(STATS_SQL.totals(w.sql)),
        perHour: run(STATS_SQL.perHour(w.sql)),
        topFindings: run(STATS_SQL.topFindings(w.sql)),
        tokensByTeam: run(STATS_SQL.tokensByTeam(w.sql)),
      });
    },
    async checkpointCount() {
      return cpCount.get()?.n ?? 0;
    },
  };
}
