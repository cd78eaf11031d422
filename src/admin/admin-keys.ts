/**
 * @module admin/admin-keys
 * Personal admin keys: who may use the admin API, and with which role. A token looks like
 * `veiladm_<id>_<secret>`; stores keep only its SHA-256 (as gateway keys do, `keys/secret.ts`),
 * and the bootstrap token from `VEIL_ADMIN_TOKEN` is compared by digest in constant time too.
 * Web-standard; the SQLite store is `admin-store.sqlite.node.ts`.
 */
import { constantTimeEqual, hashKey, randomBase62 } from '../keys/secret.ts';

export type AdminRole = 'admin' | 'auditor';
export const ADMIN_ROLES: readonly AdminRole[] = ['admin', 'auditor'];

export interface AdminKey {
  id: string;
  name: string;
  role: AdminRole;
  /** Display-safe start of the token: `veiladm_<id>`. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Who is acting: an admin key, or `bootstrap` for the environment token. */
export interface AdminActor {
  id: string;
  name: string;
  role: AdminRole;
}

export interface AdminKeyStore {
  /** The unrevoked key the token belongs to, or null. Constant-time digest comparison. */
  verify(token: string): Promise<AdminKey | null>;
  /** Throws if `name` is empty: callers validate first. */
  create(opts: { name: string; role: AdminRole }): Promise<{ key: AdminKey; secret: string }>;
  list(): Promise<AdminKey[]>;
  get(id: string): Promise<AdminKey | null>;
  revoke(id: string): Promise<boolean>;
}

/** Small persistent settings (audit retention, …), JSON values. */
export interface SettingsStore {
  get(name: string): Promise<unknown>;
  set(name: string, value: unknown): Promise<void>;
}

export const ADMIN_TOKEN_PREFIX = 'veiladm_';
const TOKEN_SHAPE = /^veiladm_([0-9A-Za-z]{12})_([0-9A-Za-z]{32,128})$/;

export function generateAdminToken(): { id: string; token: string; prefix: string } {
  const id = randomBase62(12);
  return { id, token: `${ADMIN_TOKEN_PREFIX}${id}_${randomBase62(40)}`, prefix: `${ADMIN_TOKEN_PREFIX}${id}` };
}

/** The id part of a well-formed admin token, or null. */
export function parseAdminToken(token: string): { id: string } | null {
  const m = TOKEN_SHAPE.exec(token);
  return m ? { id: m[1]! } : null;
}

/**
 * Resolves a presented bearer token to an actor: the bootstrap token first (digest compared in
 * constant time, so its length leaks nothing either), then personal keys. Null when neither.
 */
export async function authenticateAdmin(
  presented: string,
  opts: { bootstrapToken?: string | null; keys: AdminKeyStore },
): Promise<AdminActor | null> {
  const digest = await hashKey(presented);
  if (opts.bootstrapToken) {
    // Compared every time, also when a personal key follows, so timing does not say which kind matched.
    const boot = constantTimeEqual(digest, await hashKey(opts.bootstrapToken));
    if (boot) return { id: 'bootstrap', name: 'bootstrap', role: 'admin' };
  }
  const key = await opts.keys.verify(presented);
  return key ? { id: key.id, name: key.name, role: key.role } : null;
}
