import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { claimSpans, type Span } from './claim-spans.ts';

/** The marking it replaced: one flag per character, spans claimed list by list in order. */
function naive(lists: readonly (readonly Span[])[], length: number): Span[] {
  const covered = new Uint8Array(length);
  const out: Span[] = [];
  for (const list of lists) {
    for (const span of [...list].sort((a, b) => a[0] - b[0])) {
      const [s, e] = span;
      let free = true;
      for (let i = s; i < e; i++) if (covered[i] === 1) free = false;
      if (!free) continue;
      covered.fill(1, s, e);
      out.push(span);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

describe('claimSpans', () => {
  it('lets an earlier list win an overlap wherever its span sits', () => {
    expect(claimSpans([[[5, 9, 0.8]], [[0, 3, 0.5], [8, 12, 0.5]]])).toEqual([[0, 3, 0.5], [5, 9, 0.8]]);
    expect(claimSpans([[], [[2, 4, 0.4]], [[0, 10, 0.9]]])).toEqual([[2, 4, 0.4]]);
  });

  it('keeps the first of two overlapping spans of one list, and spans that only touch', () => {
    expect(claimSpans([[[0, 5, 1], [3, 8, 1], [5, 7, 1]]])).toEqual([[0, 5, 1], [5, 7, 1]]);
    expect(claimSpans([[[0, 10, 1], [2, 3, 1], [4, 5, 1], [10, 11, 1]]])).toEqual([[0, 10, 1], [10, 11, 1]]);
  });

  it('sorts a list given out of order before claiming', () => {
    expect(claimSpans([[[6, 8, 1], [0, 2, 1], [1, 7, 1]]])).toEqual([[0, 2, 1], [6, 8, 1]]);
  });

  it('agrees with per-character marking on random lists', () => {
    const span = fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 8 }), fc.constantFrom(0.4, 0.5, 0.85)).map(([s, n, score]): Span => [s, s + n, score]);
    const list = fc.array(span, { maxLength: 8 }).map((l) => l.sort((a, b) => a[0] - b[0]));
    fc.assert(fc.property(fc.array(list, { maxLength: 8 }), (lists) => {
      expect(claimSpans(lists)).toEqual(naive(lists, 64));
    }), { numRuns: 3000 });
  });
});
