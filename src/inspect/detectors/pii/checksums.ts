/**
 * @module inspect/detectors/pii/checksums
 * The check-digit algorithms the structured detectors validate against. All take a string of
 * ASCII digits (or, for IBAN, letters and digits) already stripped of separators, and return a
 * boolean; none throws. Sources for every algorithm are listed in `SOURCES.md`.
 */

function d(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/** Luhn (ISO/IEC 7812-1 Annex B): payment card numbers. */
export function luhnValid(digits: string): boolean {
  if (!allDigits(digits) || digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let v = d(digits, i);
    if (double) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 / ISO 7064 MOD 97-10: move the first four characters to the end, map letters to
 * 10..35, and the whole number must be 1 mod 97. Computed digit by digit so no big integers.
 */
export function ibanMod97Valid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (s.length < 5) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      rem = (rem * 10 + (c - 48)) % 97;
    } else if (c >= 65 && c <= 90) {
      rem = (rem * 100 + (c - 55)) % 97;
    } else {
      return false;
    }
  }
  return rem === 1;
}

const RRN_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;

function rrnWeightedSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += d(digits, i) * RRN_WEIGHTS[i]!;
  return sum;
}

/**
 * 주민등록번호 check digit (pre-October-2020 numbers): weights 2..9,2..5 over the first twelve
 * digits, check = (11 - sum mod 11) mod 10. Numbers issued since October 2020 carry random
 * trailing digits, so a failure here must lower confidence, never reject.
 */
export function rrnChecksumValid(digits: string): boolean {
  if (digits.length !== 13 || !allDigits(digits)) return false;
  return (11 - (rrnWeightedSum(digits) % 11)) % 10 === d(digits, 12);
}

/**
 * 외국인등록번호 check digit: the RRN sum, then ((11 - sum mod 11) mod 10 + 2) mod 10.
 * Booster only, like the RRN check.
 */
export function frnChecksumValid(digits: string): boolean {
  if (digits.length !== 13 || !allDigits(digits)) return false;
  const base = (11 - (rrnWeightedSum(digits) % 11)) % 10;
  return (base + 2) % 10 === d(digits, 12);
}

const BRN_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/**
 * 사업자등록번호 check digit (National Tax Service): weights 1,3,7,1,3,7,1,3,5 over the first
 * nine digits, plus the carry floor(9th digit × 5 / 10); check = (10 - sum mod 10) mod 10.
 */
export function brnChecksumValid(digits: string): boolean {
  if (digits.length !== 10 || !allDigits(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += d(digits, i) * BRN_WEIGHTS[i]!;
  sum += Math.floor((d(digits, 8) * 5) / 10);
  return (10 - (sum % 10)) % 10 === d(digits, 9);
}

/**
 * 법인등록번호 check digit: weights 1,2,1,2,… over the first twelve digits (products summed
 * as numbers, not digit sums); check = (10 - sum mod 10) mod 10.
 */
export function crnChecksumValid(digits: string): boolean {
  if (digits.length !== 13 || !allDigits(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += d(digits, i) * (i % 2 === 0 ? 1 : 2);
  return (10 - (sum % 10)) % 10 === d(digits, 12);
}

/** Days in month `m` (1..12) of full year `y`, Gregorian. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** True if year/month/day is a real calendar date. */
export function isValidDate(y: number, m: number, day: number): boolean {
  return m >= 1 && m <= 12 && day >= 1 && day <= daysInMonth(y, m);
}
