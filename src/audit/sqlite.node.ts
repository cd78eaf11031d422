/**
 * @module audit/sqlite.node
 * The audit store on better-sqlite3. Appends run in an IMMEDIATE transaction: read this
 * writer's chain head, hash with node:crypto synchronously, insert. Holding the write lock from
 * the read to the insert keeps the chain linear even when several processes share one file.
 * `append()` group-commits: every append of one event-loop turn shares one transaction, because
 * on an ordinary disk the WAL commit, not the hashing, is what costs (~60-90 µs per commit).
 * The hashing format and the verifier are the shared ones in `chain.ts`.
 */
import { createHmac, hash as nodeHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { canonicalCheckpoint, canonicalize, createChainVerifier, GENESIS_HASH, linkRow } from './chain.ts';
import type { HashFn } from './chain.ts';
import { AUDIT_COLUMNS, decodeCheckpoint, decodeRow, encodeRecord } from './row.ts';
import type { AuditRow, CheckpointRow, NewAuditRow } from './row.ts';
import type { AuditCheckpoint, AuditLog, AuditQuery, AuditRecord, StoredAuditRecord, VerifyResult } from './types.ts';

export interface SqliteAuditOptions {
  /** This writer's chain. The Node gateway uses one chain per file so it continues across restarts. */
  chainId?: string;
  /** Server secret for checkpoint MACs (e.g. `VEIL_AUDIT_SECRET`); without it checkpoints are unsigned. */
  secret?: string | null;
  /** Write a signed `head` checkpoint every N records of this chain; 0 turns it off. */
  checkpointEvery?: number;
  /** Rows per page when verifying or exporting. */
  pageSize?: number;
  /** Clock for checkpoint times (tests). */
  now?: () => string;
}

export interface AppendResult {
  seq: number;
  chainSeq: number;
  hash: string;
}

export interface SqliteAuditStore extends AuditLog {
  /** Appends and commits now, in its own transaction (after any pending group commit). */
  appendSync(record: AuditRecord): AppendResult;
  /** Commits appends still waiting for their group commit; call before closing the database. */
  flush(): void;
  /** Records in `seq` order, read a page at a time. */
  iterate(q?: { since?: string; afterSeq?: number }): AsyncGenerator<StoredAuditRecord>;
  checkpoints(): AuditCheckpoint[];
  readonly chainId: string;
}

export const DEFAULT_CHAIN_ID = 'main';
const MAX_QUERY_LIMIT = 100_000;

// One-shot crypto.hash (Node >= 20.12) is about 3x faster than createHash for short inputs.
export const sha256HexSync: (text: string) => string = (text) => nodeHash('sha256', text, 'hex');

function hmacSync(secret: string): (text: string) => string {
  return (text) => createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/**
 * @example
 * const audit = createSqliteAuditStore(openDatabase('./data/veil.db'), { secret: env.VEIL_AUDIT_SECRET });
 * await audit.append(record);
 * const { ok, firstBad } = await audit.verify();
 */
export function createSqliteAuditStore(db: Database, opts: SqliteAuditOptions = {}): SqliteAuditStore {
  const chainId = opts.chainId ?? DEFAULT_CHAIN_ID;
  const every = Math.max(0, Math.floor(opts.checkpointEvery ?? 1000));
  const pageSize = Math.max(1, Math.floor(opts.pageSize ?? 5000));
  const now = opts.now ?? (() => new Date().toISOString());
  const mac: HashFn | undefined = opts.secret ? hmacSync(opts.secret) : undefined;

  const headRow: Statement<[string], { chain_seq: number; hash: string }> = db.prepare(
    'SELECT chain_seq, hash FROM audit_log WHERE chain_id = ? ORDER BY chain_seq DESC LIMIT 1',
  );
  const lastPrune: Statement<[string], { chain_seq: number; hash: string }> = db.prepare(
    "SELECT chain_seq, hash FROM audit_checkpoints WHERE chain_id = ? AND kind = 'prune' ORDER BY chain_seq DESC LIMIT 1",
  );
  const insertRow = db.prepare<NewAuditRow>(
    `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map((c) => '@' + c).join(', ')})`,
  );
  const insertCheckpoint = db.prepare<CheckpointRow>(
    `INSERT OR IGNORE INTO audit_checkpoints (chain_id, chain_seq, hash, kind, created_at, mac)
     VALUES (@chain_id, @chain_seq, @hash, @kind, @created_at, @mac)`,
  );
  const pageAll = db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  const pageSince = db.prepare<[number, string, number], AuditRow>(
    'SELECT * FROM audit_log WHERE seq > ? AND ts >= ? ORDER BY seq LIMIT ?',
  );
  const lastN = db.prepare<[number], AuditRow>(
    'SELECT * FROM (SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq',
  );
  const allCheckpoints = db.prepare<[], CheckpointRow>(
    'SELECT chain_id, chain_seq, hash, kind, created_at, mac FROM audit_checkpoints ORDER BY id',
  );
  const pruneTargets = db.prepare<[string], { chain_id: string; chain_seq: number }>(
    'SELECT chain_id, MAX(chain_seq) AS chain_seq FROM audit_log WHERE ts < ? GROUP BY chain_id',
  );
  const rowAt = db.prepare<[string, number], { hash: string }>('SELECT hash FROM audit_log WHERE chain_id = ? AND chain_seq = ?');
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM audit_log WHERE chain_id = ? AND chain_seq <= ?');

  function head(id: string): { chain_seq: number; hash: string } {
    // After retention removed a whole chain, it continues from the prune checkpoint, not genesis.
    return headRow.get(id) ?? lastPrune.get(id) ?? { chain_seq: 0, hash: GENESIS_HASH };
  }

  function signed(cp: Omit<CheckpointRow, 'mac'>): CheckpointRow {
    return { ...cp, mac: mac ? (mac(canonicalCheckpoint(cp)) as string) : null };
  }

  // Must run inside a write transaction: the head read and the insert are one atomic step.
  function appendOne(record: AuditRecord, h: { chain_seq: number; hash: string }): AppendResult {
    const content = encodeRecord(record);
    const link = { chain_id: chainId, chain_seq: h.chain_seq + 1, prev_hash: h.hash };
    const hash = sha256HexSync(canonicalize(content, link));
    const info = insertRow.run(linkRow(content, link, hash));
    if (every > 0 && link.chain_seq % every === 0) {
      insertCheckpoint.run(signed({ chain_id: chainId, chain_seq: link.chain_seq, hash, kind: 'head', created_at: now() }));
    }
    return { seq: Number(info.lastInsertRowid), chainSeq: link.chain_seq, hash };
  }

  const appendTx = db.transaction((record: AuditRecord): AppendResult => appendOne(record, head(chainId)));

  const appendBatchTx = db.transaction((records: readonly AuditRecord[]): void => {
    let h = head(chainId);
    for (const r of records) {
      const res = appendOne(r, h);
      h = { chain_seq: res.chainSeq, hash: res.hash };
    }
  });

  interface Pending {
    record: AuditRecord;
    resolve: () => void;
    reject: (e: unknown) => void;
  }
  let pending: Pending[] = [];
  let scheduled = false;
  const MAX_BATCH = 512;

  function flush(): void {
    scheduled = false;
    while (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      try {
        appendBatchTx.immediate(batch.map((p) => p.record));
        for (const p of batch) p.resolve();
      } catch (e) {
        // A locked database fails every record alike; anything else may be one bad record,
        // which must not cost the others their audit rows, so retry them one by one.
        const busy = typeof e === 'object' && e !== null && String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY');
        for (const p of batch) {
          if (busy) p.reject(e);
          else
            try {
              appendTx.immediate(p.record);
              p.resolve();
            } catch (e1) {
              p.reject(e1);
            }
        }
      }
    }
  }

  const checkpointTx = db.transaction((): CheckpointRow | null => {
    const h = headRow.get(chainId);
    if (!h) return null;
    const cp = signed({ chain_id: chainId, chain_seq: h.chain_seq, hash: h.hash, kind: 'head', created_at: now() });
    insertCheckpoint.run(cp);
    return cp;
  });

  const pruneTx = db.transaction((before: string): number => {
    let deleted = 0;
    for (const t of pruneTargets.all(before)) {
      const at = rowAt.get(t.chain_id, t.chain_seq);
      if (!at) continue;
      insertCheckpoint.run(signed({ chain_id: t.chain_id, chain_seq: t.chain_seq, hash: at.hash, kind: 'prune', created_at: now() }));
      deleted += deleteUpTo.run(t.chain_id, t.chain_seq).changes;
    }
    return deleted;
  });

  function page(afterSeq: number, since: string | undefined, limit: number): AuditRow[] {
    return since === undefined ? pageAll.all(afterSeq, limit) : pageSince.all(afterSeq, since, limit);
  }

  async function* iterate(q: { since?: string; afterSeq?: number } = {}): AsyncGenerator<StoredAuditRecord> {
    flush();
    let after = q.afterSeq ?? 0;
    for (;;) {
      const rows = page(after, q.since, pageSize);
      for (const r of rows) yield decodeRow(r);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  async function verify(): Promise<VerifyResult> {
    flush();
    // Checkpoints first: one read after the rows could name rows this pass never saw.
    const v = createChainVerifier({ sha256: sha256HexSync, checkpoints: allCheckpoints.all(), hmac: mac });
    let after = 0;
    for (;;) {
      const rows = pageAll.all(after, pageSize);
      for (const r of rows) if (!(await v.push(r))) return v.finish();
      if (rows.length < pageSize) return v.finish();
      after = rows[rows.length - 1]!.seq;
    }
  }

  return {
    chainId,
    appendSync(record) {
      flush();
      return appendTx.immediate(record);
    },
    append(record) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ record, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
    async query(q: AuditQuery) {
      flush();
      const limit = Math.min(Math.max(1, Math.floor(q.limit ?? 1000)), MAX_QUERY_LIMIT);
      return page(q.afterSeq ?? 0, q.since, limit).map(decodeRow);
    },
    async tail(n) {
      flush();
      return lastN.all(Math.min(Math.max(0, Math.floor(n)), MAX_QUERY_LIMIT)).map(decodeRow);
    },
    iterate,
    verify,
    async checkpoint() {
      flush();
      const cp = checkpointTx.immediate();
      return cp ? decodeCheckpoint(cp) : null;
    },
    async prune(before) {
      flush();
      return pruneTx.immediate(before);
    },
    checkpoints: () => allCheckpoints.all().map(decodeCheckpoint),
  };
}
