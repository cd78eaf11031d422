import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AhoCorasick, compileDictionary } from './dictionary.ts';

const spans = (terms: string[], text: string) => new AhoCorasick(terms).matches(text);

describe('dictionary matching', () => {
  it('matches case-insensitively with Latin word boundaries', () => {
    expect(spans(['Falcon'], 'Project FALCON, falcon; Falconry xFalcon falcon2 falcon_')).toEqual([[8, 14], [16, 22], [49, 55]]);
    // the last one is `falcon_`: `_` is not a Latin letter or digit, so it is a boundary
  });

  it('matches Hangul terms with particles attached but not inside another Hangul word', () => {
    const text = '삼성전자는 오늘 삼성전자의 비삼성전자 (삼성전자)';
    expect(spans(['삼성전자'], text).map(([s, e]) => text.slice(s, e))).toEqual(['삼성전자', '삼성전자', '삼성전자']);
    expect(spans(['삼성전자'], text)[0]).toEqual([0, 4]);
  });

  it('lets Korean particles follow a Latin term', () => {
    expect(spans(['Falcon'], 'Falcon은 비밀')).toEqual([[0, 6]]);
  });

  it('prefers the longest match at a position and does not overlap', () => {
    expect(spans(['new', 'new york', 'york city'], 'in new york city')).toEqual([[3, 11]]);
    expect(spans(['ab', 'b c'], 'ab c')).toEqual([[0, 2]]);
  });

  it('falls back to a shorter term when the longer one fails its boundary', () => {
    expect(spans(['acme', 'acme cor'], 'acme corp')).toEqual([[0, 4]]);
  });

  it('matches terms that are suffixes of others (output links)', () => {
    expect(spans(['xabcx', 'bc'], 'zz abcq a-bc')).toEqual([[10, 12]]);
    expect(spans(['프로젝트', '젝트'], '젝트')).toEqual([[0, 2]]);
  });

  it('keeps offsets when case folding would change length', () => {
    // `İ` lower-cases to two code units; the per-unit fold leaves it alone so offsets stay put.
    expect(spans(['acme'], 'İİ ACME')).toEqual([[3, 7]]);
  });

  it('finds every planted term (property)', () => {
    const terms = ['alpha', 'beta gamma', '한글사전', 'Δelta'];
    const ac = new AhoCorasick(terms);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...terms, ' ', '. ', 'x y', '은 ')), fc.integer({ min: 0, max: 3 }), (parts, k) => {
        const text = parts.join(' ') + ' ' + terms[k]!.toUpperCase() + ' ';
        const found = ac.matches(text).map(([s, e]) => text.slice(s, e).toLowerCase());
        expect(found).toContain(terms[k]!.toLowerCase());
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    const ac = new AhoCorasick(['a', 'ab', '\ud800', '가']);
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => { ac.matches(s); }));
  });

  it('scales linearly with the number of terms', () => {
    const text = 'lorem ipsum dolor sit amet term-123 '.repeat(3000);
    const time = (n: number) => {
      const ac = new AhoCorasick(Array.from({ length: n }, (_, i) => `term-${i}x`));
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) ac.matches(text);
      return performance.now() - t0;
    };
    time(10);
    const small = time(10), big = time(10_000);
    // Scan cost must not grow with the number of terms (allow generous noise).
    expect(big).toBeLessThan(small * 5 + 20);
  });

  it('builds a detector with id dictionary.<name> and score 1', () => {
    const d = compileDictionary({ name: 'codenames', type: 'PROJECT', terms: ['Falcon'] });
    expect(d.id).toBe('dictionary.codenames');
    expect(d.detect('the falcon flies', {})).toEqual([{ type: 'PROJECT', start: 4, end: 10, score: 1, detector: 'dictionary.codenames' }]);
  });
});
