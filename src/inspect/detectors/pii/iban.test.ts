import { describe, expect, it } from 'vitest';
import { ibanDetector } from './iban.ts';

const found = (t: string) => ibanDetector.detect(t, {}).map((f) => t.slice(f.start, f.end));

describe('IBAN detector', () => {
  it('finds valid IBANs, solid or grouped, upper or lower case', () => {
    expect(found('My IBAN is GB82WEST12345698765432')).toEqual(['GB82WEST12345698765432']);
    expect(found('IBAN: GB82 WEST 1234 5698 7654 32 thanks')).toEqual(['GB82 WEST 1234 5698 7654 32']);
    expect(found('de89 3704 0044 0532 0130 00')).toEqual(['de89 3704 0044 0532 0130 00']);
    expect(found('NO9386011117947, FR1420041010050500013M02606')).toEqual(['NO9386011117947', 'FR1420041010050500013M02606']);
  });

  it('scores 1.0 and stops at the country length', () => {
    const t = '계좌 DE89370400440532013000로 송금';
    const [f] = ibanDetector.detect(t, {});
    expect(f).toMatchObject({ type: 'IBAN', score: 1, start: 3, end: 25 });
  });

  it('rejects bad check digits, wrong lengths, unknown countries and glued text', () => {
    expect(found('GB82WEST12345698765433')).toEqual([]);
    expect(found('GB82WEST1234569876543')).toEqual([]);
    expect(found('ZZ82WEST12345698765432')).toEqual([]);
    expect(found('xGB82WEST12345698765432')).toEqual([]);
    expect(found('GB82WEST12345698765432X')).toEqual([]);
    expect(found('GB82 WES T123 4569 8765 432')).toEqual([]);
    expect(found('Gb82West12345698765432')).toEqual([]);
  });
});
