/**
 * @module audit/chain
 * The audit hash chain, shared by every store so Node and D1 hash and verify byte for byte the
 * same way. Each writer appends to its own chain (`chain_id`); a record's hash covers its
 * content columns, its chain id, its position `chain_seq` and the previous record's hash.
 * Signed checkpoints (`audit_checkpoints`) pin chain heads so deleting the newest records, or
 * rewriting a chain end to end, is caught too. Design and residual risks: docs/audit.md.
 *
 * Pure and web-standard: hashing is passed in (`HashFn`), with `crypto.subtle` versions here and
 * synchronous `node:crypto` versions in the Node store.
 */
import { encodeRecord } from './row.ts';
import type { AuditRowContent, CheckpointRow, NewAuditRow } from './row.ts';
import type { AuditRecord, VerifyResult } from './types.ts';

/** `prev_hash` of the first record of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the canonical form ever changes; it is the first element hashed. */
export const CHAIN_FORMAT = 1;

/** Hex SHA-256 (or keyed HMAC) of a UTF-8 string; sync on Node, async with `crypto.subtle`. */
export type HashFn = (text: string) => string | Promise<string>;

/** Where a record sits in its writer's chain. */
export interface ChainLink {
  chain_id: string;
  chain_seq: number;
  prev_hash: string;
}

/** What the verifier reads: content columns, the link, the stored hash, and the display seq. */
export type ChainRow = AuditRowContent & ChainLink & { seq: number; hash: string };

/**
 * The exact text that is hashed: a JSON array in fixed column order with explicit nulls.
 * An array, not an object, so no engine's key ordering can change it. The columns added by
 * migration 0002 (`policy_version`, `detail`) are appended only when one of them is set: rows
 * written before them hash exactly as they did, and setting or clearing either one changes the
 * text, so both are covered by the hash.
 */
export function canonicalize(c: AuditRowContent, link: ChainLink): string {
  const policyVersion = c.policy_version ?? null;
  const detail = c.detail ?? null;
  const extension = policyVersion !== null || detail !== null ? [policyVersion, detail] : [];
  return JSON.stringify([
    CHAIN_FORMAT,
    link.chain_id,
    link.chain_seq,
    link.prev_hash,
    c.ts,
    c.request_id,
    c.key_id,
    c.team,
    c.endpoint,
    c.model,
    c.decision,
    c.route,
    c.provider,
    c.policy_id,
    c.policy_hash,
    c.findings,
    c.status,
    c.error_code,
    c.stream,
    c.tokens_in,
    c.tokens_out,
    c.inspect_ms,
    c.upstream_ms,
    c.total_ms,
    ...extension,
  ]);
}

/** The text a checkpoint's MAC covers. */
export function canonicalCheckpoint(cp: Omit<CheckpointRow, 'mac'>): string {
  return JSON.stringify(['veil-audit-checkpoint', CHAIN_FORMAT, cp.chain_id, cp.chain_seq, cp.hash, cp.kind, cp.created_at]);
}

function toHex(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

/** Web-standard SHA-256 hex of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Web-standard HMAC-SHA256 keyed by `secret`; the key is imported once. */
export async function createHmacHex(secret: string): Promise<(text: string) => Promise<string>> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return async (text) => toHex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text)));
}

/** A chain's newest position; `{ chain_seq: 0, hash: GENESIS_HASH }` for an empty chain. */
export interface ChainHead {
  chain_seq: number;
  hash: string;
}

/**
 * The next row of a chain, ready to insert: what any writer (D1 included) appends after `head`.
 * The caller must make "read head, insert" atomic for its chain or serialize its own appends;
 * `UNIQUE (chain_id, chain_seq)` turns a lost race into an insert error instead of a fork.
 * @example
 * const row = await nextRow(record, 'w-7f3a', head, sha256Hex);
 */
export async function nextRow(record: AuditRecord, chainId: string, head: ChainHead, sha256: HashFn): Promise<NewAuditRow> {
  const content = encodeRecord(record);
  const link = { chain_id: chainId, chain_seq: head.chain_seq + 1, prev_hash: head.hash };
  return linkRow(content, link, await sha256(canonicalize(content, link)));
}

/**
 * The insertable row: `content` (fresh from `encodeRecord`, taken over) with its link and hash.
 * Assigned field by field, not `{ ...content, ...link, hash }`: on Node 20's V8 each key added
 * after a spread costs microseconds (~40 µs for this row), on every audit append.
 */
export function linkRow(content: AuditRowContent, link: ChainLink, hash: string): NewAuditRow {
  const row = content as NewAuditRow;
  row.chain_id = link.chain_id;
  row.chain_seq = link.chain_seq;
  row.prev_hash = link.prev_hash;
  row.hash = hash;
  return row;
}

export interface VerifyOptions {
  sha256: HashFn;
  /** Every checkpoint row; order does not matter. */
  checkpoints?: readonly CheckpointRow[];
  /**
   * HMAC under the audit secret. When given, every checkpoint must carry a valid `mac`; when
   * absent, checkpoints are trusted as stored (structure only).
   */
  hmac?: HashFn;
}

type FirstBad = NonNullable<VerifyResult['firstBad']>;

interface ChainState {
  lastSeq: number;
  lastHash: string;
  lastRowSeq: number;
  lastRequestId: string;
}

interface ChainCheckpoints {
  head: Map<number, CheckpointRow>;
  prune: Map<number, CheckpointRow>;
  maxHead: number;
  maxPrune: number;
}

/**
 * A streaming verifier: feed rows in `seq` order with `push` (it returns false at the first bad
 * record, after which you may stop reading), then call `finish`. Memory is one small entry per
 * chain, so a log of any size verifies in pages.
 */
