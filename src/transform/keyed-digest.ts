/**
 * @module transform/keyed-digest
 * HMAC-SHA-256 keyed once per pseudonymizer (the key's pad states are precomputed); signing is
 * per distinct value. Plain JavaScript (transform/hmac-sha256), not `crypto.subtle`: same bytes,
 * but WebCrypto's per-call overhead on Node was 30-160 µs, most of a redacted request's extra cost.
 * Messages are length-prefixed with a purpose label so a pseudonym tag and a `hash` digest of
 * the same value are unrelated, and no (scope, type, value) triple can alias another.
 */

import { createHmacSha256 } from './hmac-sha256.ts';

const encoder = new TextEncoder();

export type DigestPurpose = 'pseudonym' | 'hash';

export interface KeyedDigest {
  digest(purpose: DigestPurpose, scope: string, type: string, value: string): Promise<Uint8Array>;
  /** The same bytes without a promise; the real digest has it, a test's async stand-in may not. */
  digestSync?(purpose: DigestPurpose, scope: string, type: string, value: string): Uint8Array;
}

export async function createKeyedDigest(secret: string): Promise<KeyedDigest> {
  const hmac = createHmacSha256(encoder.encode(secret));
  const digestSync = (purpose: DigestPurpose, scope: string, type: string, value: string): Uint8Array =>
    hmac.sign(`veil/v1|${purpose}|${scope.length}:${scope}|${type.length}:${type}|${value}`);
  return {
    digestSync,
    digest: async (purpose, scope, type, value) => digestSync(purpose, scope, type, value),
  };
}
