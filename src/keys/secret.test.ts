import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, generateKey, hashKey, KEY_SECRET_LENGTH, liveMatch, parseKey, randomBase62, UNKNOWN_ID_DIGEST } from './secret.ts';

describe('key secrets', () => {
  it('generates well-formed, distinct keys whose id parses back', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const g = generateKey();
      expect(g.key).toMatch(/^veil_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
      expect(g.prefix).toBe(`veil_${g.id}`);
      expect(parseKey(g.key)).toEqual({ id: g.id });
      seen.add(g.key);
    }
    expect(seen.size).toBe(200);
    expect(KEY_SECRET_LENGTH).toBeGreaterThanOrEqual(32);
  });

  it('rejects malformed keys', () => {
    for (const bad of ['', 'veil_', 'sk-abc', 'veil_short_abc', `veil_${'a'.repeat(12)}_${'b'.repeat(31)}`, `veil_${'a'.repeat(12)}_${'b'.repeat(40)} `, `veil_${'a'.repeat(11)}-_${'b'.repeat(40)}`]) {
      expect(parseKey(bad), bad).toBeNull();
    }
  });

  it('draws base62 characters roughly uniformly (no modulo bias toward the first 8)', () => {
    const s = randomBase62(62 * 400);
    const counts = new Map<string, number>();
    for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(250); // mean 400
  });

  it('hashKey is SHA-256 hex of the whole key (same as node:crypto)', async () => {
    const { key } = generateKey();
    expect(await hashKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
  });

  it('constantTimeEqual is a correct equality', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
    expect(constantTimeEqual('a\u0000', 'a')).toBe(false);
    expect(constantTimeEqual('é', 'e')).toBe(false);
  });

  it('liveMatch yields only a live row whose digest matches, and compares even when there is no row', () => {
    const digest = 'a'.repeat(64);
    const row = { id: 'x', secret_hash: digest, revoked_at: null };
    expect(liveMatch(row, digest)).toBe(row);
    expect(liveMatch(row, 'b'.repeat(64))).toBeNull();
    expect(liveMatch({ ...row, revoked_at: '2026-01-01T00:00:00.000Z' }, digest)).toBeNull();
    const calls: [string, string][] = [];
    const spy = (a: string, b: string) => (calls.push([a, b]), constantTimeEqual(a, b));
    expect(liveMatch(null, UNKNOWN_ID_DIGEST, spy)).toBeNull();
    expect(liveMatch(undefined, digest, spy)).toBeNull();
    expect(calls).toEqual([
      [UNKNOWN_ID_DIGEST, UNKNOWN_ID_DIGEST],
      [UNKNOWN_ID_DIGEST, digest],
    ]);
  });
});
