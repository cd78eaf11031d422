/**
 * @module admin/audit-reader.d1
 * `AuditReader` on Cloudflare D1: the shared reader and SQL of `audit-reader.ts` with a D1 port.
 * `flush` should be the D1 audit store's `idle`, so this isolate's pending appends are visible.
 */
import type { D1Database } from '../audit/d1.ts';
import { createSqlAuditReader, type AuditReader } from './audit-reader.ts';

/**
 * @example
 * const reader = createD1AuditReader(env.DB, { flush: () => audit.idle() });
 * const page = await reader.list({ decision: 'block' }, { limit: 50, order: 'desc' });
 */
export function createD1AuditReader(db: D1Database, opts: { flush?: () => Promise<void> } = {}): AuditReader {
  return createSqlAuditReader(
    {
      all: async <T>(sql: string, params: readonly (string | number)[]) => (await db.prepare(sql).bind(...params).all<T>()).results,
    },
    opts,
  );
}
