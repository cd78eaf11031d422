/**
 * @module transform/hmac-sha256
 * HMAC-SHA-256 (RFC 2104 / FIPS 180-4) in plain JavaScript, synchronous, with the key's inner and
 * outer pad states hashed once at construction. Why not `crypto.subtle.sign`: on Node 20 one
 * sign call costs 30 µs of CPU alone and 60-160 µs under load (algorithm normalisation, a threadpool job, promise hops), which
 * was most of the extra cost of a redacted request; a placeholder tag needs 3 compression rounds
 * (~4 µs here). Output is byte-identical to WebCrypto's HMAC (pinned by hmac-sha256.test.ts), so tags
 * do not change. Web-standard only (TextEncoder), so it runs on Workers too.
 */

const encoder = new TextEncoder();

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Scratch message schedule; safe to share because every call runs to completion synchronously. */
const W = new Int32Array(64);

/** One SHA-256 compression of the 64-byte block at `off` into `h` (8 words, updated in place). */
function compress(h: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + bb) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/**
 * Finishes a hash whose state `h` has already absorbed `prefixBytes` bytes (a whole number of
 * blocks): absorbs `msg`, pads, and returns the 32-byte digest. `h` is not modified.
 */
function finish(state: Int32Array, prefixBytes: number, msg: Uint8Array): Uint8Array {
  const h = new Int32Array(state);
  const full = msg.length - (msg.length % 64);
  for (let off = 0; off < full; off += 64) compress(h, msg, off);
  const rest = msg.length - full;
  // Tail + 0x80 + zeros + 64-bit big-endian bit length, in one or two blocks.
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(msg.subarray(full));
  tail[rest] = 0x80;
  const bits = (prefixBytes + msg.length) * 8;
  const end = tail.length;
  const hi = Math.floor(bits / 0x100000000);
  tail[end - 8] = hi >>> 24;
  tail[end - 7] = hi >>> 16;
  tail[end - 6] = hi >>> 8;
  tail[end - 5] = hi;
  tail[end - 4] = bits >>> 24;
  tail[end - 3] = bits >>> 16;
  tail[end - 2] = bits >>> 8;
  tail[end - 1] = bits;
  for (let off = 0; off < end; off += 64) compress(h, tail, off);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

export function sha256(msg: Uint8Array): Uint8Array {
  return finish(new Int32Array(IV), 0, msg);
}

/** A keyed HMAC-SHA-256: `sign(message)` returns the 32-byte MAC. */
export interface HmacSha256 {
  sign(message: Uint8Array | string): Uint8Array;
}

export function createHmacSha256(key: Uint8Array): HmacSha256 {
  // RFC 2104: keys longer than the block are hashed first, shorter ones zero-padded.
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha256(key) : key);
  const ipad = new Uint8Array(64);
  const opad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) {
    ipad[i] = k[i]! ^ 0x36;
    opad[i] = k[i]! ^ 0x5c;
  }
  const inner = new Int32Array(IV);
  compress(inner, ipad, 0);
  const outer = new Int32Array(IV);
  compress(outer, opad, 0);
  return {
    sign(message) {
      const msg = typeof message === 'string' ? encoder.encode(message) : message;
      return finish(outer, 64, finish(inner, 64, msg));
    },
  };
}
