import { describe, expect, it } from 'vitest';
import { krDriverLicenseDetector } from './kr-driver-license.ts';

const found = (t: string, min = 0.5) =>
  krDriverLicenseDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('Korean driver licence (KR_DRIVER_LICENSE)', () => {
  it('finds numeric-region and named-region forms', () => {
    expect(found('11-12-345678-90')).toEqual(['11-12-345678-90']);
    expect(found('운전면허번호: 28-19-123456-01로')).toEqual(['28-19-123456-01']);
    expect(found('서울 12-345678-90')).toEqual(['서울 12-345678-90']);
    expect(found('운전면허 111234567890')).toEqual(['111234567890']);
  });

  it('context raises the score; plain digits need it', () => {
    expect(krDriverLicenseDetector.detect('운전면허 11-12-345678-90', {})[0]!.score).toBeGreaterThan(
      krDriverLicenseDetector.detect('11-12-345678-90', {})[0]!.score,
    );
    expect(found('111234567890')).toEqual([]);
    expect(found('운전면허 11-12-345678-90, 송장 209747045785')).toEqual(['11-12-345678-90']);
  });

  it('rejects unknown region codes and glued digits', () => {
    expect(found('27-12-345678-90')).toEqual([]);
    expect(found('10-12-345678-90')).toEqual([]);
    expect(found('29-12-345678-90')).toEqual([]);
    expect(found('11-12-345678-901')).toEqual([]);
    expect(found('11-12-345678-90-1')).toEqual([]);
    expect(found('2024-11-30 12:30:45')).toEqual([]);
  });
});
