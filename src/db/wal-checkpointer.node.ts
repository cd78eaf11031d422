/**
 * @module db/wal-checkpointer.node
 * Moves SQLite's WAL checkpoints (and their fsyncs) off the gateway's event loop. By default the
 * connection that commits runs a checkpoint whenever the WAL passes 1000 pages: with one audit row
 * per request (~7 frames) that is every ~150 requests, inside that request, on the main thread,
 * with an fsync of the WAL and of the database file (multi-millisecond stalls at p99-p99.9).
 *
 * Here a `worker_threads` Worker opens its own connection to the same file and runs
 * `PRAGMA wal_checkpoint(PASSIVE)` on a timer, while the main connection runs with
 * `wal_autocheckpoint = 0`. PASSIVE never takes the write lock and never waits, so the writer keeps
 * committing beside it (WAL mode allows one checkpointer next to one writer).
 *
 * Rewinding the WAL: SQLite starts the WAL file over only when a write begins with every frame
 * already copied. A checkpoint in another thread races a steady stream of commits and may never
 * leave that moment, so under sustained load the WAL file would only grow. When it passes
 * `maxWalBytes`, the worker runs a second PASSIVE (copying what arrived during the first) and asks
 * the main thread to run one PASSIVE itself, between requests: it copies the few frames left (and
 * syncs), no commit can slip in because the main connection is the writer, and the next commit
 * rewinds the WAL. That small inline checkpoint happens once per `maxWalBytes` of WAL (~2,400
 * requests at 64 MiB) instead of every ~150 requests. Not a RESTART in the worker: it would hold
 * the write lock while waiting for readers, and a reader left open on the main connection would
 * then stall the main thread's commit for the whole busy timeout.
 *
 * Fail safe: if the worker cannot start, errors, exits or stops reporting, the main connection
 * gets SQLite's auto-checkpoint back and one warn line is logged, so the WAL stays bounded.
 * Only for the long-running gateway; short CLI commands keep SQLite's default. A no-op for
 * `:memory:`, read-only or non-WAL databases.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../util/log.ts';

export interface WalCheckpointerOptions {
  /**
   * Milliseconds between passive checkpoints. 250 ms: at 1,000 requests/s (more than this gateway
   * serves on two cores) that is ~1,750 frames (~7 MB) per checkpoint, the order of SQLite's own
   * 1000-page trigger, and later copies of one page collapse into one write. An idle run costs
   * microseconds and no fsync (SQLite skips the sync when no frame is left to copy).
   */
  intervalMs?: number;
  /**
   * WAL size (its frames, in bytes) that asks the main thread for its one catch-up checkpoint
   * (default 64 MiB: ~2,400 audit appends, so the inline stall lands on fewer than 1 in 1,000
   * requests). SQLite reuses a rewound WAL file without shrinking it, so the file stays at about
   * this size plus one interval's appends: the disk the WAL holds while the gateway runs.
   */
  maxWalBytes?: number;
  /** The worker connection's busy timeout, for opening the file while another process writes. */
  busyTimeoutMs?: number;
  log?: Logger;
  /** better-sqlite3's entry file, loaded by the worker; tests pass a bogus one. */
  modulePath?: string;
}

export interface WalCheckpointer {
  /** Settles once the worker runs (true) or could not start (false; auto-checkpoint stays on). */
  readonly ready: Promise<boolean>;
  /** True while the worker checkpoints and the main connection's auto-checkpoint is off. */
  readonly active: boolean;
  /** Passive checkpoint rounds the worker has reported (tests, diagnostics). */
  readonly runs: number;
  /** Catch-up checkpoints the main thread ran because the WAL passed `maxWalBytes`. */
  readonly catchUps: number;
  /** The worker while it exists (diagnostics, and tests that make it fail). */
  readonly worker: Worker | null;
  /** Stops the worker, waits for it to exit, restores auto-checkpoint and checkpoints once. */
  close(): Promise<void>;
}

