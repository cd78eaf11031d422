import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, useTempDir } from '../../test/support/cli.ts';
import { openDatabase } from '../db/open.node.ts';
import { createSqliteKeyStore } from '../keys/sqlite.node.ts';
import { runKeys } from './keys.ts';

let dbPath: string;
useTempDir('veil-cli-keys-', (dir) => (dbPath = join(dir, 'data', 'veil.db')));

const run = (...argv: string[]) => runCommand(runKeys, argv, { dbPath });

describe('veil keys', () => {
  it('create prints the key once on stdout, with a not-shown-again note, and the key works', async () => {
    const r = await run('create', '--team', 'research', '--policy', 'strict');
    expect(r.code).toBe(0);
    const key = r.out.trim();
    expect(key).toMatch(/^veil_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
    expect(r.out).toBe(key + '\n');
    expect(r.err).toMatch(/will not be shown again/);
    expect(r.err).not.toContain(key);
    const db = openDatabase(dbPath);
    try {
      expect(await createSqliteKeyStore(db).verify(key)).toMatchObject({ team: 'research', policyId: 'strict' });
    } finally {
      db.close();
    }
  });

  it('list shows a table without secrets; revoke disables the key', async () => {
    const key = (await run('create', '--team', 'ops')).out.trim();
    const id = key.split('_')[1]!;
    const list = await run('list');
    expect(list.code).toBe(0);
    const lines = list.out.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TEAM\s+POLICY\s+CREATED\s+REVOKED\s+PREFIX$/);
    expect(lines[1]).toContain(id);
    expect(lines[1]).toContain('ops');
    expect(lines[1]).toContain('(default)');
    expect(list.out).not.toContain(key.split('_')[2]!);

    expect(await run('revoke', id)).toMatchObject({ code: 0, out: `Revoked key ${id}.\n` });
    const again = await run('revoke', id);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already revoked/);
    expect((await run('revoke', 'nosuchkey')).code).toBe(1);
    const json = JSON.parse((await run('list', '--json')).out) as { id: string; revokedAt: string | null }[];
    expect(json[0]).toMatchObject({ id });
    expect(json[0]!.revokedAt).not.toBeNull();
  });

  it('usage errors exit 2 with help; --help exits 0', async () => {
    expect((await run('create')).code).toBe(2);
    expect((await run('create', '--team', '')).code).toBe(2);
    expect((await run('create', '--team', 'x', '--policy', '../etc')).code).toBe(2);
    expect((await run('create', '--team', 'x', '--bogus')).code).toBe(2);
    expect((await run('revoke')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run()).code).toBe(2);
    for (const argv of [['--help'], ['create', '--help'], ['list', '-h'], ['revoke', '--help']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.out, argv.join(' ')).toMatch(/^Usage: veil keys/);
    }
  });

  it('list on an empty database says how to create a key', async () => {
    const r = await run('list');
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.err).toMatch(/veil keys create/);
  });
});
