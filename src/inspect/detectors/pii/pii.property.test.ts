/**
 * Properties every structured PII detector must keep: never throw, return well-formed findings,
 * find a planted value wherever it sits in surrounding text, and run in linear time on
 * adversarial input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detector } from '../../types.ts';
import { PII_DETECTORS } from './index.ts';

const byId = new Map(PII_DETECTORS.map((d) => [d.id, d]));
const det = (id: string): Detector => byId.get(id)!;

/** One value per detector that a default policy (min score 0.5) must report in any position. */
const PLANTED: [string, string][] = [
  ['email', 'kim.minsu@example.co.kr'],
  ['iban', 'GB82 WEST 1234 5698 7654 32'],
  ['credit_card', '4111-1111-1111-1111'],
  ['kr_rrn', '900101-1234560'],
  ['kr_frn', '850505-5123456'],
  ['kr_crn', '119911-0123453'],
  ['kr_brn', '220-81-62517'],
  ['kr_driver_license', '11-12-345678-90'],
  ['kr_passport', 'M123A4567'],
  ['kr_health_insurance', '건강보험증 12345678901'],
  ['kr_bank_account', '신한은행 110-123-456789'],
  ['us_ssn', '460-89-9847'],
  ['phone.kr', '010-1234-5678'],
  ['phone.nanp', '(555) 234-5678'],
  ['phone.intl', '+44 20 7946 0958'],
  ['ip_address', '2001:db8::8a2e:370:7334'],
];

const filler = fc
  .array(fc.constantFrom('hello', 'the', 'order', '고객', '님', '입니다', 'and', '.', ',', '\n', '확인', 'please'), { maxLength: 12 })
  .map((ws) => ws.join(' '));
const particle = fc.constantFrom('', '로', '는', '입니다', '.', ')', ',');

const noisyText = fc
  .array(
    fc.constantFrom('0', '1', '5', '9', '-', ' ', '.', ':', '@', '+', '(', ')', 'a', 'F', 'x', 'M', 'GB', '가', '계좌',
      'SSN', '\u0000', '\uD800', '\uDC00', '010', '900101', '4111', '\n', '::'),
    { maxLength: 80 },
  )
  .map((xs) => xs.join(''));

function checkWellFormed(d: Detector, text: string): void {
  const found = d.detect(text, {});
  for (const f of found) {
    expect(Number.isInteger(f.start) && Number.isInteger(f.end)).toBe(true);
    expect(f.start).toBeGreaterThanOrEqual(0);
    expect(f.end).toBeLessThanOrEqual(text.length);
    expect(f.start).toBeLessThan(f.end);
    expect(f.score).toBeGreaterThanOrEqual(0);
    expect(f.score).toBeLessThanOrEqual(1);
    expect(d.types).toContain(f.type);
    expect(f.detector).toBe(d.id);
  }
}

describe('PII detectors: properties', () => {
  it('every detector has a unique id and declares the types it emits', () => {
    expect(byId.size).toBe(PII_DETECTORS.length);
    for (const [id] of PLANTED) expect(byId.has(id)).toBe(true);
  });

  it('never throw and return well-formed findings on arbitrary strings (lone surrogates, NUL)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), noisyText), (text) => {
        for (const d of PII_DETECTORS) checkWellFormed(d, text);
      }),
      { numRuns: 300 },
    );
  });

  it('find a planted value anywhere in surrounding text, with exact offsets', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLANTED), filler, filler, particle, ([id, planted], pre, post, tail) => {
        const d = det(id);
        // The gated detectors' context word is part of the plant; the value is its last token.
        const value = id === 'kr_health_insurance' || id === 'kr_bank_account' ? planted.split(' ').pop()! : planted;
        const text = `${pre} ${planted}${tail} ${post}`;
        const start = pre.length + 1 + planted.length - value.length;
        const hits = d.detect(text, {}).filter((f) => f.score >= 0.5);
        expect(hits.some((f) => f.start === start && f.end === start + value.length)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('handle a 1 MB line and deep nesting without throwing', () => {
    const big = `${'x'.repeat(500_000)} 010-1234-5678 ${'['.repeat(250_000)}${']'.repeat(250_000)}`;
    for (const d of PII_DETECTORS) {
      const found = d.detect(big, {});
      if (d.id === 'phone.kr') expect(found.map((f) => big.slice(f.start, f.end))).toEqual(['010-1234-5678']);
    }
  });

  it('run in linear time on adversarial input', () => {
    // 200k characters of each shape. A linear detector needs well under 0.5 s even on a loaded
    // machine; one that restarts an unbounded scan per position would need minutes (4e10 steps),
    // so an absolute bound separates the two without flaky timing ratios.
    const shapes = ['1', '1 ', '12-', '1.', 'ab:', ':', 'a@', 'GB82', '(1) ', '+1 ', '4111 ', '계좌 1 ', 'a'];
    for (const shape of shapes) {
      const text = shape.repeat(Math.ceil(200_000 / shape.length));
      for (const d of PII_DETECTORS) {
        const t0 = performance.now();
        d.detect(text, {});
        expect(performance.now() - t0, `${d.id} on '${shape}'`).toBeLessThan(2_000);
      }
    }
  });
});
