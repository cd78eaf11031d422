/**
 * @module db/migrate.node
 * Applies `migrations/NNNN_name.sql` in file-name order, each inside its own IMMEDIATE
 * transaction, and records it in `d1_migrations` — the table and layout wrangler uses for
 * `wrangler d1 migrations apply` — so one database file can be migrated by either tool.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

/** The repository's `migrations/` folder, found relative to this file. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Same DDL as wrangler's, so a file first migrated by wrangler (or vice versa) is understood.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

export interface MigrationResult {
  /** File names applied by this call, in order. */
  applied: string[];
  /** File names that were already recorded. */
  skipped: string[];
}

/** Migration file names in the order wrangler applies them (plain sort of `*.sql`). */
export function listMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort();
}

/**
 * Applies every migration not yet recorded. Safe against another process migrating the same
 * file at once: the "already applied?" check is repeated inside the write lock.
 * Throws (with the file name) if a migration's SQL fails; that file is rolled back.
 */
export function applyMigrations(db: Database, dir: string = DEFAULT_MIGRATIONS_DIR): MigrationResult {
  db.exec(CREATE_TABLE);
  const isApplied = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM d1_migrations WHERE name = ?');
  const record = db.prepare<[string]>('INSERT INTO d1_migrations (name) VALUES (?)');
  const result: MigrationResult = { applied: [], skipped: [] };

  for (const name of listMigrations(dir)) {
    if (isApplied.get(name)) {
      result.skipped.push(name);
      continue;
    }
    const sql = readFileSync(join(dir, name), 'utf8');
    const apply = db.transaction(() => {
      if (isApplied.get(name)) return false;
      db.exec(sql);
      record.run(name);
      return true;
    });
    try {
      if (apply.immediate()) result.applied.push(name);
      else result.skipped.push(name);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`migration ${name} failed: ${why}`);
    }
  }
  return result;
}
