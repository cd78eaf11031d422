import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.node.ts';
import { canonicalize } from './chain.ts';
import { decodeRow, encodeRecord } from './row.ts';
import type { AuditRow } from './row.ts';
import { createSqliteAuditStore } from './sqlite.node.ts';
import { makeRecord } from './test-records.ts';

const link = { chain_id: 'main', chain_seq: 1, prev_hash: '0'.repeat(64) };
const detail = { actor: 'bootstrap', role: 'admin', action: 'policy.update', target: 'policy:default', before: 'a'.repeat(64), after: 'b'.repeat(64) };

describe('policy version and admin detail in the chain', () => {
  it('leaves the canonical form of records without them unchanged', () => {
    const plain = canonicalize(encodeRecord(makeRecord(1)), link);
    expect(JSON.parse(plain)).toHaveLength(24);
    expect(canonicalize(encodeRecord(makeRecord(1, { policyVersion: null, detail: null })), link)).toBe(plain);
  });

  it('covers them when set', () => {
    const v = canonicalize(encodeRecord(makeRecord(1, { policyVersion: 3 })), link);
    expect(JSON.parse(v).slice(-2)).toEqual([3, null]);
    const d = canonicalize(encodeRecord(makeRecord(1, { detail })), link);
    expect(JSON.parse(JSON.parse(d).at(-1))).toEqual(detail);
  });

  it('round-trips through SQLite and verify catches edits to either column', async () => {
    for (const edit of ['policy_version = 9', 'policy_version = NULL', "detail = replace(detail, 'bootstrap', 'x')", 'detail = NULL']) {
      const db = openDatabase(':memory:');
      const store = createSqliteAuditStore(db);
      store.appendSync(makeRecord(1));
      store.appendSync(makeRecord(2, { policyVersion: 4, detail }));
      store.appendSync(makeRecord(3));
      const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];
      expect(decodeRow(rows[1]!)).toMatchObject({ policyVersion: 4, detail });
      expect(decodeRow(rows[0]!)).not.toHaveProperty('policyVersion');
      expect((await store.verify()).ok).toBe(true);
      db.prepare(`UPDATE audit_log SET ${edit} WHERE seq = 2`).run();
      expect((await store.verify()).firstBad, edit).toMatchObject({ seq: 2, kind: 'altered' });
      db.close();
    }
  });
});
