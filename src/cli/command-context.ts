/**
 * @module cli/command-context
 * What a `veil` subcommand function receives from the dispatcher (`cli/main.ts`): the database
 * path and where to write. Streams are narrowed to what commands use so tests can pass a
 * collector instead of `process.stdout`.
 */
import { once } from 'node:events';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliStream {
  /** Returns false when the caller should wait for `drain` (Node writable semantics). */
  write(chunk: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

export interface CommandContext {
  dbPath: string;
  stdout: CliStream;
  stderr: CliStream;
  /** The secret the gateway signs audit checkpoints with; enables signature checks in verify. */
  auditSecret?: string | null;
  /** Environment; `VEIL_AUDIT_SECRET` here is used when `auditSecret` is not given. */
  env?: Record<string, string | undefined>;
  /** Ends long-running commands (`audit tail --follow`); SIGINT is also honoured. */
  signal?: AbortSignal;
}

/** Writes and waits for `drain` when the stream asks, so big exports do not pile up in memory. */
export async function writeOut(stream: CliStream, chunk: string): Promise<void> {
  if (stream.write(chunk) === false && typeof stream.once === 'function') {
    await once(stream as unknown as NodeJS.EventEmitter, 'drain');
  }
}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends OptionSpecs, P extends boolean> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>>;

/**
 * The part every `veil <group> <sub>` command starts with: group help, unknown subcommand, flag
 * parsing and `--help`, each with the same wording and exit codes (0 help, 2 usage). Returns the
 * exit code when the command is already answered, else the subcommand and its parsed flags.
 * `help` maps the group name and each subcommand to its help text.
 */
export function startSubcommand<const O extends OptionSpecs, const P extends boolean = true>(
  group: string,
  argv: string[],
  ctx: Pick<CommandContext, 'stdout' | 'stderr'>,
  help: Readonly<Record<string, string>>,
  options: O,
  allowPositionals: P = true as P,
): number | { sub: string; args: Parsed<O, P> } {
  const [sub, ...rest] = argv;
  const groupHelp = help[group]!;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    (sub === undefined ? ctx.stderr : ctx.stdout).write(groupHelp);
    return sub === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(help, sub) || sub === group) {
    ctx.stderr.write(`veil ${group}: unknown command '${sub}'\n\n${groupHelp}`);
    return 2;
  }
  let args: Parsed<O, P>;
  try {
    args = parseArgs({ args: rest, options, strict: true, allowPositionals });
  } catch (e) {
    ctx.stderr.write(`veil ${group} ${sub}: ${e instanceof Error ? e.message : String(e)}\n\n${help[sub]}`);
    return 2;
  }
  if ((args.values as { help?: boolean }).help) {
    ctx.stdout.write(help[sub]!);
    return 0;
  }
  return { sub, args };
}
