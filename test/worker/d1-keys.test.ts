/**
 * D1 key store in workerd: same table and digest as the SQLite store (a key row written by one
 * verifies through the other), revocation, updates, and the constant-time comparison in use.
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createD1KeyStore } from '../../src/keys/d1.ts';
import { constantTimeEqual, hashKey } from '../../src/keys/secret.ts';

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});

describe('D1 key store', () => {
  it('creates, verifies, lists and revokes; stores only the SHA-256 of the key', async () => {
    const keys = createD1KeyStore(env.DB);
    const { key, secret } = await keys.create({ team: ' research ', policyId: 'default', rateLimitRpm: 60, allowedModels: ['gpt-4o*'] });
    expect(key).toMatchObject({ team: 'research', policyId: 'default', rateLimitRpm: 60, allowedModels: ['gpt-4o*'], revokedAt: null });
    expect(await keys.verify(secret)).toEqual(key);
    const row = await env.DB.prepare('SELECT * FROM gateway_keys WHERE id = ?').bind(key.id).first<Record<string, unknown>>();
    expect(row!.secret_hash).toBe(await hashKey(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(-40));
    expect(await keys.verify(secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a'))).toBeNull();
    expect(await keys.verify('not-a-key')).toBeNull();
    expect((await keys.list()).map((k) => k.id)).toContain(key.id);
    expect(await keys.update(key.id, { team: 'ops', rateLimitRpm: null })).toMatchObject({ team: 'ops', allowedModels: ['gpt-4o*'] });
    expect(await keys.revoke(key.id)).toBe(true);
    expect(await keys.revoke(key.id)).toBe(false);
    expect(await keys.verify(secret)).toBeNull();
  });

  it('verifies a key row written the way the SQLite store writes it', async () => {
    const secret = 'veil_Abcdef012345_' + 'Z'.repeat(40);
    await env.DB.prepare('INSERT INTO gateway_keys (id, team, policy_id, secret_hash, prefix, created_at) VALUES (?, ?, NULL, ?, ?, ?)')
      .bind('Abcdef012345', 'node-made', await hashKey(secret), 'veil_Abcdef012345', '2026-01-01T00:00:00.000Z')
      .run();
    expect(await createD1KeyStore(env.DB).verify(secret)).toMatchObject({ id: 'Abcdef012345', team: 'node-made' });
  });

  it('compares digests with the injected constant-time function, also for unknown ids', async () => {
    const calls: number[] = [];
    const keys = createD1KeyStore(env.DB, { equal: (a, b) => (calls.push(a.length), constantTimeEqual(a, b)) });
    await keys.verify('veil_000000000000_' + 'q'.repeat(40));
    expect(calls).toEqual([64]);
  });
});
