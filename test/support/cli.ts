/**
 * @module test/support/cli
 * What the `veil` subcommand tests share: a fresh temp directory per test (removed after it), a
 * stream stand-in that keeps what was written, and a runner that calls a subcommand function
 * with captured stdout and stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CommandContext } from '../../src/cli/command-context.ts';

/** A `CliStream` that keeps everything written to it in `text`. */
export function collector(): { text: string; write(s: string): boolean } {
  return { text: '', write(s: string) { this.text += s; return true; } };
}

/**
 * Gives each test its own temp directory: `ready(dir)` runs before the test (to derive paths
 * from it), the directory is removed after.
 *
 * @example
 * let dbPath: string;
 * useTempDir('veil-cli-keys-', (dir) => (dbPath = join(dir, 'veil.db')));
 */
export function useTempDir(prefix: string, ready: (dir: string) => void): void {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    ready(dir);
  });
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs a subcommand function with captured streams; `ctx` is the rest of its context. */
export async function runCommand(
  fn: (argv: string[], ctx: CommandContext) => Promise<number>,
  argv: string[],
  ctx: Omit<CommandContext, 'stdout' | 'stderr'>,
): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  const code = await fn(argv, { ...ctx, stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}
