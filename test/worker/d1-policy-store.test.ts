/**
 * D1 policy store in workerd: versions numbered inside D1 (concurrent appends from several
 * "isolates" never share a number), an identical concurrent import stored once, bindings, and the
 * fingerprint other isolates poll (changes on every append and binding change, not on reads).
 */
import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createD1PolicyStore } from '../../src/policy-store/d1.ts';
import { importPolicySources } from '../../src/policy-store/registry.ts';
import { sha256Hex } from '../../src/util/hash.ts';

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});

const text = (id: string, n: number) => `id: ${id}\nrules:\n  EMAIL: { action: redact }\n# edit ${n}\n`;
const version = async (id: string, n: number) => ({ policyId: id, source: text(id, n), hash: await sha256Hex(text(id, n)), author: `a${n}`, message: `m${n}` });

describe('D1 policy store', () => {
  it('numbers versions in D1: twelve appends from three stores at once get 1..12, each stored as sent', async () => {
    const stores = [createD1PolicyStore(env.DB), createD1PolicyStore(env.DB), createD1PolicyStore(env.DB)];
    const saved = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await stores[i % 3]!.append([await version('conc', i)]))[0]!));
    expect(saved.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const history = await stores[0]!.history('conc');
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: 12 }, (_, i) => 12 - i));
    for (const v of saved) {
      const got = await stores[1]!.get('conc', v.version);
      expect(got).toEqual(v);
      expect(got!.hash).toBe(await sha256Hex(got!.source));
    }
    expect((await stores[2]!.get('conc'))!.version).toBe(12);
    expect((await stores[2]!.current()).find((v) => v.policyId === 'conc')!.version).toBe(12);
  });

  it('appends several versions atomically, in order', async () => {
    const store = createD1PolicyStore(env.DB);
    const out = await store.append([await version('multi', 1), await version('multi', 2), await version('other', 1)]);
    expect(out.map((v) => `${v.policyId}@${v.version}`)).toEqual(['multi@1', 'multi@2', 'other@1']);
    expect((await store.get('multi'))!.source).toBe(text('multi', 2));
  });

  it('five isolates importing the same bundled file at once store it once', async () => {
    const bundled = [{ file: 'policies/race.yaml', text: text('race', 0) }];
    const results = await Promise.all(Array.from({ length: 5 }, () => importPolicySources(createD1PolicyStore(env.DB), bundled, 'import', { onlyNewTexts: true })));
    expect(results.some((r) => r.includes('race'))).toBe(true);
    expect((await createD1PolicyStore(env.DB).history('race')).map((h) => h.version)).toEqual([1]);
  });

  it('keeps bindings, and its fingerprint moves on appends and binding changes only', async () => {
    const store = createD1PolicyStore(env.DB);
    const s0 = await store.stamp();
    await store.current();
    expect(await store.stamp()).toBe(s0);
    await store.append([await version('stamped', 1)]);
    const s1 = await store.stamp();
    expect(s1).not.toBe(s0);
    await store.setDefault('stamped');
    await store.setTeam('research', 'multi');
    const s2 = await store.stamp();
    expect(s2).not.toBe(s1);
    expect(await store.bindings()).toEqual({ defaultPolicy: 'stamped', teams: [{ team: 'research', policyId: 'multi' }] });
    await store.setTeam('research', 'other');
    const s3 = await store.stamp();
    expect(s3).not.toBe(s2);
    await store.setTeam('research', null);
    expect(await store.stamp()).not.toBe(s3);
    expect((await store.bindings()).teams).toEqual([]);
  });
});
