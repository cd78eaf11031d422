import { describe, expect, it } from 'vitest';
import { usSsnDetector } from './us-ssn.ts';

const found = (t: string, min = 0.5) =>
  usSsnDetector.detect(t, {}).filter((f) => f.score >= min).map((f) => t.slice(f.start, f.end));

describe('US SSN detector', () => {
  it('finds dashed SSNs, and spaced or plain ones with context', () => {
    expect(found("Here's my SSN: 460-89-9847")).toEqual(['460-89-9847']);
    expect(found('id 460-89-9847')).toEqual(['460-89-9847']);
    expect(found('social security number is 460 89 9847')).toEqual(['460 89 9847']);
    expect(found('SSN 460899847')).toEqual(['460899847']);
    expect(found('id 460 89 9847')).toEqual([]);
    expect(found('id 460899847')).toEqual([]);
  });

  it('context raises the score', () => {
    const [bare] = usSsnDetector.detect('460-89-9847', {});
    const [ctx] = usSsnDetector.detect('SSN 460-89-9847', {});
    expect(ctx!.score).toBeGreaterThan(bare!.score);
  });

  it('excludes numbers that are never issued and glued digits', () => {
    for (const n of ['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000', '078-05-1120', '123-45-6789', '111-11-1111']) {
      expect(found(`SSN ${n}`)).toEqual([]);
    }
    expect(found('SSN 460-89-98471')).toEqual([]);
    expect(found('SSN 460-89 9847')).toEqual([]);
    expect(found('phone 555-123-4567')).toEqual([]);
    expect(found('사업자 220-81-62517')).toEqual([]);
  });

  it('handles edges and particles', () => {
    expect(found('460-89-9847')).toEqual(['460-89-9847']);
    expect(found('SSN은 460-89-9847입니다')).toEqual(['460-89-9847']);
  });
});
