import { describe, expect, it } from 'vitest';
import { krRrnDetector } from './kr-rrn.ts';
import { krFrnDetector } from './kr-frn.ts';
import { krCrnDetector } from './kr-crn.ts';
import type { Detector } from '../../types.ts';

const run = (d: Detector, t: string) => d.detect(t, {});
const found = (d: Detector, t: string, min = 0.5) => run(d, t).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));
const scoreOf = (d: Detector, t: string) => run(d, t)[0]?.score ?? 0;

// 900101-1234568 has a valid RRN check digit; ...-1234560 does not (a post-2020 style number).
describe('주민등록번호 (KR_RRN)', () => {
  it('finds valid-date numbers with or without a valid check digit', () => {
    expect(found(krRrnDetector, '900101-1234568')).toEqual(['900101-1234568']);
    expect(found(krRrnDetector, '900101-1234560')).toEqual(['900101-1234560']);
    expect(found(krRrnDetector, '900101 1234560')).toEqual(['900101 1234560']);
    expect(found(krRrnDetector, '050315-4123450')).toEqual(['050315-4123450']);
  });

  it('scores: checksum is a booster, context raises, unseparated needs context', () => {
    expect(scoreOf(krRrnDetector, '900101-1234568')).toBe(1);
    expect(scoreOf(krRrnDetector, '900101-1234560')).toBe(0.6);
    expect(scoreOf(krRrnDetector, '주민등록번호: 900101-1234560')).toBeGreaterThanOrEqual(0.9);
    expect(scoreOf(krRrnDetector, '9001011234560')).toBeLessThan(0.5);
    expect(scoreOf(krRrnDetector, '주민번호 9001011234560')).toBeGreaterThanOrEqual(0.5);
    expect(scoreOf(krRrnDetector, '9001011234568')).toBeLessThan(0.5);
    expect(scoreOf(krRrnDetector, '주민등록번호 9001011234568')).toBeGreaterThanOrEqual(0.8);
    // A millisecond timestamp that happens to read as a date with a valid check digit.
    expect(found(krFrnDetector, 'timestamp 1704176055486')).toEqual([]);
  });

  it('checks the birth date and gender digit', () => {
    expect(found(krRrnDetector, '901301-1234568')).toEqual([]); // month 13
    expect(found(krRrnDetector, '900230-1234568')).toEqual([]); // 30 February
    expect(found(krRrnDetector, '000229-3234561')).toHaveLength(1); // 2000 is a leap year
    expect(found(krRrnDetector, '010229-3234561')).toEqual([]); // 2001 is not
    expect(found(krRrnDetector, '900101-5234568')).toEqual([]); // gender 5 is a foreigner
    expect(found(krRrnDetector, '900101-0234568')).toHaveLength(1); // 1800s, still an RRN shape
  });

  it('handles particles and boundaries', () => {
    expect(found(krRrnDetector, '주민번호는 900101-1234568입니다')).toEqual(['900101-1234568']);
    expect(found(krRrnDetector, '(900101-1234568)')).toEqual(['900101-1234568']);
    expect(found(krRrnDetector, 'id 1900101-1234568')).toEqual([]);
    expect(found(krRrnDetector, '900101-12345681')).toEqual([]);
    expect(found(krRrnDetector, 'ts 20241130123456')).toEqual([]);
  });

  it('does not take Korean product barcodes', () => {
    // 8801234567893: a valid EAN-13 starting 880 whose first six digits read as a date.
    expect(found(krRrnDetector, '바코드 8801234567893')).toEqual([]);
  });
});

describe('외국인등록번호 (KR_FRN)', () => {
  it('finds gender digits 5-8 with the FRN check digit as a booster', () => {
    expect(found(krFrnDetector, '850505-5123456')).toEqual(['850505-5123456']);
    expect(scoreOf(krFrnDetector, '850505-5123456')).toBe(1);
    expect(scoreOf(krFrnDetector, '850505-5123450')).toBe(0.6);
    expect(scoreOf(krFrnDetector, '외국인등록번호 850505-5123450')).toBeGreaterThan(0.9);
    expect(found(krFrnDetector, '900101-1234568')).toEqual([]);
    expect(found(krFrnDetector, '851305-5123456')).toEqual([]);
  });
});

describe('법인등록번호 (KR_CRN) and its resolution against RRN', () => {
  it('requires the CRN check digit', () => {
    expect(found(krCrnDetector, '법인등록번호 110111-0001232')).toEqual(['110111-0001232']);
    expect(found(krCrnDetector, '법인등록번호 110111-0001230')).toEqual([]);
  });

  it('an invalid birth date with a valid CRN check digit is a CRN without context', () => {
    expect(found(krCrnDetector, '119911-0123453')).toEqual(['119911-0123453']);
    expect(found(krRrnDetector, '119911-0123453')).toEqual([]);
  });

  it('an 1800s-looking number with a valid CRN check digit goes to CRN', () => {
    expect(scoreOf(krCrnDetector, '110111-0001232')).toBeGreaterThan(scoreOf(krRrnDetector, '110111-0001232'));
    expect(scoreOf(krRrnDetector, '110111-0001232')).toBeLessThan(0.5);
  });

  it('법인 context moves an RRN-shaped number to CRN; 주민 context keeps it an RRN', () => {
    // 900101-1234564 is a valid birth date and passes the CRN check (not the RRN one).
    const corp = '법인등록번호 900101-1234564';
    expect(scoreOf(krCrnDetector, corp)).toBe(1);
    expect(scoreOf(krRrnDetector, corp)).toBeLessThan(0.5);
    const person = '주민등록번호 900101-1234564';
    expect(scoreOf(krRrnDetector, person)).toBeGreaterThan(scoreOf(krCrnDetector, person));
    expect(scoreOf(krCrnDetector, person)).toBeLessThan(0.5);
  });
});
