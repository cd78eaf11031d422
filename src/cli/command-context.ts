/**
 * @module cli/command-context
 * What a `veil` subcommand function receives from the dispatcher (`cli/main.ts`): the database
 * path and where to write. Streams are narrowed to what commands use so tests can pass a
 * collector instead of `process.stdout`.
 */
import { once } from 'node:events';

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
