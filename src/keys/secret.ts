/**
 * @module keys/secret
 * Gateway key format, generation, hashing and constant-time comparison. Web-standard
 * (`crypto.getRandomValues`, `crypto.subtle`) so the Node and Workers key stores share it.
 *
 * A key looks like `veil_<id>_<secret>`: the 12-character id is the lookup handle and is safe to
 * show; the 40-character base62 secret (~238 bits) is shown once. Stores keep only SHA-256 of the
 * whole key. A fast unsalted hash is enough here because the input is random and long, unlike a
 * password: there is no dictionary to precompute.
 */

export const KEY_PREFIX = 'veil_';
export const KEY_ID_LENGTH = 12;
export const KEY_SECRET_LENGTH = 40;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_SHAPE = /^veil_([0-9A-Za-z]{12})_([0-9A-Za-z]{32,128})$/;

/** Uniform base62 string: bytes >= 248 are rejected so `% 62` carries no bias. */
export function randomBase62(length: number): string {
  let out = '';
  const buf = new Uint8Array(Math.max(16, length * 2));
  while (out.length < length) {
    crypto.getRandomValues(buf);
    for (let i = 0; i < buf.length && out.length < length; i++) {
      const b = buf[i]!;
      if (b < 248) out += BASE62[b % 62];
    }
  }
  return out;
}

export interface GeneratedKey {
  id: string;
  /** The full key the client presents. Show once; never store. */
  key: string;
  /** Display-safe start of the key: `veil_<id>`. */
  prefix: string;
}

/**
 * @example
 * const { id, key } = generateKey(); // key = 'veil_3fK9aQ0zLmP2_…'
 */
export function generateKey(): GeneratedKey {
  const id = randomBase62(KEY_ID_LENGTH);
  return { id, key: `${KEY_PREFIX}${id}_${randomBase62(KEY_SECRET_LENGTH)}`, prefix: keyPrefix(id) };
}

export function keyPrefix(id: string): string {
  return `${KEY_PREFIX}${id}`;
}

/** The id part of a well-formed key, or null. Never echoes the input anywhere. */
export function parseKey(presented: string): { id: string } | null {
  const m = KEY_SHAPE.exec(presented);
  return m ? { id: m[1]! } : null;
}

/** SHA-256 hex of the whole key, as stored. */
export async function hashKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Compares two strings in time that depends only on their lengths, never on where they differ.
 * Meant for equal-length digests; different lengths return false after the same loop.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) {
    // Out-of-range charCodeAt is NaN; `| 0` makes it 0 without branching on the data.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/**
 * A digest-shaped stand-in compared against when a looked-up id is unknown, so a miss spends the
 * same comparison work as a hit. It can never equal a SHA-256 hex of a real key by accident.
 */
export const UNKNOWN_ID_DIGEST = '0'.repeat(64);

/** What a key lookup must yield for `liveMatch`: the stored digest and the revocation time. */
export interface StoredSecret {
  secret_hash: string;
  revoked_at: string | null;
}

/**
 * The row a presented secret unlocks: `row` when `digest` equals its stored digest and it is not
 * revoked, else null. The comparison runs (against `UNKNOWN_ID_DIGEST`) even when there is no row.
 * Shared by the gateway-key and admin-key stores on both runtimes.
 */
export function liveMatch<R extends StoredSecret>(
  row: R | null | undefined,
  digest: string,
  equal: (a: string, b: string) => boolean = constantTimeEqual,
): R | null {
  const match = equal(row?.secret_hash ?? UNKNOWN_ID_DIGEST, digest);
  return row && match && row.revoked_at === null ? row : null;
}
