/**
 * @module audit/d1
 * The audit store on Cloudflare D1, same table, same columns and same hash chain as the SQLite
 * store (`chain.ts`, `row.ts`), so `verify()` and exports agree byte for byte across runtimes.
 *
 * Workers have no single writer: any number of isolates append at once, and D1 offers no
 * interactive transaction to "read the head, then insert" atomically. So each store (one per
 * isolate) owns its own chain: a random `chain_id`, whose head it keeps in memory. Appends from
 * one isolate are serialized and group-committed: every record waiting while a write is in flight
 * goes into the next `db.batch` (atomic), together with any `head` checkpoint that falls due.
 * `UNIQUE(chain_id, chain_seq)` turns a stale head (a batch whose outcome was lost, or an id
 * collision) into an error instead of a fork; the store then re-reads its head from D1 and either
 * finds its batch committed after all or re-links and retries.
 *
 * Web-standard only: `crypto.subtle` hashing; the D1 binding is described structurally here so
 * the core needs no Workers type package.
 */
import { canonicalCheckpoint, canonicalize, createChainVerifier, createHmacHex, GENESIS_HASH, linkRow, sha256Hex } from './chain.ts';
import { AUDIT_COLUMNS, decodeCheckpoint, decodeRow, encodeRecord } from './row.ts';
import type { AuditRow, CheckpointRow, NewAuditRow } from './row.ts';
import type { AuditCheckpoint, AuditLog, AuditQuery, AuditRecord, StoredAuditRecord, VerifyResult } from './types.ts';

/** The parts of the D1 binding Veil uses (a structural subset of `D1Database`). */
export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
}

export interface D1Result<T> {
  results: T[];
  success: boolean;
  meta: { changes?: number; last_row_id?: number; [k: string]: unknown };
}

export interface D1AuditOptions {
  /** This writer's chain; default a fresh random id, so each isolate appends to its own chain. */
  chainId?: string;
  /** Server secret for checkpoint MACs; without it checkpoints are unsigned. */
  secret?: string | null;
  /** Write a signed `head` checkpoint every N records of this chain (in the same batch); 0 = off. */
  checkpointEvery?: number;
  /** Records per D1 batch at most. */
  maxBatch?: number;
  /** Rows per page when verifying or exporting. */
  pageSize?: number;
  /** Clock for checkpoint times (tests). */
  now?: () => string;
}

export interface D1AuditStore extends AuditLog {
  readonly chainId: string;
  /** Resolves when every append made so far has settled (for `ctx.waitUntil`). */
  idle(): Promise<void>;
  /** Records in `seq` order, read a page at a time. */
  iterate(q?: { since?: string; afterSeq?: number }): AsyncGenerator<StoredAuditRecord>;
  checkpoints(): Promise<AuditCheckpoint[]>;
}

interface Head {
  chain_seq: number;
  hash: string;
}

