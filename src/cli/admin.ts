/**
 * @module cli/admin
 * `veil admin create-key --name NAME --role admin|auditor`: a personal admin API key. The token
 * is printed once, alone on stdout (`TOKEN=$(veil admin create-key …)` captures just it); notes go
 * to stderr. Only its SHA-256 is stored.
 */
import { ADMIN_ROLES, type AdminRole } from '../admin/admin-keys.ts';
import { createSqliteAdminKeyStore } from '../admin/admin-store.sqlite.node.ts';
import { openDatabase } from '../db/open.node.ts';
import { startSubcommand, type CommandContext } from './command-context.ts';

const HELP = `Usage: veil admin create-key --name NAME --role admin|auditor

Creates a personal key for the admin API and console (/admin). The token is printed once.
  admin     everything: policies, keys, bindings, retention, exports
  auditor   reads audit and policies, runs the test bench; changes nothing

The bootstrap token is the VEIL_ADMIN_TOKEN environment variable of the gateway (role admin).
The database is the file named by VEIL_DB (default ./data/veil.db).
`;

/** Runs `veil admin …`; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runAdmin(argv: string[], ctx: CommandContext): Promise<number> {
  const out = (s: string) => void ctx.stdout.write(s);
  const err = (s: string) => void ctx.stderr.write(s);
  const started = startSubcommand('admin', argv, ctx, { admin: HELP, 'create-key': HELP }, { name: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, false);
  if (typeof started === 'number') return started;
  const { args } = started;
  const name = args.values.name?.trim();
  const role = args.values.role as AdminRole | undefined;
  if (!name || name.length > 200) {
    err(`veil admin create-key: --name is required (up to 200 characters)\n\n${HELP}`);
    return 2;
  }
  if (!role || !ADMIN_ROLES.includes(role)) {
    err(`veil admin create-key: --role must be admin or auditor\n\n${HELP}`);
    return 2;
  }
  let db;
  try {
    db = openDatabase(ctx.dbPath);
  } catch (e) {
    err(`veil admin: cannot open database ${ctx.dbPath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    const { key, secret } = await createSqliteAdminKeyStore(db).create({ name, role });
    err(`Created admin key ${key.id} for '${key.name}' (role: ${key.role}).\n`);
    out(secret + '\n');
    err('This token will not be shown again. Use it as "Authorization: Bearer <token>" or in the console login.\n');
    return 0;
  } finally {
    db.close();
  }
}
