/**
 * @module admin/audit-reader
 * Read side of the audit log for the admin API: filters, cursor pages and aggregates. The one
 * query builder and reader live here (plain SQLite with JSON1, which D1 has too):
 * `createSqlAuditReader` runs them through a two-method port, and the runtime files only adapt
 * their driver to it — `audit-reader.sqlite.node.ts` (better-sqlite3) and `audit-reader.d1.ts`
 * (D1). Values are always bound parameters.
 */
import { decodeRow, type AuditRow } from '../audit/row.ts';
import type { Decision, Route, StoredAuditRecord } from '../audit/types.ts';

export interface AuditFilter {
  /** ISO-8601, inclusive. */
  from?: string;
  /** ISO-8601, exclusive. */
  to?: string;
  team?: string;
  key?: string;
  decision?: Decision;
  route?: Route;
  model?: string;
  status?: number;
  /** Entity type that must appear in the record's findings. */
  finding?: string;
  /** `request`: gateway traffic; `admin`: admin actions. */
  kind?: 'request' | 'admin';
}

export interface AuditPage {
  data: StoredAuditRecord[];
  nextCursor: number | null;
}

export interface AuditStats {
  total: number;
  blocked: number;
  byDecision: Record<string, number>;
  byRoute: Record<string, number>;
  /** local / (local + remote); 0 when neither. */
  localShare: number;
  perHour: { hour: string; decision: string | null; route: string; count: number }[];
  topFindings: { type: string; count: number }[];
  tokensByTeam: { team: string | null; requests: number; tokensIn: number; tokensOut: number }[];
}

export interface AuditReader {
  /** `cursor`: a seq from a previous page; pages go down (`desc`) or up (`asc`) from it. */
  list(filter: AuditFilter, page: { cursor?: number; limit: number; order: 'asc' | 'desc' }): Promise<AuditPage>;
  get(seq: number): Promise<StoredAuditRecord | null>;
  stats(filter: AuditFilter): Promise<AuditStats>;
  checkpointCount(): Promise<number>;
}

export interface SqlWhere {
  sql: string;
  params: (string | number)[];
}

