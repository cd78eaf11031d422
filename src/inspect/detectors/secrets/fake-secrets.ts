/**
 * @module inspect/detectors/secrets/fake-secrets
 * Test-only generators of realistic-looking but fake credentials with the right lengths and
 * alphabets, from a seeded PRNG so failures reproduce. Keeping real-looking keys out of the
 * repository as literals also keeps secret scanners quiet on our own source.
 */

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const URLSAFE = `${ALNUM}-_`;
export const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE64 = `${ALNUM}+/`;
export const HEX = '0123456789abcdef';

/** A deterministic generator of random strings (mulberry32). */
export function fakeRandom(seed = 1): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
    return s;
  };
}

/** base64url without padding, for building JWT segments in tests. */
export function base64Url(json: string): string {
  const bytes = new TextEncoder().encode(json);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Runs a detector the way the engine does (keyword prefilter first) and returns matched texts. */
export function matchedValues(
  detector: { keywords?: readonly string[]; detect(text: string, ctx: object): { start: number; end: number }[] },
  text: string,
): string[] {
  const lower = text.toLowerCase();
  if (detector.keywords && !detector.keywords.some((k) => lower.includes(k))) return [];
  return detector.detect(text, {}).map((f) => text.slice(f.start, f.end));
}
