import { describe, expect, it } from 'vitest';
import { creditCardDetector } from './credit-card.ts';

const found = (t: string, min = 0.5) =>
  creditCardDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('credit card detector', () => {
  it('finds Luhn-valid PANs of each brand, plain and grouped', () => {
    const pans = [
      '4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', // Visa
      '5500 0055 5555 5559', '2221000000000009', // Mastercard (51-55, 2-series)
      '3782 822463 10005', '378282246310005', // Amex 4-6-5
      '6011111111111117', '3530111333300000', '6200000000000005', // Discover, JCB, UnionPay
      '3056 930902 5904', '4131034282458809939', '180016070420458', // Diners 4-6-4, Visa 19, JCB 15
    ];
    for (const p of pans) expect(found(`card ${p} ok`)).toEqual([p]);
  });

  it('reports grouped cards at 1.0 and short plain ones only with context', () => {
    expect(creditCardDetector.detect('4111 1111 1111 1111', {})[0]!.score).toBe(1);
    expect(found('ref 630427373398')).toEqual([]);
    expect(found('card number 630427373398')).toEqual(['630427373398']);
  });

  it('handles edges, particles and a following number', () => {
    expect(found('4111111111111111')).toEqual(['4111111111111111']);
    expect(found('카드 4111-1111-1111-1111로 결제')).toEqual(['4111-1111-1111-1111']);
    expect(found('card 4111 1111 1111 1111 2025')).toEqual(['4111 1111 1111 1111']);
    expect(found('(4111111111111111).')).toEqual(['4111111111111111']);
  });

  it('drops Luhn failures, unknown prefixes, odd groupings and glued digits', () => {
    expect(found('card 4111111111111112')).toEqual([]);
    expect(found('card 9111111111111111')).toEqual([]); // no brand starts with 9
    expect(found('card 4111 11111 111 1111')).toEqual([]);
    expect(found('card 4111-1111 1111-1111')).toEqual([]);
    expect(found('id 14111111111111111')).toEqual([]);
    expect(found('sha deadbeef4111111111111111cafe')).toEqual([]);
    expect(found('ts 20241130123456')).toEqual([]);
    expect(found('uuid 41111111-1111-1111-1111-111111111111')).toEqual([]);
    expect(found('card 4444444444444448')).toEqual(['4444444444444448']);
    expect(found('card 0000000000000000')).toEqual([]);
    expect(found('ref 47347715246179')).toEqual([]); // Visa is 13, 16 or 19 digits
    expect(found('주문번호 30569309025904')).toEqual([]); // Luhn-valid, but labelled an order
    expect(found('card 30569309025904')).toEqual(['30569309025904']);
  });
});
