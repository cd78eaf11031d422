/**
 * @module db/open.node
 * Opens the gateway's SQLite file the one way every Node command should: parent folder created,
 * WAL journal (readers never block the writer), `synchronous=NORMAL` (durable across process
 * crashes, an OS crash may lose the last commits; that is the usual WAL trade-off), a busy
 * timeout so several processes on one file wait instead of failing, and migrations applied.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR } from './migrate.node.ts';

export interface OpenOptions {
  /** Folder of `NNNN_name.sql` files; defaults to the repository's `migrations/`. */
  migrationsDir?: string;
  /** Open an existing file read-only and skip migrations (e.g. `veil audit verify` on a copy). */
  readonly?: boolean;
  /** Milliseconds to wait for another process's write lock. */
  busyTimeoutMs?: number;
}

/**
 * @example
 * const db = openDatabase('./data/veil.db');
 * const audit = createSqliteAuditStore(db);
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory && !opts.readonly) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new BetterSqlite3(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  if (!opts.readonly) {
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  }
  return db;
}
