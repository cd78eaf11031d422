/**
 * @module inspect/detectors/people/person-ko
 * Korean personal names, found only where the context says "this is a person": a surname plus
 * one or two given-name syllables followed by an honorific or job title (김민수 님, 이지은 과장,
 * 박서준씨), or preceded by a form label (성명: 홍길동, 담당자 최유리). The finding covers the
 * name only. A bare 김민수 in running text is not reported: without context, too many ordinary
 * words start with a surname syllable (이번, 정말, 김치).
 *
 * Heuristic: precision comes from three filters, the surname list, a list of syllables used in
 * given names, and a stop-list of common words seen before titles (see korean-names.ts).
 */
import type { Detector, Finding } from '../../types.ts';
import { GIVEN_SYLLABLES, NAME_LABELS, NOT_NAMES, SURNAMES_1, SURNAMES_2, TITLES } from './korean-names.ts';

const SURNAME = `(?:${SURNAMES_2.join('|')}|[${SURNAMES_1}])`;
const TITLE_SET = new Set<string>(TITLES);

// Name before a title: not glued to a preceding Hangul syllable; an optional single space.
const BEFORE_TITLE = new RegExp(
  `(?<![가-힣])(${SURNAME})([가-힣]{1,2})(?=[^\\S\\r\\n]?(?:${TITLES.join('|')}))`,
  'g',
);

// Name after a label: `성명: 홍길동`, `담당자 최유리`, `이름은 김민수입니다`. The name must end
// at a non-Hangul character or at a particle/copula glued to it.
const AFTER_LABEL = new RegExp(
  `(?:${NAME_LABELS.join('|')})(?:은|는|이|란)?[^\\S\\r\\n]{0,3}[:：=]?[^\\S\\r\\n]{0,3}(${SURNAME})([가-힣]{1,2})` +
    '(?=[^가-힣]|$|입니다|이에요|예요|이고|이며|님|씨|은|는|이|가|을|를|의|께|에게|와|과|하고|고객|환자)',
  'g',
);

/** Any Hangul syllable: every match of both patterns holds several, so a text without one has none. */
const HANGUL = /[가-힣]/;

function plausible(surname: string, given: string): boolean {
  const full = surname + given;
  if (NOT_NAMES.has(full) || TITLE_SET.has(given)) return false;
  for (const ch of given) if (!GIVEN_SYLLABLES.has(ch)) return false;
  return true;
}

export const personKo: Detector = {
  id: 'person.ko',
  types: ['PERSON'],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    // English prose, code and logs: one native scan for a syllable instead of two pattern scans.
    if (!HANGUL.test(text)) return out;
    const seen = new Set<number>();
    const scan = (pattern: RegExp, score: (given: string) => number): void => {
      const re = new RegExp(pattern);
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const surname = m[1] ?? '';
        const given = m[2] ?? '';
        if (!plausible(surname, given)) continue;
        const end = m.index + m[0].length;
        const start = end - surname.length - given.length;
        if (seen.has(start)) continue;
        seen.add(start);
        out.push({ type: 'PERSON', start, end, score: score(given), detector: 'person.ko' });
      }
    };
    try {
      // A labelled field is the strongest signal; one-syllable given names are rarer (0.6).
      scan(AFTER_LABEL, (g) => (g.length === 2 ? 0.85 : 0.7));
      scan(BEFORE_TITLE, (g) => (g.length === 2 ? 0.75 : 0.6));
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out.sort((a, b) => a.start - b.start);
  },
};
