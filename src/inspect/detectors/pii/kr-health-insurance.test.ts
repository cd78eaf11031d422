import { describe, expect, it } from 'vitest';
import { krHealthInsuranceDetector } from './kr-health-insurance.ts';

const found = (t: string, min = 0.5) =>
  krHealthInsuranceDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('건강보험증 번호 (KR_HEALTH_INSURANCE)', () => {
  it('finds 10-11 digit numbers after a health-insurance word', () => {
    expect(found('건강보험증 번호: 12345678901')).toEqual(['12345678901']);
    expect(found('보험증번호 1-2345678901입니다')).toEqual(['1-2345678901']);
    expect(found('건보 12345-678901')).toEqual(['12345-678901']);
    expect(found('health insurance no 1234567890')).toEqual(['1234567890']);
  });

  it('needs the context word, before and within reach', () => {
    expect(found('번호 12345678901')).toEqual([]);
    expect(found(`건강보험${'.'.repeat(40)} 12345678901`)).toEqual([]);
    expect(found('12345678901 건강보험')).toEqual([]);
  });

  it('rejects other lengths and glued digits', () => {
    expect(found('건강보험 123456789')).toEqual([]);
    expect(found('건강보험 123456789012')).toEqual([]);
    expect(found('건강보험 a12345678901')).toEqual([]);
  });
});
