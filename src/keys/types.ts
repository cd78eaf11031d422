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
}

export interface KeyStore {
  /** Returns the key if `presented` is a valid, unrevoked key. Compares in constant time. */
  verify(presented: string): Promise<GatewayKey | null>;
  create(opts: { team: string; policyId?: string | null }): Promise<{ key: GatewayKey; secret: string }>;
  list(): Promise<GatewayKey[]>;
  revoke(id: string): Promise<boolean>;
}
