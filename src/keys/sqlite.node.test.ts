import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.node.ts';
import { constantTimeEqual } from './secret.ts';
import { createSqliteKeyStore } from './sqlite.node.ts';

let dir: string;
let db: Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-keys-'));
  db = openDatabase(join(dir, 'veil.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sqlite key store', () => {
  it('creates a key that verifies, bound to its team and policy', async () => {
    const keys = createSqliteKeyStore(db);
    const { key, secret } = await keys.create({ team: ' research ', policyId: 'strict' });
    expect(key).toMatchObject({ team: 'research', policyId: 'strict', revokedAt: null, prefix: `veil_${key.id}` });
    expect(await keys.verify(secret)).toEqual(key);
    const other = await keys.create({ team: 'ops' });
    expect(other.key.policyId).toBeNull();
    expect((await keys.verify(other.secret))?.team).toBe('ops');
  });

  it('never stores the plaintext key', async () => {
    const keys = createSqliteKeyStore(db);
    const { secret } = await keys.create({ team: 'research' });
    const dump = JSON.stringify(db.prepare('SELECT * FROM gateway_keys').all());
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice(-40));
  });

  it('returns null for a wrong secret, an unknown id, garbage, and a revoked key', async () => {
    const keys = createSqliteKeyStore(db);
    const { key, secret } = await keys.create({ team: 'research' });
    const last = secret.at(-1) === 'a' ? 'b' : 'a';
    expect(await keys.verify(secret.slice(0, -1) + last)).toBeNull();
    expect(await keys.verify(`veil_${'Z'.repeat(12)}_${secret.split('_')[2]}`)).toBeNull();
    expect(await keys.verify('Bearer ' + secret)).toBeNull();
    expect(await keys.verify('')).toBeNull();
    expect(await keys.revoke(key.id)).toBe(true);
    expect(await keys.revoke(key.id)).toBe(false); // already revoked
    expect(await keys.revoke('nope')).toBe(false);
    expect(await keys.verify(secret)).toBeNull();
    expect(keys.get(key.id)?.revokedAt).toMatch(/^\d{4}-/);
  });

  it('compares digests with the constant-time comparison, also for unknown ids', async () => {
    const calls: [string, string][] = [];
    const keys = createSqliteKeyStore(db, {
      equal: (a, b) => {
        calls.push([a, b]);
        return constantTimeEqual(a, b);
      },
    });
    const { secret } = await keys.create({ team: 't' });
    await keys.verify(secret);
    await keys.verify(secret.slice(0, -1) + (secret.at(-1) === 'x' ? 'y' : 'x'));
    await keys.verify(`veil_${'Q'.repeat(12)}_${'q'.repeat(40)}`);
    expect(calls).toHaveLength(3);
    for (const [a, b] of calls) {
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(b).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('lists keys without secrets or hashes, in creation order', async () => {
    let t = 0;
    const keys = createSqliteKeyStore(db, { now: () => new Date(Date.UTC(2025, 0, 1) + t++ * 1000).toISOString() });
    const a = await keys.create({ team: 'a' });
    const b = await keys.create({ team: 'b', policyId: 'p' });
    const list = await keys.list();
    expect(list.map((k) => k.id)).toEqual([a.key.id, b.key.id]);
    const text = JSON.stringify(list);
    expect(text).not.toContain(a.secret);
    expect(text).not.toContain('secret_hash');
    expect(Object.keys(list[0]!).sort()).toEqual(['createdAt', 'id', 'policyId', 'prefix', 'revokedAt', 'team']);
  });

  it('refuses an empty team', async () => {
    await expect(createSqliteKeyStore(db).create({ team: '  ' })).rejects.toThrow(/team/);
  });
});
