import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, useTempDir } from '../../test/support/cli.ts';
import { openDatabase } from '../db/open.node.ts';
import { createSqlitePolicyStore } from '../policy-store/sqlite.node.ts';
import { importPolicySources } from '../policy-store/registry.ts';
import { runPolicy } from './policy.ts';

let dir: string;
let dbPath: string;
useTempDir('veil-cli-policy-', (d) => {
  dir = d;
  dbPath = join(d, 'veil.db');
});

const run = (fn: typeof runPolicy, ...argv: string[]) => runCommand(fn, argv, { dbPath });

const A = 'id: a\nrules:\n  EMAIL: { action: redact }\n';
const B = 'id: b\nextends: a\nrules:\n  PHONE: { action: block }\n';

describe('veil policy', () => {
  it('lists and exports the versions in force byte for byte; re-importing the export is a no-op', async () => {
    const db = openDatabase(dbPath);
    const store = createSqlitePolicyStore(db);
    await importPolicySources(store, [{ file: 'a.yaml', text: A }, { file: 'b.yaml', text: B }]);
    const A2 = A.replace('redact', 'block');
    await importPolicySources(store, [{ file: 'a.yaml', text: A2 }]);
    db.close();

    const list = await run(runPolicy, 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^a\tv2\t.*\nb\tv1\t/);
    const json = JSON.parse((await run(runPolicy, 'list', '--json')).out);
    expect(json.map((v: { policyId: string; version: number }) => [v.policyId, v.version])).toEqual([['a', 2], ['b', 1]]);
    expect(JSON.stringify(json)).not.toContain('source');

    const out = join(dir, 'exported');
    const ex = await run(runPolicy, 'export', '--out', out);
    expect(ex.code).toBe(0);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe(A2);
    expect(readFileSync(join(out, 'b.yaml'), 'utf8')).toBe(B);
    const db2 = openDatabase(dbPath);
    const again = await importPolicySources(createSqlitePolicyStore(db2), [
      { file: 'a.yaml', text: readFileSync(join(out, 'a.yaml'), 'utf8') },
      { file: 'b.yaml', text: readFileSync(join(out, 'b.yaml'), 'utf8') },
    ]);
    expect(again).toEqual([]);
    db2.close();
  });

  it('usage errors and a missing database', async () => {
    expect((await run(runPolicy)).code).toBe(2);
    expect((await run(runPolicy, 'frob')).code).toBe(2);
    expect((await run(runPolicy, 'export', '--bogus')).code).toBe(2);
    expect((await run(runPolicy, 'list', '--help')).out).toContain('Usage: veil policy list');
    const missing = await run(runPolicy, 'list');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no database');
  });
});
