/**
 * @module inspect/detectors/secrets/entropy
 * Shannon entropy in bits per character. Random API keys sit near log2 of their alphabet
 * (≈5.2 for base62 over long strings), while words, repeated placeholders (`xxxx`) and
 * identifiers sit well below; gitleaks uses the same measure to thin out generic matches.
 */

/** Bits per character of `text.slice(start, end)`; 0 for an empty range. */
export function shannonEntropy(text: string, start = 0, end = text.length): number {
  const len = end - start;
  if (len <= 0) return 0;
  const counts = new Map<number, number>();
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / len;
    bits -= p * Math.log2(p);
  }
  return bits;
}
