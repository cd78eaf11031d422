import { describe, expect, it } from 'vitest';
import { krBankAccountDetector } from './kr-bank-account.ts';

const found = (t: string, min = 0.5) =>
  krBankAccountDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('Korean bank account (KR_BANK_ACCOUNT)', () => {
  it('finds accounts next to a bank name or an account word', () => {
    expect(found('신한은행 110-123-456789')).toEqual(['110-123-456789']);
    expect(found('우리 1002-123-456789')).toEqual(['1002-123-456789']);
    expect(found('계좌번호: 123-456789-01-001로 입금')).toEqual(['123-456789-01-001']);
    expect(found('카카오뱅크 3333-01-1234567')).toEqual(['3333-01-1234567']);
    expect(found('국민은행 계좌 12345678901234')).toEqual(['12345678901234']);
    expect(found('account no. 110 123 456789')).toEqual(['110 123 456789']);
  });

  it('scores account words above bank names', () => {
    const byWord = krBankAccountDetector.detect('계좌 110-123-456789', {})[0]!.score;
    const byBank = krBankAccountDetector.detect('신한 110-123-456789', {})[0]!.score;
    expect(byWord).toBeGreaterThan(byBank);
  });

  it('reports nothing without a nearby bank or account word', () => {
    expect(found('주문번호 110-123-456789')).toEqual([]);
    expect(found('우리 회사 주문번호는 1002-123-456789')).toEqual([]); // 우리 = "we" here
    expect(found(`신한은행${' '.repeat(40)}110-123-456789`)).toEqual([]);
    expect(found('계좌 110-123-456789').length).toBe(1); // the same number with its account word
  });

  it('rejects wrong lengths, dates and glued digits', () => {
    expect(found('계좌 2024-11-30')).toEqual([]);
    expect(found('계좌 123-456')).toEqual([]);
    expect(found('계좌 1234-5678-9012-3456')).toEqual([]);
    expect(found('계좌 x110-123-456789')).toEqual([]);
    expect(found('계좌 110-123 456789')).toEqual([]);
  });
});
