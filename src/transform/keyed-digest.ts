/**
 * @module transform/keyed-digest
 * HMAC-SHA-256 through `crypto.subtle`, so the same code runs on Node and Workers. The key is
 * imported once per pseudonymizer (import is the slow part); signing is per distinct value.
 * Messages are length-prefixed with a purpose label so a pseudonym tag and a `hash` digest of
 * the same value are unrelated, and no (scope, type, value) triple can alias another.
 */

const encoder = new TextEncoder();

export type DigestPurpose = 'pseudonym' | 'hash';

export interface KeyedDigest {
  digest(purpose: DigestPurpose, scope: string, type: string, value: string): Promise<Uint8Array>;
}

export async function createKeyedDigest(secret: string): Promise<KeyedDigest> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return {
    async digest(purpose, scope, type, value) {
      const msg = `veil/v1|${purpose}|${scope.length}:${scope}|${type.length}:${type}|${value}`;
      const sig = await crypto.subtle.sign('HMAC', key, encoder.encode(msg));
      return new Uint8Array(sig);
    },
  };
}
