import { describe, expect, it } from 'vitest';
import { nanpPhoneDetector } from './phone-nanp.ts';

const found = (t: string, min = 0.5) =>
  nanpPhoneDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('NANP phone detector', () => {
  it('finds the common North American forms', () => {
    for (const n of ['(555) 234-5678', '555-234-5678', '555.234.5678', '+1 555 234 5678', '+1-984-182-0190', '1-800-555-0199', '001-518-640-0854', '(579)888-3058', '345-899-3560x4587', '259.735.7502x459', '555-234-5678 ext. 12']) {
      expect(found(`reach me: ${n}`)).toEqual([n]);
    }
  });

  it('needs context for the all-space form', () => {
    expect(found('id 555 234 5678')).toEqual([]);
    expect(found('call 555 234 5678')).toEqual(['555 234 5678']);
  });

  it('handles edges and attached particles', () => {
    expect(found('555-234-5678')).toEqual(['555-234-5678']);
    expect(found('555-234-5678로 전화')).toEqual(['555-234-5678']);
    expect(found('(905-674-3793).')).toEqual(['905-674-3793']);
  });

  it('rejects lookalikes', () => {
    expect(found('area 155-234-5678')).toEqual([]); // area codes start 2-9
    expect(found('555-234.5678')).toEqual([]); // mixed separators
    expect(found('order 9555-234-5678')).toEqual([]);
    expect(found('555-234-56789')).toEqual([]);
    expect(found('v1.555-234-5678')).toEqual([]);
    expect(found('SSN 555-23-4567')).toEqual([]);
    expect(found('21 284 698 2548')).toEqual([]); // a foreign number, left to phone.intl
  });

  it('stays below 0.5 when labelled as another kind of number', () => {
    expect(found('Tracking 555-234-5678')).toEqual([]);
    expect(found('order no. 555-234-5678')).toEqual([]);
    expect(found('주문번호 555-234-5678')).toEqual([]);
    // A phone word after the other label is the nearest label again.
    expect(found('order no. 7, phone 555-234-5678')).toEqual(['555-234-5678']);
    expect(found('Order status: call 555-234-5678')).toEqual(['555-234-5678']);
  });
});