/** `WHERE …` (or '') for a filter; column names unqualified, table `audit_log`. */
export function buildWhere(f: AuditFilter): SqlWhere {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const eq = (col: string, v: string | number | undefined) => {
    if (v === undefined) return;
    parts.push(`${col} = ?`);
    params.push(v);
  };
  if (f.from !== undefined) {
    parts.push('ts >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    parts.push('ts < ?');
    params.push(f.to);
  }
  eq('team', f.team);
  eq('key_id', f.key);
  eq('decision', f.decision);
  eq('route', f.route);
  eq('model', f.model);
  eq('status', f.status);
  if (f.finding !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM json_each(audit_log.findings) AS jf WHERE jf.key = ?)');
    params.push(f.finding);
  }
  if (f.kind === 'request') parts.push('detail IS NULL');
  if (f.kind === 'admin') parts.push('detail IS NOT NULL');
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Appends a condition to a `WHERE` built by `buildWhere`. */
export function andWhere(w: SqlWhere, cond: string, params: (string | number)[] = []): SqlWhere {
  return { sql: w.sql ? `${w.sql} AND ${cond}` : `WHERE ${cond}`, params: [...w.params, ...params] };
}

export const STATS_SQL = {
  totals: (w: string) => `SELECT decision, route, COUNT(*) AS n FROM audit_log ${w} GROUP BY decision, route`,
  perHour: (w: string) =>
    `SELECT substr(ts, 1, 13) || ':00:00Z' AS hour, decision, route, COUNT(*) AS n FROM audit_log ${w}
     GROUP BY hour, decision, route ORDER BY hour, decision, route LIMIT 5000`,
  // Keys starting with `_` are bookkeeping (e.g. `_opaque_parts`), not entity types.
  topFindings: (w: string) =>
    `SELECT f.key AS type, SUM(f.value) AS n FROM audit_log, json_each(audit_log.findings) AS f ${w ? `${w} AND` : 'WHERE'}
     substr(f.key, 1, 1) <> '_' GROUP BY f.key ORDER BY n DESC, f.key LIMIT 20`,
  tokensByTeam: (w: string) =>
    `SELECT team, COUNT(*) AS requests, COALESCE(SUM(tokens_in), 0) AS tin, COALESCE(SUM(tokens_out), 0) AS tout
     FROM audit_log ${w} GROUP BY team ORDER BY requests DESC, team LIMIT 100`,
} as const;

/** Folds the rows of the four stats queries into `AuditStats`. */
export function foldStats(rows: {
  totals: { decision: string | null; route: string; n: number }[];
  perHour: { hour: string; decision: string | null; route: string; n: number }[];
  topFindings: { type: string; n: number }[];
  tokensByTeam: { team: string | null; requests: number; tin: number; tout: number }[];
}): AuditStats {
  const byDecision: Record<string, number> = { allow: 0, redact: 0, local: 0, block: 0 };
  const byRoute: Record<string, number> = { remote: 0, local: 0, none: 0 };
  let total = 0;
  for (const r of rows.totals) {
    total += r.n;
    if (r.decision) byDecision[r.decision] = (byDecision[r.decision] ?? 0) + r.n;
    byRoute[r.route] = (byRoute[r.route] ?? 0) + r.n;
  }
  const routed = (byRoute.local ?? 0) + (byRoute.remote ?? 0);
  return {
    total,
    blocked: byDecision.block ?? 0,
    byDecision,
    byRoute,
    localShare: routed ? Math.round(((byRoute.local ?? 0) / routed) * 1000) / 1000 : 0,
    perHour: rows.perHour.map((r) => ({ hour: r.hour, decision: r.decision, route: r.route, count: r.n })),
    topFindings: rows.topFindings.map((r) => ({ type: r.type, count: r.n })),
    tokensByTeam: rows.tokensByTeam.map((r) => ({ team: r.team, requests: r.requests, tokensIn: r.tin, tokensOut: r.tout })),
  };
}

/** What the reader needs from a SQLite driver: run one SELECT with bound values. */
export interface SqlReadPort {
  all<T>(sql: string, params: readonly (string | number)[]): Promise<T[]>;
}

/** The page query of `AuditReader.list`: one row more than `limit`, to know if another page follows. */
export function listQuery(filter: AuditFilter, page: { cursor?: number; limit: number; order: 'asc' | 'desc' }): SqlWhere {
  let w = buildWhere(filter);
  if (page.cursor !== undefined) w = andWhere(w, page.order === 'asc' ? 'seq > ?' : 'seq < ?', [page.cursor]);
  return { sql: `SELECT * FROM audit_log ${w.sql} ORDER BY seq ${page.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ?`, params: [...w.params, page.limit + 1] };
}

/**
 * `AuditReader` over any SQLite driver. `flush` runs before each read so records the writer is
 * still group-committing are visible (better-sqlite3: the store's `flush`; D1: `idle`).
 * @example
 * const reader = createSqlAuditReader({ all: async (sql, p) => db.prepare(sql).all(...p) }, { flush: () => audit.flush() });
 */
export function createSqlAuditReader(port: SqlReadPort, opts: { flush?: () => void | Promise<void> } = {}): AuditReader {
  const flush = async () => {
    await opts.flush?.();
  };
  return {
    async list(filter, page) {
      await flush();
      const q = listQuery(filter, page);
      const rows = await port.all<AuditRow>(q.sql, q.params);
      const more = rows.length > page.limit;
      const data = rows.slice(0, page.limit).map(decodeRow);
      return { data, nextCursor: more ? data[data.length - 1]!.seq : null };
    },
    async get(seq) {
      await flush();
      const [r] = await port.all<AuditRow>('SELECT * FROM audit_log WHERE seq = ?', [seq]);
      return r ? decodeRow(r) : null;
    },
    async stats(filter) {
      await flush();
      const w = buildWhere(filter);
      const run = <T>(sql: string) => port.all<T>(sql, w.params);
      const [totals, perHour, topFindings, tokensByTeam] = await Promise.all([
        run<{ decision: string | null; route: string; n: number }>(STATS_SQL.totals(w.sql)),
        run<{ hour: string; decision: string | null; route: string; n: number }>(STATS_SQL.perHour(w.sql)),
        run<{ type: string; n: number }>(STATS_SQL.topFindings(w.sql)),
        run<{ team: string | null; requests: number; tin: number; tout: number }>(STATS_SQL.tokensByTeam(w.sql)),
      ]);
      return foldStats({ totals, perHour, topFindings, tokensByTeam });
    },
    async checkpointCount() {
      const [r] = await port.all<{ n: number }>('SELECT COUNT(*) AS n FROM audit_checkpoints', []);
      return r?.n ?? 0;
    },
  };
}
