/**
 * @module util/hash
 * SHA-256 and HMAC through Web Crypto, available on Node 20 and Workers alike.
 */
const enc = new TextEncoder();

export function toHex(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
}

/** Random id with a readable prefix, e.g. `req_3f9a…`. */
export function randomId(prefix: string, bytes = 12): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return `${prefix}_${toHex(b.buffer)}`;
}
