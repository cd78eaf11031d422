/**
 * D1 audit store in workerd: the chain format is the shared one, many writers (isolates) append
 * to one D1 at once and `verify()` still passes; edits, deletions and truncations are caught.
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalize, GENESIS_HASH, sha256Hex } from '../../src/audit/chain.ts';
import { createD1AuditStore } from '../../src/audit/d1.ts';
import { encodeRecord } from '../../src/audit/row.ts';
import type { AuditRecord } from '../../src/audit/types.ts';

const SECRET = 'audit-secret-for-d1-tests-0123456789';

function record(i: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    requestId: `req_${i}`,
    keyId: 'k1',
    team: 'research',
    endpoint: 'POST /v1/chat/completions',
    model: 'gpt-4o-mini',
    decision: 'redact',
    route: 'remote',
    provider: 'openai',
    policyId: 'default',
    policyHash: 'ab'.repeat(32),
    findings: { EMAIL: 2, PHONE: 1 },
    status: 200,
    errorCode: null,
    stream: i % 2 === 0,
    tokensIn: 10 + i,
    tokensOut: 20,
    inspectMs: 0.123,
    upstreamMs: 12.5,
    totalMs: 13.25,
    ...extra,
  };
}

async function clear() {
  await env.DB.batch([env.DB.prepare('DELETE FROM audit_log'), env.DB.prepare('DELETE FROM audit_checkpoints')]);
}

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});

describe('D1 audit store', () => {
  it('hashes exactly as the shared chain format says', async () => {
    await clear();
    const store = createD1AuditStore(env.DB, { chainId: 'w_fixed' });
    await store.append(record(1));
    await store.append(record(2));
    const [a, b] = await store.query({});
    const first = canonicalize(encodeRecord(record(1)), { chain_id: 'w_fixed', chain_seq: 1, prev_hash: GENESIS_HASH });
    expect(a!.hash).toBe(await sha256Hex(first));
    expect(b!.prevHash).toBe(a!.hash);
    expect(b!.chainSeq).toBe(2);
    expect(a!.findings).toEqual({ EMAIL: 2, PHONE: 1 });
    expect(a!.inspectMs).toBe(0.123);
    expect((await store.verify()).ok).toBe(true);
  });

  it('keeps every chain verifiable with many isolates appending at once', async () => {
    await clear();
    const writers = Array.from({ length: 6 }, () => createD1AuditStore(env.DB, { secret: SECRET, checkpointEvery: 7 }));
    expect(new Set(writers.map((w) => w.chainId)).size).toBe(6);
    const perWriter = 25;
    // Every writer runs at once: most records one request at a time (they interleave in D1), then
    // a burst that each writer group-commits into batches.
    const rec = (wi: number, i: number) => record(wi * 100 + i, { requestId: `req_${wi}_${i}` });
    await Promise.all(
      writers.map(async (w, wi) => {
        for (let i = 0; i < perWriter - 10; i++) await w.append(rec(wi, i));
        await Promise.all(Array.from({ length: 10 }, (_, j) => w.append(rec(wi, perWriter - 10 + j))));
      }),
    );
    const rows = await writers[0]!.query({ limit: 10_000 });
    expect(rows).toHaveLength(6 * perWriter);
    // Interleaved: the global order is not one writer after another.
    const chainOrder = rows.map((r) => r.chainId);
    expect(chainOrder.slice(0, perWriter).every((c) => c === chainOrder[0])).toBe(false);
    for (const w of writers) {
      const mine = rows.filter((r) => r.chainId === w.chainId).map((r) => r.chainSeq);
      expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i + 1));
    }
    const checkpoints = await writers[0]!.checkpoints();
    expect(checkpoints.filter((c) => c.kind === 'head')).toHaveLength(6 * Math.floor(perWriter / 7));
    const res = await writers[3]!.verify();
    expect(res).toEqual({ ok: true, checked: 6 * perWriter, chains: 6 });
  });

  it('continues an existing chain after the isolate restarts with the same chain id', async () => {
    await clear();
    await createD1AuditStore(env.DB, { chainId: 'w_restart' }).append(record(1));
    const again = createD1AuditStore(env.DB, { chainId: 'w_restart' });
    await again.append(record(2));
    expect((await again.query({})).map((r) => r.chainSeq)).toEqual([1, 2]);
    expect((await again.verify()).ok).toBe(true);
  });

  it('recovers when its in-memory head is stale (UNIQUE(chain_id, chain_seq) conflict)', async () => {
    await clear();
    const a = createD1AuditStore(env.DB, { chainId: 'w_shared' });
    const b = createD1AuditStore(env.DB, { chainId: 'w_shared' });
    await a.append(record(1));
    await b.append(record(2)); // b reads the head lazily: #2
    await a.append(record(3)); // a still thinks the head is #1: conflict, re-read, retry as #3
    const rows = await a.query({});
    expect(rows.map((r) => [r.requestId, r.chainSeq])).toEqual([['req_1', 1], ['req_2', 2], ['req_3', 3]]);
    expect((await a.verify()).ok).toBe(true);
  });

  it('names the first altered, deleted and truncated record', async () => {
    await clear();
    const w1 = createD1AuditStore(env.DB, { secret: SECRET, checkpointEvery: 0 });
    const w2 = createD1AuditStore(env.DB, { secret: SECRET, checkpointEvery: 0 });
    for (let i = 0; i < 5; i++) await Promise.all([w1.append(record(i)), w2.append(record(50 + i))]);
    await w2.checkpoint();
    expect((await w1.verify()).ok).toBe(true);

    // Altered: a decision rewritten with plain SQL.
    const victim = (await w1.query({})).find((r) => r.chainId === w1.chainId && r.chainSeq === 3)!;
    await env.DB.prepare("UPDATE audit_log SET decision = 'allow' WHERE seq = ?").bind(victim.seq).run();
    let res = await w1.verify();
    expect(res.ok).toBe(false);
    expect(res.firstBad).toMatchObject({ seq: victim.seq, kind: 'altered', chainId: w1.chainId, chainSeq: 3 });
    await env.DB.prepare("UPDATE audit_log SET decision = 'redact' WHERE seq = ?").bind(victim.seq).run();
    expect((await w1.verify()).ok).toBe(true);

    // Deleted from the middle of a chain.
    await env.DB.prepare('DELETE FROM audit_log WHERE seq = ?').bind(victim.seq).run();
    res = await w1.verify();
    expect(res.firstBad).toMatchObject({ kind: 'deleted', chainId: w1.chainId, chainSeq: 4 });
  });

  it('catches the newest records deleted when a signed checkpoint pins the head', async () => {
    await clear();
    const w = createD1AuditStore(env.DB, { secret: SECRET, checkpointEvery: 0 });
    for (let i = 0; i < 4; i++) await w.append(record(i));
    await w.checkpoint();
    await env.DB.prepare('DELETE FROM audit_log WHERE chain_id = ? AND chain_seq = 4').bind(w.chainId).run();
    const res = await w.verify();
    expect(res.firstBad).toMatchObject({ kind: 'truncated', chainId: w.chainId, chainSeq: 3 });
    // A forged checkpoint (no valid MAC) is refused rather than trusted.
    await env.DB.prepare("UPDATE audit_checkpoints SET mac = 'forged'").run();
    expect((await w.verify()).firstBad?.kind).toBe('checkpoint');
  });

  it('prunes old records chain by chain and still verifies', async () => {
    await clear();
    const w1 = createD1AuditStore(env.DB, { secret: SECRET });
    const w2 = createD1AuditStore(env.DB, { secret: SECRET });
    for (let i = 0; i < 6; i++) await Promise.all([w1.append(record(i)), w2.append(record(i))]);
    const deleted = await w1.prune(new Date(Date.UTC(2026, 0, 1, 0, 0, 3)).toISOString());
    expect(deleted).toBe(6);
    expect(await w1.verify()).toMatchObject({ ok: true, checked: 6 });
    await w2.append(record(9));
    expect((await w2.verify()).ok).toBe(true);
  });
});
