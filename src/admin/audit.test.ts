import { describe, expect, it } from 'vitest';
import { makeRecord } from '../audit/test-records.ts';
import type { StoredAuditRecord } from '../audit/types.ts';
import type { AuditReader } from './audit-reader.ts';
import { buildWhere } from './audit-reader.ts';
import { exportStream } from './audit.ts';

function fakeReader(n: number) {
  const calls: (number | undefined)[] = [];
  const records: StoredAuditRecord[] = Array.from({ length: n }, (_, i) => ({
    ...makeRecord(i + 1),
    seq: i + 1,
    chainId: 'main',
    chainSeq: i + 1,
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
  }));
  const reader: AuditReader = {
    async list(_f, page) {
      calls.push(page.cursor);
      const after = page.cursor ?? 0;
      const data = records.filter((r) => r.seq > after).slice(0, page.limit);
      const more = records.some((r) => r.seq > (data.at(-1)?.seq ?? Infinity));
      return { data, nextCursor: more ? data.at(-1)!.seq : null };
    },
    get: async () => null,
    stats: async () => {
      throw new Error('unused');
    },
    checkpointCount: async () => 0,
  };
  return { reader, calls };
}

describe('export stream', () => {
  it('reads one page per pull: a slow reader of a big log holds one page, not the log', async () => {
    const { reader, calls } = fakeReader(2000);
    const stream = exportStream(reader, {}, 'csv');
    const r = stream.getReader();
    const first = new TextDecoder().decode((await r.read()).value);
    expect(first.startsWith('seq,chain_id')).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(2);
    let text = first;
    for (;;) {
      const { value, done } = await r.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(calls).toEqual([undefined, 500, 1000, 1500]);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2001);
    expect(lines[1]!.startsWith('1,main,1,')).toBe(true);
  });

  it('writes JSONL with the 0002 fields', async () => {
    const { reader } = fakeReader(3);
    const text = await new Response(exportStream(reader, {}, 'jsonl')).text();
    const rows = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]).toMatchObject({ policyVersion: null, detail: null, requestId: 'req_000001' });
  });
});

describe('filter SQL', () => {
  it('binds every value as a parameter', () => {
    const w = buildWhere({ team: "x' OR 1=1 --", finding: 'EMAIL', from: '2025-01-01T00:00:00.000Z', status: 403, kind: 'request' });
    expect(w.sql).not.toContain("x'");
    expect(w.params).toEqual(['2025-01-01T00:00:00.000Z', "x' OR 1=1 --", 403, 'EMAIL']);
    expect(w.sql).toContain('detail IS NULL');
    expect(buildWhere({})).toEqual({ sql: '', params: [] });
  });
});
