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
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { scanOf } from '../../text-scan.ts';
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

/** A Hangul syllable (labels hold a space: `받는 분`, which is never their key). */
const HANGUL = /[가-힣]/;

const BEFORE_TITLE_AT = new RegExp(BEFORE_TITLE.source, 'y');
const AFTER_LABEL_AT = new RegExp(AFTER_LABEL.source, 'y');

/**
 * Both patterns used to scan the whole text: the label alternation and the surname look-behind
 * are tried at every character, costing three regex passes over Korean text. Every match holds a
 * title or a label, so one walk over the text looking for a few key syllables (see pickKeys) finds
 * them instead, and a hit is checked against the words holding that syllable with `startsWith`.
 * The patterns then run anchored (sticky) where a word was found: at a label's start, and at the
 * 2–5 characters before a title where a name (1–2 surname + 1–2 given syllables + an optional
 * space) can begin.
 */
interface Keyed { readonly word: string; readonly offset: number; readonly label: boolean }
/**
 * The keys are a small set of syllables that every title and label holds at least one of, picked
 * greedily (most words covered first), avoiding syllables frequent in prose, which would stop the
 * walk every few characters. 님, 씨, 군 and 양 are titles on their own. They are also the
 * detector's keywords, so the engine skips texts holding none.
 */
/** Among the most frequent syllables of Korean prose (particles, endings, common words). */
const FREQUENT = new Set('이다는의가에하고지기서를을로도리한수시정인어해아일전나부주상보제그들있것게내요');
function pickKeys(words: readonly string[]): Set<string> {
  const keys = new Set<string>();
  let left = [...words];
  while (left.length > 0) {
    const count = new Map<string, number>();
    // Syllables frequent in prose (particles, endings) only for words holding no other.
    const usable = (w: string): string[] => {
      const all = [...new Set(w)].filter((ch) => HANGUL.test(ch));
      const rare = all.filter((ch) => !FREQUENT.has(ch));
      return rare.length > 0 ? rare : all;
    };
    for (const w of left) for (const ch of usable(w)) count.set(ch, (count.get(ch) ?? 0) + 1);
    let best = '';
    for (const [ch, n] of count) if (best === '' || n > (count.get(best) ?? 0)) best = ch;
    keys.add(best);
    left = left.filter((w) => !w.includes(best));
  }
  return keys;
}
const KEYS = pickKeys([...TITLES, ...NAME_LABELS]);
const KEYED = new Map<number, Keyed[]>();
for (const [words, label] of [[TITLES, false], [NAME_LABELS, true]] as const) {
  for (const word of words) {
    // Every occurrence of every key in the word: a word holding two keys is found from either.
    for (let offset = 0; offset < word.length; offset++) {
      if (!KEYS.has(word[offset] ?? '')) continue;
      const c = word.charCodeAt(offset);
      const list = KEYED.get(c) ?? [];
      list.push({ word, offset, label });
      KEYED.set(c, list);
    }
  }
}

const HANGUL_FIRST = 0xac00;
const HANGUL_COUNT = 11172;
/**
 * 1 for a key syllable, by its offset in the Hangul block. A JavaScript walk with this table beats
 * a native regex over the class of keys several times: V8 tests a class of scattered syllables by
 * a chain of range comparisons per character (26 keys cost four times a trivial regex).
 */
const IS_KEY = new Uint8Array(HANGUL_COUNT);
for (const c of KEYED.keys()) IS_KEY[c - HANGUL_FIRST] = 1;

const isHangul = (c: number): boolean => c >= 0xac00 && c <= 0xd7a3;

/** Ascending, without repeats. */
function sortedUnique(xs: number[]): number[] {
  xs.sort((a, b) => a - b);
  return xs.filter((p, k) => k === 0 || xs[k - 1] !== p);
}

/** The key syllables, one string each: the detector's keywords. */
const KEYWORDS: readonly string[] = [...KEYED.keys()].map((c) => String.fromCharCode(c));

/**
 * Where a label starts, and where a name before a title may start (a Hangul syllable not glued to
 * another). `keyEnds`: the positions just past each key syllable, as the engine's cue pass
 * recorded them; without them, the text is walked for the keys.
 */
function cueStarts(text: string, keyEnds: readonly number[] | undefined): { labels: number[]; names: number[] } {
  const labels: number[] = [];
  const names: number[] = [];
  const atKey = (hit: number): void => {
    for (const k of KEYED.get(text.charCodeAt(hit)) ?? []) {
      const at = hit - k.offset;
      if (at < 0 || !text.startsWith(k.word, at)) continue;
      if (k.label) { labels.push(at); continue; }
      for (let p = Math.max(0, at - 5); p <= at - 2; p++) {
        if (isHangul(text.charCodeAt(p)) && (p === 0 || !isHangul(text.charCodeAt(p - 1)))) names.push(p);
      }
    }
  };
  if (keyEnds !== undefined) {
    for (let k = 0; k < keyEnds.length; k++) atKey(keyEnds[k]! - 1);
  } else {
    for (let hit = 0, n = text.length; hit < n; hit++) {
      // One unsigned comparison rules out everything outside the Hangul block.
      const h = text.charCodeAt(hit) - HANGUL_FIRST;
      if (h >>> 0 < HANGUL_COUNT && IS_KEY[h] === 1) atKey(hit);
    }
  }
  return { labels: sortedUnique(labels), names: sortedUnique(names) };
}

function plausible(surname: string, given: string): boolean {
  const full = surname + given;
  if (NOT_NAMES.has(full) || TITLE_SET.has(given)) return false;
  for (const ch of given) if (!GIVEN_SYLLABLES.has(ch)) return false;
  return true;
}

export const personKo: Detector = {
  id: 'person.ko',
  types: ['PERSON'],
  // Every match holds a title or a label, and each of those holds a key syllable: a text without
  // any (English, code, logs) has nothing here, and the engine's cue pass already knows that.
  keywords: KEYWORDS,
  // The walk for the keys cost as much as all the rest of the detector on Korean text.
  keywordPositions: true,
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<number>();
    // Each pattern tried at its starts in text order, past its own last match, as a global scan would.
    const scan = (re: RegExp, starts: readonly number[], score: (given: string) => number): void => {
      let floor = 0;
      for (const p of starts) {
        if (p < floor) continue;
        re.lastIndex = p;
        const m = re.exec(text);
        if (m === null) continue;
        const end = m.index + m[0].length;
        floor = end;
        const surname = m[1] ?? '';
        const given = m[2] ?? '';
        if (!plausible(surname, given)) continue;
        const start = end - surname.length - given.length;
        if (seen.has(start)) continue;
        seen.add(start);
        out.push({ type: 'PERSON', start, end, score: score(given), detector: 'person.ko' });
      }
    };
    try {
      const { labels, names } = cueStarts(text, scanOf(text, ctx).keywordEnds(KEYWORDS));
      // A labelled field is the strongest signal; one-syllable given names are rarer (0.6).
      scan(AFTER_LABEL_AT, labels, (g) => (g.length === 2 ? 0.85 : 0.7));
      scan(BEFORE_TITLE_AT, names, (g) => (g.length === 2 ? 0.75 : 0.6));
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out.sort((a, b) => a.start - b.start);
  },
};
