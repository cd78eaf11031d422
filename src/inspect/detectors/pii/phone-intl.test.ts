import { describe, expect, it } from 'vitest';
import { intlPhoneDetector } from './phone-intl.ts';

const found = (t: string, min = 0.5) =>
  intlPhoneDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('international phone detector', () => {
  it('finds E.164 numbers with a plus without needing context', () => {
    for (const n of ['+46 (0)8 928 571 38', '+41 (0)96 471 07 95', '+447700 921 916', '+447700677662', '+33 1 42 68 53 00', '+49-30-1234567']) {
      expect(found(`x ${n} y`)).toEqual([n]);
    }
  });

  it('finds free-form groupings next to a phone word, before or after', () => {
    expect(found('Phone:\n0490 75 40 81')).toEqual(['0490 75 40 81']);
    expect(found('call me on 9472 7916?')).toEqual(['9472 7916']);
    expect(found('Mobile: 03.93.92.16.85\n')).toEqual(['03.93.92.16.85']);
    expect(found('(37) 788-063-Office')).toEqual(['(37) 788-063']);
    expect(found('Fax: 9498777106')).toEqual(['9498777106']);
    expect(found('3660170548-Fax')).toEqual(['3660170548']);
    expect(found('Phone: 60-56-85-91')).toEqual(['60-56-85-91']);
  });

  it('does not report groupings without context', () => {
    expect(found('room 0490 75 40 81')).toEqual([]);
    expect(found('total 9498777106')).toEqual([]);
    expect(found('Our office is at 17031 2202 Rissik St')).toEqual([]);
    // The label belongs to the number right after it, not to the next one.
    expect(found('휴대폰 +82 10-1234-5678, 사업자 2447607690')).toEqual(['+82 10-1234-5678']);
  });

  it('rejects dates, IPs, card-length runs and digit-glued spans even with context', () => {
    expect(found('call on 2024-11-30 12:30:45')).toEqual([]);
    expect(found('call on 30.11.2024')).toEqual([]);
    expect(found('phone host 192.168.10.20')).toEqual([]);
    expect(found('phone 4111 1111 1111 1111')).toEqual([]);
    expect(found('phone 1 2 3 4 5 6 7 8')).toEqual([]);
    expect(found('phone abc1234567890')).toEqual([]);
  });

  it('context lifts the score', () => {
    const [bare] = intlPhoneDetector.detect('+44 20 7946 0958', {});
    const [ctx] = intlPhoneDetector.detect('tel +44 20 7946 0958', {});
    expect(ctx!.score).toBeGreaterThan(bare!.score);
  });

  it('rejects groupings no phone number has, even with a phone word', () => {
    // 6-7: the shape of resident / foreign / corporate registration numbers (any date, any separator).
    expect(found('전화 451638-2515243')).toEqual([]);
    expect(found('phone 880101 1234567')).toEqual([]);
    // A first group of seven or more digits: dated order numbers and other long codes.
    expect(found('문의 20231006-5938799')).toEqual([]);
    expect(found('call 1234567 89')).toEqual([]);
    // 3-2-5: the business registration number's shape, valid checksum or not.
    expect(found('연락처 874-35-75315')).toEqual([]);
    expect(found('tel 220 81 62517')).toEqual([]);
    // Still found: six-digit UK area codes in an eleven-digit number, and 3-2-x groupings.
    expect(found('Phone: 016977 23456')).toEqual(['016977 23456']);
    expect(found('Mobile: 432 03 163')).toEqual(['432 03 163']);
  });

  it('does not borrow a phone word from another sentence or another number\'s label', () => {
    expect(found('안녕하세요, 문의드립니다. 로그 시각 1555-3539-1094 확인')).toEqual([]);
    expect(found('연락 주세요. 주문번호 8338-0919-5557으로 배송')).toEqual([]);
    expect(found('Call us about tracking 0171 3938 5389')).toEqual([]);
    expect(found('Thanks for the call. The invoice is 4021 77 1180.')).toEqual([]);
    expect(found('참조 0171-3938-5389은')).toEqual([]);
    // …while a label of its own still counts, after another number's label too.
    expect(found('주문번호 12, 전화 0171-3938-5389')).toEqual(['0171-3938-5389']);
    expect(found('Call me! 0490 75 40 81')).toEqual(['0490 75 40 81']);
    expect(found('Tel. 0490 75 40 81')).toEqual(['0490 75 40 81']);
  });
});
