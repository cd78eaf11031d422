import { describe, expect, it } from 'vitest';
import { krPassportDetector } from './kr-passport.ts';

const found = (t: string, min = 0.5) =>
  krPassportDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('Korean passport (KR_PASSPORT)', () => {
  it('finds old and new forms with context', () => {
    expect(found('여권번호 M12345678')).toEqual(['M12345678']);
    expect(found('passport no. S87654321.')).toEqual(['S87654321']);
    expect(found('여권번호: M123A4567입니다')).toEqual(['M123A4567']);
  });

  it('the new form passes alone; the old form needs context', () => {
    expect(found('M123A4567')).toEqual(['M123A4567']);
    expect(found('item M12345678')).toEqual([]);
    expect(found('item M12345678', 0.3)).toEqual(['M12345678']);
  });

  it('rejects other letters, lower case, wrong lengths and glued codes', () => {
    expect(found('여권 A12345678')).toEqual([]);
    expect(found('여권 m12345678')).toEqual([]);
    expect(found('여권 M1234567')).toEqual([]);
    expect(found('여권 M123456789')).toEqual([]);
    expect(found('여권 XM12345678')).toEqual([]);
    expect(found('여권 M12345678-01')).toEqual([]);
    expect(found('commit 3fM12345678a')).toEqual([]);
  });
});
