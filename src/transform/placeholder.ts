/**
 * @module transform/placeholder
 * The textual shapes the transform stage writes into a request: reversible pseudonyms
 * `<TYPE_TAG>`, one-way masks `<TYPE_MASKED>` and keyed digests `<TYPE_h:xxxxxxxx>`.
 * Kept in one place because the restore stage parses exactly this grammar, and because the
 * three shapes must never be confusable with each other (see docs/pseudonymization.md).
 */

// The shapes themselves live in util/placeholder-shapes (the restore stage writes masks too).
export { hashText, maskText, placeholderType, pseudonymText } from '../util/placeholder-shapes.ts';

/** Crockford base-32: no I, L, O, U, so a model cannot confuse 1/I/L or 0/O inside a tag. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Shortest tag: 6 chars = 30 bits, collisions inside one request are ~1e-6 at 50 values. */
export const TAG_MIN_LENGTH = 6;

/** Tags a pseudonym may never take, because another shape already uses the same text. */
const RESERVED_TAGS: ReadonlySet<string> = new Set(['MASKED']);

/** Crockford base-32 of `bytes`, most significant bit first (so longer tags extend shorter ones). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

export function isReservedTag(tag: string): boolean {
  return RESERVED_TAGS.has(tag);
}

/** Lower-case hex of the first `n` bytes. */
export function hex(bytes: Uint8Array, n: number): string {
  let out = '';
  for (let i = 0; i < n && i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}
