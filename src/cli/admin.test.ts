import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, useTempDir } from '../../test/support/cli.ts';
import { createSqliteAdminKeyStore } from '../admin/admin-store.sqlite.node.ts';
import { openDatabase } from '../db/open.node.ts';
import { runAdmin } from './admin.ts';

let dbPath: string;
useTempDir('veil-cli-admin-', (dir) => (dbPath = join(dir, 'veil.db')));

const run = (fn: typeof runAdmin, ...argv: string[]) => runCommand(fn, argv, { dbPath });

describe('veil admin create-key', () => {
  it('prints the token once on stdout; it verifies with its role; only the hash is stored', async () => {
    const r = await run(runAdmin, 'create-key', '--name', 'alice', '--role', 'auditor');
    expect(r.code).toBe(0);
    const token = r.out.trim();
    expect(token).toMatch(/^veiladm_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
    expect(r.err).toContain('will not be shown again');
    const db = openDatabase(dbPath);
    expect(await createSqliteAdminKeyStore(db).verify(token)).toMatchObject({ name: 'alice', role: 'auditor' });
    expect(JSON.stringify(db.prepare('SELECT * FROM admin_keys').all())).not.toContain(token.slice(-40));
    db.close();
  });

  it('refuses a bad role or a missing name', async () => {
    expect((await run(runAdmin, 'create-key', '--name', 'x', '--role', 'root')).code).toBe(2);
    expect((await run(runAdmin, 'create-key', '--role', 'admin')).code).toBe(2);
    expect((await run(runAdmin, 'make-key')).code).toBe(2);
  });
});
