/**
 * @module admin/audit-reader.sqlite.node
 * `AuditReader` on better-sqlite3: the shared reader of `audit-reader.ts` with a better-sqlite3
 * port. Reads only; the writer's pending group commit is flushed first by the caller-provided `flush`.
 */
import type { Database } from 'better-sqlite3';
import { createSqlAuditReader, type AuditReader } from './audit-reader.ts';

export function createSqliteAuditReader(db: Database, opts: { flush?: () => void } = {}): AuditReader {
  return createSqlAuditReader({ all: async <T>(sql: string, params: readonly (string | number)[]) => db.prepare(sql).all(...params) as T[] }, opts);
}
