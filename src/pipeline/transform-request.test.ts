import { describe, expect, it } from 'vitest';
import { sweepKnownValues } from './transform-request.ts';

describe('sweepKnownValues', () => {
  const reverse = new Map([
    ['<PERSON_AAAAAA>', '김철수'],
    ['<EMAIL_BBBBBB>', 'kim@example.com'],
    ['<PERSON_CCCCCC>', 'Kim'],
  ]);
  it('replaces raw occurrences a detector missed, in every text', () => {
    expect(sweepKnownValues(['김철수에게 연락', 'no names'], reverse)).toEqual(['<PERSON_AAAAAA>에게 연락', 'no names']);
  });
  it('replaces the longer value first so a contained value does not split it', () => {
    expect(sweepKnownValues(['write kim@example.com or Kim'], reverse)).toEqual(['write <EMAIL_BBBBBB> or <PERSON_CCCCCC>']);
  });
  it('is the identity when nothing was pseudonymized', () => {
    const texts = ['a', 'b'];
    expect(sweepKnownValues(texts, new Map())).toBe(texts);
  });
});
