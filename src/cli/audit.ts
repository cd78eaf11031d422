/**
 * @module cli/audit
 * `veil audit verify|tail|export`: check the hash chain, watch records arrive, and stream the
 * log out as JSONL or CSV. Read-only except that opening applies pending migrations.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { csvHeader, EXPORT_FORMATS, toCsvLine, toJsonLine } from '../audit/export.ts';
import type { ExportFormat } from '../audit/export.ts';
import { createSqliteAuditStore } from '../audit/sqlite.node.ts';
import type { SqliteAuditStore } from '../audit/sqlite.node.ts';
import type { StoredAuditRecord } from '../audit/types.ts';
import { openDatabase } from '../db/open.node.ts';
import { startSubcommand, writeOut } from './command-context.ts';
import type { CliStream, CommandContext } from './command-context.ts';

const HELP = {
  audit: `Usage: veil audit <command>

Inspect the hash-chained audit log.

Commands:
  verify                                   check every record's hash and chain links
  tail [-n N] [--follow] [--json]          show the newest records
  export --format jsonl|csv [--since ISO] [--out FILE] [--excel-safe]
                                           stream the log out

Options:
  -h, --help   show help for a command

The database is the file named by VEIL_DB (default ./data/veil.db). Checkpoint signatures are
checked when the gateway's audit secret is known (VEIL_AUDIT_SECRET).
`,
  verify: `Usage: veil audit verify

Recomputes every record's hash and follows each chain. Exits 0 with "OK: N records verified",
or 1 naming the first record that was altered, deleted or reordered (its seq and request id).
With the audit secret known, checkpoint signatures are checked too, which also catches the
deletion of the newest records up to the last checkpoint. See docs/audit.md.
`,
  tail: `Usage: veil audit tail [-n N] [--follow] [--json]

Prints the newest N records (default 20), oldest first. --follow keeps printing new records
until interrupted (Ctrl-C). --json prints one JSON object per line.
`,
  export: `Usage: veil audit export --format jsonl|csv [--since ISO] [--out FILE] [--excel-safe]

Streams records (oldest first) as JSON Lines or RFC 4180 CSV to FILE or stdout. --since keeps
records at or after an ISO-8601 time. --excel-safe prefixes text cells that a spreadsheet would
run as a formula (= + - @) with '. Progress goes to stderr every 10,000 records.
`,
};

export const PROGRESS_EVERY = 10_000;
const FOLLOW_POLL_MS = 500;

/** Runs `veil audit …`; returns the exit code (0 ok, 1 failed/verification failed, 2 usage). */
export async function runAudit(argv: string[], ctx: CommandContext): Promise<number> {
  const out = (s: string) => void ctx.stdout.write(s);
  const err = (s: string) => void ctx.stderr.write(s);
  const started = startSubcommand('audit', argv, ctx, HELP, AUDIT_OPTIONS);
  if (typeof started === 'number') return started;
  const { sub, args } = started;
  const v = args.values;
  if (args.positionals.length > 0) {
    err(`veil audit ${sub}: unexpected argument '${args.positionals[0]}'\n`);
    return 2;
  }

  // Checked before opening so a typo'd path is reported instead of silently creating a new log.
  if (ctx.dbPath !== ':memory:' && !existsSync(ctx.dbPath)) {
    err(`veil audit: no database at ${ctx.dbPath} (set VEIL_DB or start the gateway first)\n`);
    return 1;
  }

  if (sub === 'verify') {
    return withStore(ctx, async (store) => {
      const res = await store.verify();
      if (res.ok) {
        out(`OK: ${res.checked} records verified (${res.chains ?? 0} chain${res.chains === 1 ? '' : 's'}).\n`);
        return 0;
      }
      const b = res.firstBad!;
      const what = b.seq > 0 ? `record seq ${b.seq}${b.requestId ? ` (request ${b.requestId})` : ''}` : 'checkpoint';
      out(`FAIL: ${what}: ${b.reason}\n`);
      err(`${res.checked} records checked before the failure.\n`);
      return 1;
    });
  }

  if (sub === 'tail') {
    const n = v.n === undefined ? 20 : Number(v.n);
    if (!Number.isInteger(n) || n < 0) {
      err('veil audit tail: -n must be a non-negative integer\n');
      return 2;
    }
    return withStore(ctx, async (store) => {
      const print = async (r: StoredAuditRecord) => writeOut(ctx.stdout, v.json ? JSON.stringify(r) + '\n' : formatTailLine(r));
      let last = 0;
      for (const r of await store.tail(n)) {
        await print(r);
        last = r.seq;
      }
      if (!v.follow) return 0;
      if (last === 0) last = (await store.tail(1))[0]?.seq ?? 0;
      const stop = stopSignal(ctx.signal);
      try {
        while (!stop.signal.aborted) {
          await sleep(FOLLOW_POLL_MS, stop.signal);
          for (const r of await store.query({ afterSeq: last, limit: 1000 })) {
            await print(r);
            last = r.seq;
          }
        }
      } finally {
        stop.dispose();
      }
      return 0;
    });
  }

  // export
  const format = v.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) {
    err(`veil audit export: --format must be one of ${EXPORT_FORMATS.join(', ')}\n\n${HELP.export}`);
    return 2;
  }
  let since: string | undefined;
  if (v.since !== undefined) {
    const t = Date.parse(v.since);
    if (Number.isNaN(t)) {
      err(`veil audit export: --since must be an ISO-8601 time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z\n`);
      return 2;
    }
    // Stored times are toISOString() text, so the bound must be too for the text comparison.
    since = new Date(t).toISOString();
  }
  return withStore(ctx, async (store) => {
    let dest: CliStream = ctx.stdout;
    let file: ReturnType<typeof createWriteStream> | undefined;
    let fileError: Error | undefined; // also any error mid-export
    if (v.out) {
      file = createWriteStream(v.out, { flags: 'w' });
      file.on('error', (e) => (fileError = e));
      try {
        await once(file, 'open');
      } catch {
        err(`veil audit export: cannot write ${v.out}: ${fileError?.message ?? 'open failed'}\n`);
        return 1;
      }
      dest = file;
    }
    const csv = { excelSafe: v['excel-safe'] };
    let records = 0;
    try {
      if (format === 'csv') await writeOut(dest, csvHeader());
      for await (const r of store.iterate({ since })) {
        if (fileError) break;
        await writeOut(dest, format === 'csv' ? toCsvLine(r, csv) : toJsonLine(r));
        records++;
        if (records % PROGRESS_EVERY === 0) err(`exported ${records} records…\n`);
      }
    } catch (e) {
      fileError ??= e instanceof Error ? e : new Error(String(e));
    } finally {
      if (file && !fileError) {
        file.end();
        await once(file, 'close').catch(() => undefined);
      }
    }
    if (fileError) {
      err(`veil audit export: failed after ${records} records${v.out ? ` (${v.out} is incomplete)` : ''}: ${fileError.message}\n`);
      return 1;
    }
    err(`Exported ${records} record${records === 1 ? '' : 's'}${v.out ? ` to ${v.out}` : ''}.\n`);
    return 0;
  });
}

