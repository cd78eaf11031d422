/**
 * @module keys/types
 * Gateway keys: what a client presents as `Authorization: Bearer veil_...`. Stored hashed;
 * the plaintext is shown once at creation. Each key belongs to a team and a policy.
 */

export interface GatewayKey {
  id: string;
  team: string;
  /** Policy id; null means the organisation default policy. */
  policyId: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** First characters of the key, safe to display (`veil_ab12cd…`). */
  prefix: string;
  /** Requests per minute this key may make; null/absent = no limit. */
  rateLimitRpm?: number | null;
  /** Model names (a trailing `*` matches a prefix) this key may use; null/absent = every model. */
  allowedModels?: string[] | null;
}

/** What an admin may change on an existing key; absent fields stay as they are. */
export interface KeyPatch {
  team?: string;
  policyId?: string | null;
  rateLimitRpm?: number | null;
  allowedModels?: string[] | null;
}

export interface KeyStore {
  /** Returns the key if `presented` is a valid, unrevoked key. Compares in constant time. */
  verify(presented: string): Promise<GatewayKey | null>;
  create(opts: {
    team: string;
    policyId?: string | null;
    rateLimitRpm?: number | null;
    allowedModels?: string[] | null;
  }): Promise<{ key: GatewayKey; secret: string }>;
  list(): Promise<GatewayKey[]>;
  revoke(id: string): Promise<boolean>;
}

/** A key store the admin API can manage: read one key, change its bindings and limits. */
export interface ManagedKeyStore extends KeyStore {
  find(id: string): Promise<GatewayKey | null>;
  /** Returns the updated key, or null if there is no such key. Throws if `team` is empty. */
  update(id: string, patch: KeyPatch): Promise<GatewayKey | null>;
}