/** SQLite's default `wal_autocheckpoint`, restored whenever the worker is not running. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_INTERVAL_MS = 250;
const DEFAULT_MAX_WAL_BYTES = 64 * 1024 * 1024;
const STOP_TIMEOUT_MS = 5000;

/*
 * The worker body is plain CommonJS run with `eval: true`: the project runs TypeScript through
 * tsx's loader (bin/veil.mjs), which a Worker on Node 20 may not inherit. It never logs; errors
 * reach the main thread as the Worker's 'error' event and only their name and code are logged.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
// The checkpoint syncs as the main connection would (WAL, then database file): never OFF here,
// a checkpoint without its syncs can corrupt the file on an OS crash once the WAL is rewound.
db.pragma('synchronous = NORMAL');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
// The WAL's frames now, not its file size: SQLite reuses a rewound file without shrinking it.
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
let timer = null;
function tick() {
  timer = null;
  const big = passive.get().log * frameBytes > workerData.maxWalBytes;
  if (big) passive.get();
  parentPort.postMessage({ type: 'ran', big });
  // After a big round the main thread's catch-up goes first ('go'): run beside it, it would find
  // the checkpoint lock taken and give up.
  if (!big) timer = setTimeout(tick, workerData.intervalMs);
}
parentPort.on('message', (m) => {
  if (m === 'go' && timer === null) timer = setTimeout(tick, workerData.intervalMs);
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage({ type: 'ready' });
timer = setTimeout(tick, workerData.intervalMs);
`;

const noop = (): WalCheckpointer => ({ ready: Promise.resolve(false), active: false, runs: 0, catchUps: 0, worker: null, close: async () => {} });

function isWal(db: Database): boolean {
  return String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
}

/**
 * @example
 * const db = openDatabase(cfg.db);
 * const walCheckpointer = startWalCheckpointer(db, { log });
 * // … on shutdown, before db.close():
 * await walCheckpointer.close();
 */
export function startWalCheckpointer(db: Database, opts: WalCheckpointerOptions = {}): WalCheckpointer {
  if (!db.open || db.memory || db.readonly || !isWal(db)) return noop();
  const path = db.name;
  const intervalMs = Math.max(10, Math.floor(opts.intervalMs ?? DEFAULT_INTERVAL_MS));
  let active = false;
  let stopping = false;
  let failed = false;
  let runs = 0;
  let catchUps = 0;
  let lastSeen = Date.now();
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let settleReady: (ok: boolean) => void = () => {};
  const ready = new Promise<boolean>((r) => (settleReady = r));

  const restoreAuto = () => {
    active = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  const fail = (reason: string, e?: unknown) => {
    settleReady(false);
    if (stopping || failed) return;
    failed = true;
    clearInterval(watchdog);
    restoreAuto();
    const err = e as { name?: unknown; code?: unknown } | undefined;
    opts.log?.log('warn', 'wal checkpointer stopped; sqlite auto-checkpoint restored', {
      db: path,
      reason,
      error: typeof err?.name === 'string' ? err.name : null,
      code: typeof err?.code === 'string' ? err.code : null,
    });
  };

  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        modulePath: opts.modulePath ?? createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        intervalMs,
        maxWalBytes: Math.max(1 << 20, Math.floor(opts.maxWalBytes ?? DEFAULT_MAX_WAL_BYTES)),
        busyTimeoutMs: Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000)),
      },
      // The worker never writes; whatever might must not reach the gateway's log stream.
      stdout: true,
      stderr: true,
    });
  } catch (e) {
    fail('start', e);
    return noop();
  }
  worker.unref();

  // A worker that stops reporting (stuck on a slow disk, or wedged) must not leave the WAL to grow.
  watchdog = setInterval(() => {
    if (active && Date.now() - lastSeen > Math.max(30_000, intervalMs * 40)) {
      fail('stalled');
      void worker.terminate();
    }
  }, 5_000);
  watchdog.unref();

  worker.on('message', (m: { type?: string; big?: boolean }) => {
    lastSeen = Date.now();
    if (stopping || failed || !db.open) return;
    if (m?.type === 'ready') {
      // Only now: until the worker has its own connection, SQLite's default keeps the WAL bounded.
      db.pragma('wal_autocheckpoint = 0');
      active = true;
      settleReady(true);
    } else if (m?.type === 'ran') {
      runs++;
      if (m.big && active) {
        catchUps++;
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
          worker.postMessage('go');
        } catch (e) {
          fail('catch-up', e);
          void worker.terminate();
        }
      }
    }
  });
  worker.on('error', (e) => fail('error', e));
  let exitedYet = false;
  const exited = new Promise<void>((r) =>
    worker.once('exit', () => {
      exitedYet = true;
      r();
    }),
  );
  worker.once('exit', () => fail('exit'));

  return {
    ready,
    get active() {
      return active;
    },
    get runs() {
      return runs;
    },
    get catchUps() {
      return catchUps;
    },
    get worker() {
      return exitedYet ? null : worker;
    },
    async close() {
      if (stopping) return;
      stopping = true;
      settleReady(false);
      clearInterval(watchdog);
      worker.postMessage('stop');
      const force = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(force);
      if (!db.open) return;
      restoreAuto();
      // A clean stop leaves a small WAL: copy what is left and rewind it (no other writer now).
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}
