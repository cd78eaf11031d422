import { describe, expect, it } from 'vitest';
import {
  brnChecksumValid, crnChecksumValid, frnChecksumValid, ibanMod97Valid, isValidDate, luhnValid, rrnChecksumValid,
} from './checksums.ts';

/** Flips the last digit to every other value: exactly one value of a check digit is valid. */
function otherCheckDigits(s: string): string[] {
  const last = Number(s[s.length - 1]);
  return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => d !== last).map((d) => s.slice(0, -1) + d);
}

describe('checksums', () => {
  it('Luhn accepts test PANs and rejects every other check digit', () => {
    for (const pan of ['4111111111111111', '5500005555555559', '378282246310005', '6011111111111117']) {
      expect(luhnValid(pan)).toBe(true);
      for (const wrong of otherCheckDigits(pan)) expect(luhnValid(wrong)).toBe(false);
    }
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('41111a1111111111')).toBe(false);
  });

  it('IBAN mod-97 accepts registry examples in any case and rejects a transposition', () => {
    expect(ibanMod97Valid('GB82WEST12345698765432')).toBe(true);
    expect(ibanMod97Valid('de89370400440532013000')).toBe(true);
    expect(ibanMod97Valid('GB82WEST12345698765423')).toBe(false);
    expect(ibanMod97Valid('GB82-WEST')).toBe(false);
  });

  it('RRN/FRN check digits follow their weighted sums', () => {
    expect(rrnChecksumValid('9001011234568')).toBe(true);
    for (const wrong of otherCheckDigits('9001011234568')) expect(rrnChecksumValid(wrong)).toBe(false);
    expect(frnChecksumValid('8505055123456')).toBe(true);
    expect(rrnChecksumValid('8505055123456')).toBe(false);
    expect(rrnChecksumValid('900101123456')).toBe(false);
  });

  it('BRN check digit includes the ninth-digit carry', () => {
    expect(brnChecksumValid('2208162517')).toBe(true);
    expect(brnChecksumValid('1248100998')).toBe(true);
    for (const wrong of otherCheckDigits('1248100998')) expect(brnChecksumValid(wrong)).toBe(false);
  });

  it('CRN check digit uses alternating 1,2 weights', () => {
    expect(crnChecksumValid('1301110006246')).toBe(true);
    for (const wrong of otherCheckDigits('1301110006246')) expect(crnChecksumValid(wrong)).toBe(false);
  });

  it('calendar dates handle leap years', () => {
    expect(isValidDate(2000, 2, 29)).toBe(true);
    expect(isValidDate(1900, 2, 29)).toBe(false);
    expect(isValidDate(2024, 4, 31)).toBe(false);
    expect(isValidDate(2024, 13, 1)).toBe(false);
  });
});
