import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.node.ts';
import { canonicalize, createHmacHex, GENESIS_HASH, nextRow, sha256Hex, verifyRecords } from './chain.ts';
import type { ChainRow } from './chain.ts';
import { encodeFindings, encodeRecord } from './row.ts';
import type { AuditRow, CheckpointRow } from './row.ts';
import { createSqliteAuditStore } from './sqlite.node.ts';
import { makeRecord } from './test-records.ts';
import type { AuditRecord } from './types.ts';

describe('canonical form', () => {
  it('is a fixed-order JSON array with explicit nulls (golden vector)', () => {
    const rec = makeRecord(4, { keyId: null, tokensOut: null, findings: { email: 2, '10': 1 } });
    const text = canonicalize(encodeRecord(rec), { chain_id: 'main', chain_seq: 7, prev_hash: GENESIS_HASH });
    expect(text).toBe(
      '[1,"main",7,"0000000000000000000000000000000000000000000000000000000000000000",' +
        '"2025-01-01T00:00:04.000Z","req_000004",null,"research","POST /v1/chat/completions","gpt-4o-mini",' +
        '"redact","remote","openai","default","' + 'ab'.repeat(32) + '","{\\"10\\":1,\\"email\\":2}",' +
        '200,null,1,124,null,0.412,812.5,813.25]',
    );
  });

  it('encodes findings with sorted keys, dropping zero, negative and non-finite counts', () => {
    expect(encodeFindings({ zeta: 1, alpha: 2, '2': 3, none: 0, bad: Number.NaN, neg: -1, frac: 1.6 })).toBe(
      '{"2":3,"alpha":2,"frac":2,"zeta":1}',
    );
  });

  it('nextRow (web-standard) produces the row the Node store writes', async () => {
    const db = openDatabase(':memory:');
    const store = createSqliteAuditStore(db, { chainId: 'w1' });
    store.appendSync(makeRecord(1));
    store.appendSync(makeRecord(2));
    const stored = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
    const built = await rowsOf([makeRecord(1), makeRecord(2)]);
    expect(built).toEqual(stored);
    db.close();
  });

  it('subtle and node:crypto SHA-256 agree, so Workers and Node hash identically', async () => {
    for (const s of ['', 'abc', 'é中文🙂', canonicalize(encodeRecord(makeRecord(1)), { chain_id: 'c', chain_seq: 1, prev_hash: GENESIS_HASH })]) {
      expect(await sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
    expect(await (await createHmacHex('k€y'))('msg')).toBe(createHmac('sha256', 'k€y').update('msg').digest('hex'));
  });
});

/** Builds a chain in memory with the web-standard hash, as a D1 writer would. */
async function rowsOf(records: AuditRecord[]): Promise<ChainRow[]> {
  const out: ChainRow[] = [];
  let head = { chain_seq: 0, hash: GENESIS_HASH };
  for (const [i, r] of records.entries()) {
    const row = await nextRow(r, 'w1', head, sha256Hex);
    out.push({ ...row, seq: i + 1 });
    head = row;
  }
  return out;
}

describe('verifyRecords (pure)', () => {
  it('accepts an intact chain and names the first bad record for each kind of tampering', async () => {
    const rows = await rowsOf(Array.from({ length: 6 }, (_, i) => makeRecord(i + 1)));
    expect(await verifyRecords(rows, sha256Hex)).toEqual({ ok: true, checked: 6, chains: 1 });

    const altered = rows.map((r) => (r.seq === 3 ? { ...r, status: 403 } : r));
    expect((await verifyRecords(altered, sha256Hex)).firstBad).toMatchObject({ seq: 3, kind: 'altered', requestId: 'req_000003' });

    const deleted = rows.filter((r) => r.seq !== 4);
    expect((await verifyRecords(deleted, sha256Hex)).firstBad).toMatchObject({ seq: 5, kind: 'deleted' });

    const reordered = [rows[0]!, rows[2]!, rows[1]!, ...rows.slice(3)];
    expect((await verifyRecords(reordered, sha256Hex)).firstBad).toMatchObject({ seq: 3, kind: 'deleted' });

    const duplicated = [...rows.slice(0, 3), rows[2]!, ...rows.slice(3)];
    expect((await verifyRecords(duplicated, sha256Hex)).firstBad).toMatchObject({ seq: 3, kind: 'reordered' });

    const headless = rows.slice(2);
    expect((await verifyRecords(headless, sha256Hex)).firstBad).toMatchObject({ seq: 3, kind: 'deleted' });
  });

  it('uses signed checkpoints for the start after pruning and for the end', async () => {
    const rows = await rowsOf(Array.from({ length: 6 }, (_, i) => makeRecord(i + 1)));
    const hmac = await createHmacHex('secret');
    const { canonicalCheckpoint } = await import('./chain.ts');
    const sign = async (cp: Omit<CheckpointRow, 'mac'>): Promise<CheckpointRow> => ({ ...cp, mac: await hmac(canonicalCheckpoint(cp)) });
    const prune = await sign({ chain_id: 'w1', chain_seq: 2, hash: rows[1]!.hash, kind: 'prune', created_at: 't' });
    const head = await sign({ chain_id: 'w1', chain_seq: 6, hash: rows[5]!.hash, kind: 'head', created_at: 't' });
    const kept = rows.slice(2);
    expect(await verifyRecords(kept, { sha256: sha256Hex, checkpoints: [prune, head], hmac })).toMatchObject({ ok: true, checked: 4 });
    expect((await verifyRecords(kept.slice(0, 3), { sha256: sha256Hex, checkpoints: [prune, head], hmac })).firstBad).toMatchObject({
      kind: 'truncated',
      seq: 5,
      chainSeq: 5,
    });
    const forged = { ...prune, chain_seq: 3, hash: rows[2]!.hash };
    expect((await verifyRecords(rows.slice(3), { sha256: sha256Hex, checkpoints: [forged, head], hmac })).firstBad).toMatchObject({
      kind: 'checkpoint',
    });
  });
});

const text = fc.string({ unit: 'binary', maxLength: 12 });
const optText = fc.option(text, { nil: null });
const optNum = fc.option(fc.double({ noDefaultInfinity: false }), { nil: null });
const recordArb: fc.Arbitrary<AuditRecord> = fc.record({
  ts: text,
  requestId: text,
  keyId: optText,
  team: optText,
  endpoint: text,
  model: optText,
  decision: fc.constantFrom('allow', 'redact', 'local', 'block', null),
  route: fc.constantFrom('remote', 'local', 'none'),
  provider: optText,
  policyId: optText,
  policyHash: optText,
  findings: fc.dictionary(text, fc.integer({ min: -2, max: 1e6 }), { maxKeys: 4 }),
  status: fc.integer({ min: 100, max: 599 }),
  errorCode: optText,
  stream: fc.boolean(),
  tokensIn: fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: null }),
  tokensOut: optNum,
  inspectMs: optNum,
  upstreamMs: optNum,
  totalMs: fc.double(),
});

describe('round trip through SQLite', () => {
  it('any record (odd unicode, floats, NaN) stored by the Node store verifies with the web-standard verifier', async () => {
    const db = openDatabase(':memory:');
    const store = createSqliteAuditStore(db);
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 5 }), async (recs) => {
        for (const r of recs) store.appendSync(r);
        const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
        expect((await store.verify()).ok).toBe(true);
        expect((await verifyRecords(rows, sha256Hex)).ok).toBe(true);
      }),
      { numRuns: 60 },
    );
    db.close();
  });
});
