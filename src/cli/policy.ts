/**
 * @module cli/policy
 * `veil policy list|export`: the policy versions in force, read from the database's policy store,
 * and written back to YAML files (`<id>.yaml`) so a team can commit what was edited in the
 * console. The file holds the version's text byte for byte, so importing it at the next start is
 * a no-op (same hash).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../db/open.node.ts';
import { createSqlitePolicyStore } from '../policy-store/sqlite.node.ts';
import type { PolicyStore } from '../policy-store/types.ts';
import { startSubcommand, type CommandContext } from './command-context.ts';

const HELP = {
  policy: `Usage: veil policy <command>

Versioned policies stored in the database (edited in the admin console or API).

Commands:
  list [--json]          the version in force of each policy
  export [--out DIR]     write each version in force to DIR/<id>.yaml (default ./policies)

The database is the file named by VEIL_DB (default ./data/veil.db).
`,
  list: `Usage: veil policy list [--json]

Prints id, version, author, time, content hash and message of each policy's version in force.
`,
  export: `Usage: veil policy export [--out DIR]

Writes each policy's version in force to DIR/<id>.yaml (default ./policies), overwriting files of
the same name. Other files in DIR are left alone.
`,
};

/** Runs `veil policy …`; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runPolicy(argv: string[], ctx: CommandContext): Promise<number> {
  const out = (s: string) => void ctx.stdout.write(s);
  const err = (s: string) => void ctx.stderr.write(s);
  const started = startSubcommand('policy', argv, ctx, HELP, { out: { type: 'string', short: 'o' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false);
  if (typeof started === 'number') return started;
  const { sub, args } = started;
  if (ctx.dbPath !== ':memory:' && !existsSync(ctx.dbPath)) {
    err(`veil policy: no database at ${ctx.dbPath} (set VEIL_DB or start the gateway first)\n`);
    return 1;
  }
  return withStore(ctx, async (store) => {
    const current = await store.current();
    if (sub === 'list') {
      if (args.values.json) out(JSON.stringify(current.map(({ source: _s, ...v }) => v), null, 2) + '\n');
      else if (current.length === 0) err('No policies stored yet (the gateway imports policies/*.yaml at start).\n');
      else {
        for (const v of current) out(`${v.policyId}\tv${v.version}\t${v.createdAt}\t${v.author}\t${v.hash.slice(0, 12)}\t${v.message}\n`);
      }
      return 0;
    }
    const dir = args.values.out ?? 'policies';
    if (current.length === 0) {
      err('No policies stored yet; nothing to export.\n');
      return 1;
    }
    try {
      mkdirSync(dir, { recursive: true });
      for (const v of current) writeFileSync(join(dir, `${v.policyId}.yaml`), v.source);
    } catch (e) {
      err(`veil policy export: cannot write to ${dir}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    for (const v of current) out(`${join(dir, `${v.policyId}.yaml`)}\tv${v.version}\n`);
    err(`Exported ${current.length} polic${current.length === 1 ? 'y' : 'ies'} to ${dir}.\n`);
    return 0;
  });
}

async function withStore(ctx: CommandContext, fn: (store: PolicyStore) => Promise<number>): Promise<number> {
  let db;
  try {
    db = openDatabase(ctx.dbPath);
  } catch (e) {
    ctx.stderr.write(`veil policy: cannot open database ${ctx.dbPath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await fn(createSqlitePolicyStore(db));
  } finally {
    db.close();
  }
}