export function createChainVerifier(opts: VerifyOptions) {
  const chains = new Map<string, ChainState>();
  const cps = new Map<string, ChainCheckpoints>();
  let checked = 0;
  let firstBad: FirstBad | undefined;
  let macsChecked = false;

  for (const cp of opts.checkpoints ?? []) {
    let c = cps.get(cp.chain_id);
    if (!c) cps.set(cp.chain_id, (c = { head: new Map(), prune: new Map(), maxHead: 0, maxPrune: 0 }));
    if (cp.kind === 'prune') {
      c.prune.set(cp.chain_seq, cp);
      c.maxPrune = Math.max(c.maxPrune, cp.chain_seq);
    } else {
      c.head.set(cp.chain_seq, cp);
      c.maxHead = Math.max(c.maxHead, cp.chain_seq);
    }
  }

  // A forged checkpoint would let a deletion pass, so signatures are checked before any row.
  async function checkMacs(): Promise<void> {
    macsChecked = true;
    if (!opts.hmac) return;
    for (const cp of opts.checkpoints ?? []) {
      const expected = await opts.hmac(canonicalCheckpoint(cp));
      if (cp.mac !== expected) {
        firstBad = {
          seq: 0,
          kind: 'checkpoint',
          chainId: cp.chain_id,
          chainSeq: cp.chain_seq,
          reason: `${cp.kind} checkpoint for chain '${cp.chain_id}' #${cp.chain_seq} has a ${cp.mac ? 'wrong' : 'missing'} signature (forged, altered, or written without the audit secret)`,
        };
        return;
      }
    }
  }

  function fail(row: ChainRow, kind: FirstBad['kind'], reason: string): false {
    firstBad = { seq: row.seq, requestId: row.request_id, chainId: row.chain_id, chainSeq: row.chain_seq, kind, reason };
    return false;
  }

  async function push(row: ChainRow): Promise<boolean> {
    if (!macsChecked) await checkMacs();
    if (firstBad) return false;
    checked++;
    const where = `chain '${row.chain_id}' #${row.chain_seq}`;

    const computed = await opts.sha256(canonicalize(row, row));
    if (computed !== row.hash) return fail(row, 'altered', `hash does not match the record's content (${where} was altered)`);

    const st = chains.get(row.chain_id);
    const cp = cps.get(row.chain_id);
    let expectedPrev: string;
    if (!st) {
      if (row.chain_seq === 1) expectedPrev = GENESIS_HASH;
      else {
        const prune = cp?.prune.get(row.chain_seq - 1);
        if (!prune) {
          return fail(row, 'deleted', `${where} is the first remaining record of its chain: records #1..#${row.chain_seq - 1} are missing (deleted or moved) and no prune checkpoint covers them`);
        }
        expectedPrev = prune.hash;
      }
    } else {
      const want = st.lastSeq + 1;
      if (row.chain_seq > want) {
        const range = row.chain_seq - 1 === want ? `#${want} is` : `#${want}..#${row.chain_seq - 1} are`;
        return fail(row, 'deleted', `record(s) ${range} missing from chain '${row.chain_id}' before this one (deleted or moved)`);
      }
      if (row.chain_seq < want) {
        return fail(row, 'reordered', `${where} comes after #${st.lastSeq} (records reordered or duplicated)`);
      }
      expectedPrev = st.lastHash;
    }
    if (row.prev_hash !== expectedPrev) {
      return fail(row, 'reordered', `prev_hash does not link to the previous record of chain '${row.chain_id}' (records inserted, deleted or reordered)`);
    }

    const pinned = cp?.head.get(row.chain_seq) ?? cp?.prune.get(row.chain_seq);
    if (pinned && pinned.hash !== row.hash) {
      return fail(row, 'altered', `${where} differs from its signed checkpoint (chain rewritten)`);
    }

    chains.set(row.chain_id, { lastSeq: row.chain_seq, lastHash: row.hash, lastRowSeq: row.seq, lastRequestId: row.request_id });
    return true;
  }

  async function finish(): Promise<VerifyResult> {
    if (!macsChecked) await checkMacs();
    if (!firstBad) {
      for (const chainId of [...cps.keys()].sort()) {
        const cp = cps.get(chainId)!;
        const st = chains.get(chainId);
        const last = Math.max(st?.lastSeq ?? 0, cp.maxPrune);
        if (cp.maxHead > last) {
          firstBad = {
            seq: st?.lastRowSeq ?? 0,
            requestId: st?.lastRequestId,
            chainId,
            chainSeq: last,
            kind: 'truncated',
            reason: `chain '${chainId}' ends at #${last} but a checkpoint records #${cp.maxHead}: the newest ${cp.maxHead - last} record(s) were deleted`,
          };
          break;
        }
      }
    }
    const chainCount = new Set([...chains.keys(), ...cps.keys()]).size;
    return firstBad ? { ok: false, checked, chains: chainCount, firstBad } : { ok: true, checked, chains: chainCount };
  }

  return { push, finish };
}

/**
 * Verifies rows given in `seq` order (pages from any store, or an array).
 * @example
 * const res = await verifyRecords(rows, { sha256: sha256Hex, checkpoints });
 * if (!res.ok) console.log(res.firstBad.seq, res.firstBad.reason);
 */
export async function verifyRecords(
  rows: Iterable<ChainRow> | AsyncIterable<ChainRow>,
  opts: VerifyOptions | HashFn,
): Promise<VerifyResult> {
  const v = createChainVerifier(typeof opts === 'function' ? { sha256: opts } : opts);
  for await (const row of rows) if (!(await v.push(row))) break;
  return v.finish();
}
