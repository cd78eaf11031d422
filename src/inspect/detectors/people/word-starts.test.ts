import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileWordStartLists, compileWordStarts, type WordList } from './word-starts.ts';

const WORDS = ['Dr', 'Dear', 'Mr', 'Mrs', 'Mary', 'Hi', 'Hiroshi', 'I am', 'I’m', "I'm", 'Good ', 'Jean-Pierre', 'Ab\u{1d400}c', 'Im'];
const finder = compileWordStarts(WORDS);

/** Every start by brute force: a word begins there and no ASCII letter precedes it. */
function naive(text: string): number[] {
  const out: number[] = [];
  for (let p = 0; p < text.length; p++) {
    if (p > 0 && /[A-Za-z]/.test(text[p - 1] ?? '')) continue;
    if (WORDS.some((w) => text.startsWith(w, p))) out.push(p);
  }
  return out;
}

describe('compileWordStarts', () => {
  it('finds each start once, ascending, where words overlap or share a prefix', () => {
    expect(finder.find('Hi Hiroshi, Mrs Mary')).toEqual([0, 3, 12, 16]);
    expect(finder.find('Dear Dr. x, Drat')).toEqual([0, 5, 12]);
  });

  it('finds words at both ends of the text and after any non-letter', () => {
    expect(finder.find('Mr')).toEqual([0]);
    expect(finder.find('x Mr')).toEqual([2]);
    expect(finder.find('1Mr _Mr (Mr\nMr')).toEqual([1, 5, 9, 12]);
    expect(finder.find('M')).toEqual([]);
    expect(finder.find('')).toEqual([]);
  });

  it('skips words glued to a preceding ASCII letter, not to other letters', () => {
    expect(finder.find('timeoutMs getDr aMary')).toEqual([]);
    expect(finder.find('éMary 김Mr')).toEqual([1, 7]);
  });

  it('confirms the whole word, not only the prefix the pass checks', () => {
    expect(finder.find('Marx Mars Jean-Paul Goodbye Deal')).toEqual([]);
    expect(finder.find('Jean-Pierre')).toEqual([0]);
  });

  it('matches spaces, apostrophes and surrogate pairs by code unit', () => {
    expect(finder.find("I am. I’m I'm I a")).toEqual([0, 6, 10]);
    expect(finder.find('Good morning, Goodbye')).toEqual([0]);
    expect(finder.find('x Ab\u{1d400}c \ud835 Ab\u{1d400}')).toEqual([2]);
    expect(finder.find('\ud835Mr\udc00Dr \u{1d400}Mr')).toEqual([1, 4, 9]);
    expect(finder.find("I Im I'Mr Good Mr")).toEqual([2, 7, 10, 15]);
  });

  it('answers `at` whatever precedes the position', () => {
    expect(finder.at('xMary', 1)).toBe(true);
    expect(finder.at('Mar', 0)).toBe(false);
    expect(finder.at('Mr', 1)).toBe(false);
    expect(finder.at('Mr', 5)).toBe(false);
  });

  it('agrees with a brute-force search on random texts', () => {
    const piece = fc.constantFrom(...WORDS, 'M', 'r', 'D', 'a', 'x', ' ', '.', '-', 'é', '\ud835', '\udc00', 'Hiro', 'I', "'", '’', '\n', 'm', 'Goo', 'Ab');
    fc.assert(fc.property(fc.array(piece, { maxLength: 16 }), (parts) => {
      const text = parts.join('');
      expect(finder.find(text)).toEqual(naive(text));
    }), { numRuns: 3000 });
  });

  it('refuses words shorter than two units or opening with anything but an ASCII letter', () => {
    expect(() => compileWordStarts(['Mr', 'M'])).toThrow();
    expect(() => compileWordStarts(['Mr', '(a'])).toThrow();
  });
});

describe('compileWordStartLists', () => {
  const LISTS: WordList[] = [
    { words: ['Dr', 'Dear', 'Mary', 'Pla'] },
    { words: ['Dr', 'Drive', 'St', 'Street', 'Pl', 'Place', 'Mary', 'Ab\u{1d400}'], whole: true },
    { words: ['Box', 'St'] },
  ];
  const lists = compileWordStartLists(LISTS);

  /** Each list's starts by brute force: a word begins there (a whole word: no ASCII letter follows), no ASCII letter precedes. */
  function naiveLists(text: string): number[][] {
    return LISTS.map(({ words, whole }) => {
      const out: number[] = [];
      for (let p = 0; p < text.length; p++) {
        if (p > 0 && /[A-Za-z]/.test(text[p - 1] ?? '')) continue;
        if (words.some((w) => text.startsWith(w, p) && (whole !== true || !/[A-Za-z]/.test(text[p + w.length] ?? '')))) out.push(p);
      }
      return out;
    });
  }

  it('hands each hit to the lists whose words begin there', () => {
    expect(lists.find('Dear Dr. Drives')).toEqual([[0, 5, 9], [5], []]);
    expect(lists.find('Box 1 St. Start')).toEqual([[], [6], [0, 6, 10]]);
  });

  it('takes a whole word only before a non-letter or the end of the text', () => {
    expect(lists.find('Please Pl Pl. Pl9 Place Places Pl')).toEqual([[18, 24], [7, 10, 14, 18, 31], []]);
    expect(lists.find('Mary Maryland')).toEqual([[0, 5], [0], []]);
    expect(lists.find('St')).toEqual([[], [0], [0]]);
    expect(lists.find('Streets Streeté')).toEqual([[], [8], [0, 8]]);
  });

  it('checks the unit after a surrogate pair, not the pair', () => {
    expect(lists.find('Ab\u{1d400} Ab\u{1d400}x Ab\u{1d400}\u{1d400}')).toEqual([[], [0, 11], []]);
  });

  it('finds nothing for no words, and nothing in an empty text', () => {
    expect(compileWordStartLists([]).find('Dr Mary')).toEqual([]);
    expect(compileWordStartLists([{ words: [] }, { words: [], whole: true }]).find('Dr Mary')).toEqual([[], []]);
    expect(lists.find('')).toEqual([[], [], []]);
  });

  it('agrees with a brute-force search on random texts', () => {
    const piece = fc.constantFrom(...LISTS.flatMap((l) => l.words), 'D', 'r', 'S', 't', 'e', 's', 'x', ' ', '.', '-', 'é', '\ud835', '\udc00', 'P', 'l', 'a', '1', '\n', 'Bo', 'Mar');
    fc.assert(fc.property(fc.array(piece, { maxLength: 16 }), (parts) => {
      const text = parts.join('');
      expect(lists.find(text)).toEqual(naiveLists(text));
    }), { numRuns: 3000 });
  });

  it('refuses the same bad words as compileWordStarts, and more than 30 lists', () => {
    expect(() => compileWordStartLists([{ words: ['Mr'] }, { words: ['M'], whole: true }])).toThrow();
    expect(() => compileWordStartLists(Array.from({ length: 31 }, () => ({ words: ['Mr'] })))).toThrow();
  });
});