interface Pending {
  record: AuditRecord;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const MAX_QUERY_LIMIT = 100_000;
const WRITE_ATTEMPTS = 3;
const INSERT_ROW = `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_CHECKPOINT = `INSERT OR IGNORE INTO audit_checkpoints (chain_id, chain_seq, hash, kind, created_at, mac) VALUES (?, ?, ?, ?, ?, ?)`;

/** A chain id unlikely to be chosen twice by any number of isolates: 96 random bits. */
export function newWriterChainId(): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return `w_${hex}`;
}

/**
 * @example
 * const audit = createD1AuditStore(env.DB, { secret: env.VEIL_SECRET });
 * await audit.append(record);
 * const { ok, firstBad } = await audit.verify();
 */
export function createD1AuditStore(db: D1Database, opts: D1AuditOptions = {}): D1AuditStore {
  const chainId = opts.chainId ?? newWriterChainId();
  const every = Math.max(0, Math.floor(opts.checkpointEvery ?? 100));
  const maxBatch = Math.max(1, Math.floor(opts.maxBatch ?? 50));
  const pageSize = Math.max(1, Math.floor(opts.pageSize ?? 1000));
  const now = opts.now ?? (() => new Date().toISOString());
  const macFn = opts.secret ? createHmacHex(opts.secret) : null;

  let head: Head | null = null;
  let queue: Pending[] = [];
  let draining: Promise<void> | null = null;

  async function readHead(): Promise<Head> {
    const row = await db
      .prepare('SELECT chain_seq, hash FROM audit_log WHERE chain_id = ? ORDER BY chain_seq DESC LIMIT 1')
      .bind(chainId)
      .first<Head>();
    if (row) return row;
    // After retention removed a whole chain, it continues from the prune checkpoint, not genesis.
    const prune = await db
      .prepare("SELECT chain_seq, hash FROM audit_checkpoints WHERE chain_id = ? AND kind = 'prune' ORDER BY chain_seq DESC LIMIT 1")
      .bind(chainId)
      .first<Head>();
    return prune ?? { chain_seq: 0, hash: GENESIS_HASH };
  }

  async function signed(cp: Omit<CheckpointRow, 'mac'>): Promise<CheckpointRow> {
    return { ...cp, mac: macFn ? await (await macFn)(canonicalCheckpoint(cp)) : null };
  }

  const insertCheckpoint = (cp: CheckpointRow) =>
    db.prepare(INSERT_CHECKPOINT).bind(cp.chain_id, cp.chain_seq, cp.hash, cp.kind, cp.created_at, cp.mac);

  /** Links, hashes and writes `records` as one atomic batch after `from`; returns the new head. */
  async function buildBatch(records: readonly AuditRecord[], from: Head): Promise<{ statements: D1PreparedStatement[]; last: Head }> {
    const statements: D1PreparedStatement[] = [];
    let h = from;
    for (const r of records) {
      const content = encodeRecord(r);
      const link = { chain_id: chainId, chain_seq: h.chain_seq + 1, prev_hash: h.hash };
      const hash = await sha256Hex(canonicalize(content, link));
      const row: NewAuditRow = linkRow(content, link, hash);
      statements.push(db.prepare(INSERT_ROW).bind(...AUDIT_COLUMNS.map((c) => row[c])));
      if (every > 0 && link.chain_seq % every === 0) {
        statements.push(insertCheckpoint(await signed({ chain_id: chainId, chain_seq: link.chain_seq, hash, kind: 'head', created_at: now() })));
      }
      h = { chain_seq: link.chain_seq, hash };
    }
    return { statements, last: h };
  }

  async function writeBatch(records: readonly AuditRecord[]): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      head ??= await readHead();
      const { statements, last } = await buildBatch(records, head);
      try {
        await db.batch(statements);
        head = last;
        return;
      } catch (e) {
        lastError = e;
        // Outcome unknown or head stale: D1 itself says where this chain stands.
        const real = await readHead().catch(() => null);
        if (real && real.chain_seq === last.chain_seq && real.hash === last.hash) {
          head = last; // the batch did commit; its reply was lost
          return;
        }
        head = real;
      }
    }
    throw lastError;
  }

  async function drain(): Promise<void> {
    // One microtask lets appends of the same turn share the first batch.
    await Promise.resolve();
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      try {
        await writeBatch(batch.map((p) => p.record));
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
  }

  function kick(): void {
    if (draining) return;
    draining = drain().finally(() => {
      draining = null;
      if (queue.length > 0) kick();
    });
  }

  async function idle(): Promise<void> {
    while (draining) await draining;
  }

  async function page(afterSeq: number, since: string | undefined, limit: number): Promise<AuditRow[]> {
    const stmt =
      since === undefined
        ? db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').bind(afterSeq, limit)
        : db.prepare('SELECT * FROM audit_log WHERE seq > ? AND ts >= ? ORDER BY seq LIMIT ?').bind(afterSeq, since, limit);
    return (await stmt.all<AuditRow>()).results;
  }

  async function allCheckpoints(): Promise<CheckpointRow[]> {
    return (
      await db.prepare('SELECT chain_id, chain_seq, hash, kind, created_at, mac FROM audit_checkpoints ORDER BY id').all<CheckpointRow>()
    ).results;
  }

  async function* iterate(q: { since?: string; afterSeq?: number } = {}): AsyncGenerator<StoredAuditRecord> {
    await idle();
    let after = q.afterSeq ?? 0;
    for (;;) {
      const rows = await page(after, q.since, pageSize);
      for (const r of rows) yield decodeRow(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  async function verify(): Promise<VerifyResult> {
    await idle();
    // Checkpoints first: read after the rows, they could pin rows this pass never saw.
    const v = createChainVerifier({ sha256: sha256Hex, checkpoints: await allCheckpoints(), hmac: macFn ? await macFn : undefined });
    let after = 0;
    for (;;) {
      const rows = await page(after, undefined, pageSize);
      for (const r of rows) if (!(await v.push(r))) return v.finish();
      if (rows.length < pageSize) return v.finish();
      after = rows[rows.length - 1]!.seq;
    }
  }

  return {
    chainId,
    append(record) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, resolve, reject });
        kick();
      });
    },
    idle,
    async query(q: AuditQuery) {
      await idle();
      const limit = Math.min(Math.max(1, Math.floor(q.limit ?? 1000)), MAX_QUERY_LIMIT);
      return (await page(q.afterSeq ?? 0, q.since, limit)).map(decodeRow);
    },
    async tail(n) {
      await idle();
      const limit = Math.min(Math.max(0, Math.floor(n)), MAX_QUERY_LIMIT);
      const rows = (
        await db.prepare('SELECT * FROM (SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq').bind(limit).all<AuditRow>()
      ).results;
      return rows.map(decodeRow);
    },
    iterate,
    verify,
    async checkpoint() {
      await idle();
      const h = await db
        .prepare('SELECT chain_seq, hash FROM audit_log WHERE chain_id = ? ORDER BY chain_seq DESC LIMIT 1')
        .bind(chainId)
        .first<Head>();
      if (!h) return null;
      const cp = await signed({ chain_id: chainId, chain_seq: h.chain_seq, hash: h.hash, kind: 'head', created_at: now() });
      await insertCheckpoint(cp).run();
      return decodeCheckpoint(cp);
    },
    async prune(before) {
      await idle();
      const targets = (
        await db
          .prepare('SELECT chain_id, MAX(chain_seq) AS chain_seq FROM audit_log WHERE ts < ? GROUP BY chain_id')
          .bind(before)
          .all<{ chain_id: string; chain_seq: number }>()
      ).results;
      let deleted = 0;
      for (const t of targets) {
        const at = await db.prepare('SELECT hash FROM audit_log WHERE chain_id = ? AND chain_seq = ?').bind(t.chain_id, t.chain_seq).first<{ hash: string }>();
        if (!at) continue;
        const cp = await signed({ chain_id: t.chain_id, chain_seq: t.chain_seq, hash: at.hash, kind: 'prune', created_at: now() });
        // The prune checkpoint and the deletion commit together, so verify never sees one without the other.
        const [, del] = await db.batch([
          insertCheckpoint(cp),
          db.prepare('DELETE FROM audit_log WHERE chain_id = ? AND chain_seq <= ?').bind(t.chain_id, t.chain_seq),
        ]);
        deleted += Number(del?.meta.changes ?? 0);
      }
      return deleted;
    },
    checkpoints: async () => (await allCheckpoints()).map(decodeCheckpoint),
  };
}
