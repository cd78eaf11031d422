import { describe, expect, it } from 'vitest';
import { shannonEntropy } from './entropy.ts';
import { ALNUM, fakeRandom } from './fake-secrets.ts';

describe('shannonEntropy', () => {
  it('is 0 for empty and one-symbol strings', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
  });
  it('is exactly log2(k) for k equally frequent symbols', () => {
    expect(shannonEntropy('abab')).toBeCloseTo(1, 10);
    expect(shannonEntropy('abcdefgh')).toBeCloseTo(3, 10);
  });
  it('honours the start/end range', () => {
    expect(shannonEntropy('xxxxabcd', 4)).toBeCloseTo(2, 10);
    expect(shannonEntropy('abcdxxxx', 0, 4)).toBeCloseTo(2, 10);
  });
  it('separates random keys from words', () => {
    const r = fakeRandom(3);
    expect(shannonEntropy(r(ALNUM, 40))).toBeGreaterThan(4.5);
    expect(shannonEntropy('passwordpassword')).toBeLessThan(3);
  });
});
