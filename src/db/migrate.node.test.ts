import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, listMigrations } from './migrate.node.ts';
import { openDatabase } from './open.node.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function names(db: BetterSqlite3.Database): string[] {
  return (db.prepare('SELECT name FROM d1_migrations ORDER BY id').all() as { name: string }[]).map((r) => r.name);
}

describe('migrations', () => {
  it('openDatabase creates the folder, sets WAL + synchronous=NORMAL, and applies the repo migrations once', () => {
    const path = join(dir, 'a', 'b', 'veil.db');
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(names(db)).toEqual(listMigrations());
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'audit_checkpoints', 'gateway_keys', 'd1_migrations']));
    db.close();
    const again = openDatabase(path);
    expect(names(again)).toEqual(listMigrations());
    expect(applyMigrations(again)).toEqual({ applied: [], skipped: listMigrations() });
    again.close();
  });

  it('applies in file-name order, records each, and rolls back a failing file naming it', () => {
    const m = join(dir, 'm');
    mkdirSync(m);
    writeFileSync(join(m, '0010_later.sql'), 'CREATE TABLE later (x INTEGER);');
    writeFileSync(join(m, '0002_first.sql'), 'CREATE TABLE first (x INTEGER);\nINSERT INTO first VALUES (1);');
    writeFileSync(join(m, 'README.md'), 'not a migration');
    const db = new BetterSqlite3(':memory:');
    expect(applyMigrations(db, m).applied).toEqual(['0002_first.sql', '0010_later.sql']);

    writeFileSync(join(m, '0011_broken.sql'), 'CREATE TABLE half (x INTEGER);\nCREATE TABLE first (x INTEGER);');
    expect(() => applyMigrations(db, m)).toThrow(/0011_broken\.sql/);
    expect(names(db)).toEqual(['0002_first.sql', '0010_later.sql']);
    // The failed file left nothing behind, so fixing it and re-running works.
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    writeFileSync(join(m, '0011_broken.sql'), 'CREATE TABLE half (x INTEGER);');
    expect(applyMigrations(db, m).applied).toEqual(['0011_broken.sql']);
  });

  it('shares the d1_migrations table with wrangler (same columns, names with .sql)', () => {
    const db = new BetterSqlite3(':memory:');
    // What `wrangler d1 migrations apply` leaves behind after applying our first file.
    db.exec(`CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
             applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`);
    db.exec(readFileSync(join(DEFAULT_MIGRATIONS_DIR, '0001_init.sql'), 'utf8'));
    db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run('0001_init.sql');
    expect(applyMigrations(db).applied).toEqual(listMigrations().filter((n) => n !== '0001_init.sql'));
    const cols = (db.prepare('PRAGMA table_info(d1_migrations)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['id', 'name', 'applied_at']);
  });

  it('migration files stay plain SQLite that D1 accepts (no PRAGMA, transactions, triggers or ATTACH)', () => {
    for (const name of listMigrations()) {
      const sql = readFileSync(join(DEFAULT_MIGRATIONS_DIR, name), 'utf8').replace(/--.*$/gm, '');
      expect(name).toMatch(/^\d{4}_[a-z0-9_]+\.sql$/);
      expect(sql, name).not.toMatch(/\b(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|TRIGGER|ATTACH|VACUUM)\b/i);
    }
  });
});
