import { describe, expect, it } from 'vitest';
import { emailDetector } from './email.ts';

const found = (t: string) => emailDetector.detect(t, {}).filter((f) => f.score >= 0.5).map((f) => t.slice(f.start, f.end));

describe('email detector', () => {
  it('finds common address forms', () => {
    expect(found('mail UtaKortig@jourrapide.com please')).toEqual(['UtaKortig@jourrapide.com']);
    expect(found('a.b+tag@mail.example.co.uk')).toEqual(['a.b+tag@mail.example.co.uk']);
    expect(found("o'neil_x-y@sub-domain.xn--p1ai")).toEqual(["o'neil_x-y@sub-domain.xn--p1ai"]);
    expect(found('x@a.io, y@b.io')).toEqual(['x@a.io', 'y@b.io']);
  });

  it('handles boundaries: string edges, Korean particles, trailing punctuation', () => {
    expect(found('hong@example.com')).toEqual(['hong@example.com']);
    expect(found('hong@example.com으로 보내 주세요')).toEqual(['hong@example.com']);
    expect(found('이메일은hong@example.com입니다')).toEqual(['hong@example.com']);
    expect(found('Write to <hong@example.com>.')).toEqual(['hong@example.com']);
    expect(found('(hong@example.com)')).toEqual(['hong@example.com']);
    expect(found('end of sentence hong@example.com.')).toEqual(['hong@example.com']);
  });

  it('reports exact offsets', () => {
    const t = '메일: kim.cs@corp.kr';
    const [f] = emailDetector.detect(t, {});
    expect(f).toMatchObject({ type: 'EMAIL', start: 4, end: t.length, detector: 'email' });
  });

  it('rejects non-addresses', () => {
    expect(found('@mention and @scope/pkg')).toEqual([]);
    expect(found('icon@2x.png')).toEqual([]);
    expect(found('npm i lodash@4.17.21')).toEqual([]);
    expect(found('user@localhost')).toEqual([]);
    expect(found('a..b@example.com')).toEqual([]);
    expect(found('postgres://admin:s3cret@db.example.com/app')).toEqual([]);
    expect(found('x@-bad.com')).toEqual([]);
  });

  it('rejects an over-long local part instead of truncating it', () => {
    expect(found(`${'a'.repeat(70)}@example.com`)).toEqual([]);
  });

  it('stays linear on pathological input', () => {
    const t = `${'a'.repeat(200_000)}@${'b'.repeat(200_000)}${'@a'.repeat(100_000)}`;
    const t0 = performance.now();
    emailDetector.detect(t, {});
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
