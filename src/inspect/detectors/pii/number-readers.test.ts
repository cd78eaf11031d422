import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BANK_CANDIDATE_SOURCE,
  bankCandidateEnd,
  CARD_CANDIDATE_SOURCE,
  cardCandidateEnd,
  CHAIN_BODY_SOURCE,
  CHAIN_EXTENSION_SOURCE,
  chainBodyEnd,
  chainExtensionEnd,
  digitRun,
  fixedGroupsEnd,
  groupSeparator,
} from './number-readers.ts';

/** Where the sticky regex matches at `p` ends, or -1. */
function regexEnd(re: RegExp, text: string, p: number): number {
  re.lastIndex = p;
  const m = re.exec(text);
  return m === null ? -1 : p + m[0].length;
}

/** Digits, every separator the regexes know or nearly know, letters of `ext`, and a surrogate pair. */
const numberish = fc
  .array(fc.constantFrom('0', '1', '2', '7', '9', '9', '5', '6', '8', ' ', ' ', '-', '.', '+', '(', ')', 'x', 'X', 'e', 'E', 't', 'T', '가', '\u2013', '\ud83d\ude00', '١'), { maxLength: 70 })
  .map((a) => a.join(''));

/** The same text with long digit runs, to reach every group-count and run-length bound. */
const digitHeavy = fc
  .array(fc.oneof(fc.constantFrom(' ', '-', '.', 'x', ' ext. ', '\u2013'), fc.stringMatching(/^\d{1,20}$/)), { maxLength: 14 })
  .map((a) => a.join(''));

const texts = fc.oneof(numberish, digitHeavy);

function agreesAtEveryStart(re: RegExp, read: (text: string, p: number) => number): void {
  fc.assert(
    fc.property(texts, (text) => {
      for (let p = 0; p <= text.length; p++) expect([p, read(text, p)]).toEqual([p, regexEnd(re, text, p)]);
    }),
    { numRuns: 1500 },
  );
}

describe('number readers end where their regexes do', () => {
  it('digitRun counts at most max digits, and none past the end', () => {
    expect(digitRun('a12345', 1, 3)).toBe(3);
    expect(digitRun('a12345', 1, 9)).toBe(5);
    expect(digitRun('12', 2, 5)).toBe(0);
    expect(digitRun('١٢', 0, 5)).toBe(0); // Arabic-Indic digits are not \d
  });

  it('the international chain body', () => {
    const re = new RegExp(`(?:${CHAIN_BODY_SOURCE})`, 'y');
    // The reader answers for digit starts (others go to the full regex).
    agreesAtEveryStart(re, (text, p) => (/\d/.test(text.charAt(p)) ? chainBodyEnd(text, p) : regexEnd(re, text, p)));
  });

  it('the chain with its extension, case-insensitive', () => {
    const re = new RegExp(`(?:${CHAIN_BODY_SOURCE})${CHAIN_EXTENSION_SOURCE}`, 'iy');
    agreesAtEveryStart(re, (text, p) => {
      if (!/\d/.test(text.charAt(p))) return regexEnd(re, text, p);
      const body = chainBodyEnd(text, p);
      return body < 0 ? -1 : chainExtensionEnd(text, body);
    });
    expect(chainExtensionEnd('555 EXT.12', 3)).toBe(10);
    expect(chainExtensionEnd('555 ext.', 3)).toBe(3); // no digits: no extension
    expect(chainExtensionEnd('555  x1', 3)).toBe(3); // two spaces
    expect(chainExtensionEnd('555', 3)).toBe(3); // end of text
  });

  it('the bank account candidate', () => {
    agreesAtEveryStart(new RegExp(BANK_CANDIDATE_SOURCE, 'y'), bankCandidateEnd);
    expect(bankCandidateEnd('110-123-4', 0)).toBe(7); // a one-digit group ends the match before its dash
  });

  it('the card candidate', () => {
    agreesAtEveryStart(new RegExp(CARD_CANDIDATE_SOURCE, 'y'), cardCandidateEnd);
    expect(cardCandidateEnd('4111 1111 1111 1111 2', 0)).toBe(21);
    expect(cardCandidateEnd('4111 1111 111', 0)).toBe(-1); // eleven digits
  });

  it('a digit run longer than any group is cut where the regex cuts it', () => {
    const long = '1'.repeat(40);
    expect(chainBodyEnd(long, 0)).toBe(15);
    expect(bankCandidateEnd(long, 0)).toBe(14);
    expect(cardCandidateEnd(long, 0)).toBe(23);
  });

  it('fixed digit groups joined by one separator throughout, and the separator read', () => {
    // The detectors' shapes: SSN, business number, resident-style number, representative number.
    const shapes: [string, number[], string][] = [
      [String.raw`\d{3}([ -]?)\d{2}\1\d{4}`, [3, 2, 4], ' -'],
      [String.raw`\d{3}([- ]?)\d{2}\1\d{5}`, [3, 2, 5], '- '],
      [String.raw`\d{6}([-\u2013 ]?)\d{7}`, [6, 7], '-\u2013 '],
      [String.raw`\d{4}([ .-]?)\d{4}`, [4, 4], ' .-'],
    ];
    for (const [source, lengths, seps] of shapes) {
      const re = new RegExp(source, 'y');
      agreesAtEveryStart(re, (text, p) => fixedGroupsEnd(text, p, lengths, seps));
      fc.assert(
        fc.property(texts, (text) => {
          for (let p = 0; p < text.length; p++) {
            re.lastIndex = p;
            const m = re.exec(text);
            if (m !== null) expect(groupSeparator(text, p, lengths[0]!)).toBe(m[1]);
          }
        }),
        { numRuns: 300 },
      );
    }
    expect(fixedGroupsEnd('123-45-6789', 0, [3, 2, 4], ' -')).toBe(11);
    expect(fixedGroupsEnd('123-45 6789', 0, [3, 2, 4], ' -')).toBe(-1); // mixed separators
    expect(fixedGroupsEnd('123456789', 0, [3, 2, 4], ' -')).toBe(9);
    expect(fixedGroupsEnd('123-45-678', 0, [3, 2, 4], ' -')).toBe(-1); // end of text
  });
});
