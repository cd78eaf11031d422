/**
 * @module cli/keys
 * `veil keys create|list|revoke`: manage gateway keys in the SQLite file. The plaintext key is
 * printed once, alone on stdout (so `KEY=$(veil keys create --team x)` captures just the key);
 * the notes go to stderr.
 */
import { openDatabase } from '../db/open.node.ts';
import { createSqliteKeyStore } from '../keys/sqlite.node.ts';
import type { GatewayKey } from '../keys/types.ts';
import { startSubcommand, type CommandContext } from './command-context.ts';

const HELP = {
  keys: `Usage: veil keys <command>

Manage gateway keys (stored hashed in the database).

Commands:
  create --team NAME [--policy ID]   create a key; it is printed once
  list                               list keys (never shows secrets)
  revoke ID                          revoke a key by its id

Options:
  -h, --help   show help for a command

The database is the file named by VEIL_DB (default ./data/veil.db).
`,
  create: `Usage: veil keys create --team NAME [--policy ID]

Creates a gateway key for a team, bound to a policy (default: the organisation default policy).
The key is printed once on stdout; it cannot be shown again, only revoked and replaced.
`,
  list: `Usage: veil keys list [--json]

Lists keys: id, team, policy, created, revoked, prefix. Secrets are never stored or shown.
`,
  revoke: `Usage: veil keys revoke ID

Revokes the key with this id (see \`veil keys list\`). Requests with it get 401 from then on.
`,
};

const TEAM_SHAPE = /^[\p{L}\p{N}][\p{L}\p{N} ._\-]{0,63}$/u;
const POLICY_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$/;


/** Runs `veil keys …`; returns the exit code (0 ok, 1 failed, 2 usage error). */
export async function runKeys(argv: string[], ctx: CommandContext): Promise<number> {
  const out = (s: string) => void ctx.stdout.write(s);
  const err = (s: string) => void ctx.stderr.write(s);
  const started = startSubcommand('keys', argv, ctx, HELP, KEY_OPTIONS);
  if (typeof started === 'number') return started;
  const { sub, args } = started;

  if (sub === 'create') {
    const team = args.values.team?.trim();
    if (!team || !TEAM_SHAPE.test(team)) {
      err(`veil keys create: --team is required (letters, digits, space . _ -; up to 64)\n\n${HELP.create}`);
      return 2;
    }
    const policy = args.values.policy;
    if (policy !== undefined && !POLICY_SHAPE.test(policy)) {
      err('veil keys create: --policy must be a policy id (letters, digits, . _ -)\n');
      return 2;
    }
    if (args.positionals.length > 0) {
      err(`veil keys create: unexpected argument '${args.positionals[0]}'\n`);
      return 2;
    }
    return withStore(ctx, async (keys) => {
      const { key, secret } = await keys.create({ team, policyId: policy ?? null });
      err(`Created key ${key.id} for team '${key.team}' (policy: ${key.policyId ?? 'default'}).\n`);
      out(secret + '\n');
      err('This key will not be shown again. Store it now; if lost, revoke it and create another.\n');
      return 0;
    });
  }

  if (sub === 'list') {
    return withStore(ctx, async (keys) => {
      const list = await keys.list();
      if (args.values.json) out(JSON.stringify(list, null, 2) + '\n');
      else if (list.length === 0) err('No keys. Create one with `veil keys create --team NAME`.\n');
      else out(table(list));
      return 0;
    });
  }

  // revoke
  const id = args.positionals[0];
  if (!id || args.positionals.length > 1) {
    err(`veil keys revoke: expected one key id\n\n${HELP.revoke}`);
    return 2;
  }
  return withStore(ctx, async (keys) => {
    if (await keys.revoke(id)) {
      out(`Revoked key ${id}.\n`);
      return 0;
    }
    const existing = keys.get(id);
    err(existing ? `Key ${id} was already revoked at ${existing.revokedAt}.\n` : `No key with id '${id}'.\n`);
    return 1;
  });
}

const KEY_OPTIONS = {
  team: { type: 'string' },
  policy: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function withStore(
  ctx: CommandContext,
  fn: (keys: ReturnType<typeof createSqliteKeyStore>) => Promise<number>,
): Promise<number> {
  let db;
  try {
    db = openDatabase(ctx.dbPath);
  } catch (e) {
    ctx.stderr.write(`veil keys: cannot open database ${ctx.dbPath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await fn(createSqliteKeyStore(db));
  } finally {
    db.close();
  }
}

/** A plain aligned table: fixed columns, no colours, safe to paste. */
export function table(keys: readonly GatewayKey[]): string {
  const head = ['ID', 'TEAM', 'POLICY', 'CREATED', 'REVOKED', 'PREFIX'];
  const rows = keys.map((k) => [k.id, k.team, k.policyId ?? '(default)', k.createdAt, k.revokedAt ?? '-', `${k.prefix}_…`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n';
  return line(head) + rows.map(line).join('');
}