const AUDIT_OPTIONS = {
  n: { type: 'string', short: 'n' },
  follow: { type: 'boolean', short: 'f' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  since: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'excel-safe': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function withStore(ctx: CommandContext, fn: (store: SqliteAuditStore) => Promise<number>): Promise<number> {
  let db;
  try {
    db = openDatabase(ctx.dbPath);
  } catch (e) {
    ctx.stderr.write(`veil audit: cannot open database ${ctx.dbPath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    return await fn(createSqliteAuditStore(db, { secret: ctx.auditSecret || ctx.env?.VEIL_AUDIT_SECRET || null }));
  } finally {
    db.close();
  }
}

/** One human-readable line per record: what happened, never any content. */
export function formatTailLine(r: StoredAuditRecord): string {
  const findings = Object.entries(r.findings)
    .map(([k, n]) => `${k}×${n}`)
    .join(',');
  return (
    [
      `#${r.seq}`,
      r.ts,
      (r.decision ?? '-').padEnd(6),
      String(r.status),
      `${r.route}${r.provider ? ':' + r.provider : ''}`,
      r.team ?? '-',
      r.model ?? '-',
      r.endpoint,
      findings || '-',
      `${Math.round(r.totalMs)}ms`,
      r.requestId,
    ].join('  ') + (r.errorCode ? `  error=${r.errorCode}` : '') + '\n'
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Aborts on the caller's signal or on SIGINT (Ctrl-C ends `tail --follow` with exit 0). */
function stopSignal(outer?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onOuter = () => ac.abort();
  const onSigint = () => ac.abort();
  if (outer?.aborted) ac.abort();
  outer?.addEventListener('abort', onOuter, { once: true });
  process.once('SIGINT', onSigint);
  return {
    signal: ac.signal,
    dispose: () => {
      outer?.removeEventListener('abort', onOuter);
      process.removeListener('SIGINT', onSigint);
    },
  };
}
