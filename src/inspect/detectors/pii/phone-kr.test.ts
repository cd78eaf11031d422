import { describe, expect, it } from 'vitest';
import { krPhoneDetector } from './phone-kr.ts';

const found = (t: string, min = 0.5) =>
  krPhoneDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('Korean phone detector', () => {
  it('finds mobile numbers with any separator', () => {
    for (const n of ['010-1234-5678', '010 1234 5678', '010.1234.5678', '01012345678', '011-123-4567', '019-1234-5678']) {
      expect(found(`번호 ${n} 입니다`)).toEqual([n]);
    }
  });

  it('finds landlines, 070/080/050x and representative numbers', () => {
    for (const n of ['02-123-4567', '02-1234-5678', '031-123-4567', '064-712-3456', '(02) 1234-5678', '070-1234-5678', '080-123-4567', '0505-123-4567', '1588-1234', '1544-0000', '1899.1234']) {
      expect(found(`문의: ${n}`)).toEqual([n]);
    }
  });

  it('finds +82 forms', () => {
    for (const n of ['+82 10-1234-5678', '+82-10-1234-5678', '+82-2-123-4567', '+82 (0)10 1234 5678', '+821012345678']) {
      expect(found(`call ${n} now`)).toEqual([n]);
    }
  });

  it('keeps Korean particles and punctuation out of the span', () => {
    expect(found('010-1234-5678로 연락 주세요')).toEqual(['010-1234-5678']);
    expect(found('연락처:010-1234-5678.')).toEqual(['010-1234-5678']);
    expect(found('(010-1234-5678)')).toEqual(['010-1234-5678']);
    expect(found('010-1234-5678')).toEqual(['010-1234-5678']);
  });

  it('scores separated mobile numbers above unseparated landlines; context lifts them', () => {
    const [mobile] = krPhoneDetector.detect('010-1234-5678', {});
    const [plain] = krPhoneDetector.detect('0212345678', {});
    const [withCtx] = krPhoneDetector.detect('전화 0212345678', {});
    expect(mobile!.score).toBeGreaterThan(plain!.score);
    expect(plain!.score).toBeLessThan(0.5);
    expect(withCtx!.score).toBeGreaterThanOrEqual(0.5);
  });

  it('does not match inside longer digit runs, dates or timestamps', () => {
    expect(found('주문번호 20241130123456')).toEqual([]);
    expect(found('주문번호 9010123456789')).toEqual([]);
    expect(found('id 1010-1234-56789')).toEqual([]);
    expect(found('2024-11-30 12:30:45')).toEqual([]);
    expect(found('010-12345-6789')).toEqual([]);
    expect(found('0101234-5678')).toEqual([]);
    expect(found('02-012-3456')).toEqual([]);
  });

  it('does not read year ranges or bare 8-digit runs as representative numbers', () => {
    expect(found('조선 1850-1900년')).toEqual([]);
    expect(found('code 15881234')).toEqual([]);
    expect(found('대표번호 15881234')).toEqual(['15881234']);
  });

  it('never reads registration-number shapes as phone numbers', () => {
    // 3-2-5 (business registration) and 6-7 (resident registration) groupings, with a phone word.
    for (const n of ['874-35-75315', '011-12-34567', '031-81-12345', '451638-2515243', '010101-1234567', '0212345-1234567']) {
      expect(found(`문의 전화 ${n}`)).toEqual([]);
    }
  });

  it('keeps representative numbers labelled as order or tracking numbers below 0.5', () => {
    expect(found('주문번호 1588-1234')).toEqual([]);
    expect(found('tracking 1644.5678')).toEqual([]);
    expect(found('고객센터 1588-1234')).toEqual(['1588-1234']);
  });
});
