import { describe, expect, it } from 'vitest';
import { krBrnDetector } from './kr-brn.ts';

const found = (t: string, min = 0.5) =>
  krBrnDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('사업자등록번호 (KR_BRN)', () => {
  it('finds valid dashed numbers without context, spaced/plain with context', () => {
    expect(found('220-81-62517')).toEqual(['220-81-62517']);
    expect(found('거래처 124-81-00998로 발행')).toEqual(['124-81-00998']);
    expect(found('사업자등록번호 124 81 00998')).toEqual(['124 81 00998']);
    expect(found('사업자번호: 1248100998')).toEqual(['1248100998']);
    expect(found('ref 1248100998')).toEqual([]);
  });

  it('drops a bad check digit unless 사업자 is written before it', () => {
    expect(found('220-81-62510')).toEqual([]);
    expect(found('사업자등록번호 220-81-62510')).toEqual(['220-81-62510']);
    expect(found('사업자등록번호 2208162510')).toEqual([]);
  });

  it('context raises the score to 1', () => {
    expect(krBrnDetector.detect('사업자등록번호: 220-81-62517', {})[0]!.score).toBe(1);
  });

  it('rejects impossible office/type codes and glued digits', () => {
    expect(found('사업자 000-81-62517')).toEqual([]);
    expect(found('사업자 220-00-62517')).toEqual([]);
    expect(found('220-81-625171')).toEqual([]);
    expect(found('1220-81-62517')).toEqual([]);
  });
});
