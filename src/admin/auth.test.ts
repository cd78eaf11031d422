import { describe, expect, it } from 'vitest';
import { authenticateAdmin, generateAdminToken, parseAdminToken, type AdminKey, type AdminKeyStore } from './admin-keys.ts';
import { needsAdmin } from './auth.ts';

function store(keys: Record<string, AdminKey>): AdminKeyStore & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    async verify(token) {
      seen.push(token);
      return keys[token] ?? null;
    },
    create: async () => {
      throw new Error('unused');
    },
    list: async () => [],
    get: async () => null,
    revoke: async () => false,
  };
}

describe('admin roles', () => {
  it('admin is needed for writes and admin-key reads, not for reads or the compute-only POSTs', () => {
    expect(needsAdmin('GET', '/admin/api/policies')).toBe(false);
    expect(needsAdmin('GET', '/admin/api/audit/export')).toBe(false);
    expect(needsAdmin('POST', '/admin/api/inspect')).toBe(false);
    expect(needsAdmin('POST', '/admin/api/policies/validate')).toBe(false);
    expect(needsAdmin('POST', '/admin/api/policies/default/diff')).toBe(false);
    expect(needsAdmin('GET', '/admin/api/admin-keys')).toBe(true);
    for (const [m, p] of [['POST', '/admin/api/policies'], ['PUT', '/admin/api/policies/x'], ['POST', '/admin/api/policies/x/rollback'], ['PATCH', '/admin/api/keys/x'], ['DELETE', '/admin/api/bindings/teams/t'], ['POST', '/admin/api/policies/validate/extra']]) {
      expect(needsAdmin(m!, p!), `${m} ${p}`).toBe(true);
    }
  });
});

describe('admin tokens', () => {
  it('generates tokens that parse back to their id and rejects lookalikes', () => {
    const g = generateAdminToken();
    expect(parseAdminToken(g.token)).toEqual({ id: g.id });
    expect(parseAdminToken(g.token.replace('veiladm_', 'veil_'))).toBeNull();
    expect(parseAdminToken(g.token + ' ')).toBeNull();
  });

  it('the bootstrap token is role admin; a personal key keeps its role; anything else is null', async () => {
    const aud: AdminKey = { id: 'k1', name: 'audrey', role: 'auditor', prefix: 'veiladm_k1', createdAt: '', revokedAt: null };
    const s = store({ 'veiladm_tok': aud });
    expect(await authenticateAdmin('root-token', { bootstrapToken: 'root-token', keys: s })).toEqual({ id: 'bootstrap', name: 'bootstrap', role: 'admin' });
    expect(await authenticateAdmin('veiladm_tok', { bootstrapToken: 'root-token', keys: s })).toEqual({ id: 'k1', name: 'audrey', role: 'auditor' });
    expect(await authenticateAdmin('root-tokem', { bootstrapToken: 'root-token', keys: s })).toBeNull();
    expect(await authenticateAdmin('root-token', { bootstrapToken: null, keys: s })).toBeNull();
    expect(await authenticateAdmin('', { bootstrapToken: '', keys: s })).toBeNull();
  });
});
