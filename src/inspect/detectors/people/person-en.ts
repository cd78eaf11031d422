/**
 * @module inspect/detectors/people/person-en
 * English personal names in context. Cues, strongest first: an introduction ("my name is
 * Lena Andersson", also in lower case), a form label ("Name: …", "Patient: …"), a title
 * ("Mr./Mrs./Ms./Dr./Prof. …"), a salutation ("Dear …,", "Hi …"), a sign-off followed by a
 * name on the next line ("Regards,\nJohn Smith"), and, weakest, a common given name followed
 * by a capitalised surname ("… by Laura Carvalho"). The finding covers the name, 1–3 words.
 *
 * Heuristic and measured on presidio-synth (see the report in docs/benchmarks): it misses
 * names that carry no cue at all, and stop-words keep "Dear Team" and "Hi All" quiet.
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { GIVEN_NAMES, NOT_NAME_WORDS, NOT_SURNAMES } from './english-names.ts';
import { claimSpans, type Span } from './claim-spans.ts';
import { compileWordStarts } from './word-starts.ts';
import { sharedWordStarts } from './shared-word-starts.ts';

// A capitalised word (O'Brien, McDonald, Jean-Pierre, Šušulić) or an initial (N.).
const CAP = String.raw`\p{Lu}[\p{L}\p{M}'’-]{0,30}`;
const INITIAL = String.raw`\p{Lu}\.`;
const SP = String.raw`[^\S\r\n]{1,3}`;
const CAP_NAME = `(${CAP}(?:${SP}(?:${INITIAL}|${CAP})){0,2})`;
// After "my name is", people also type in lower case.
const ANY_NAME = String.raw`([\p{L}\p{M}'’-]{2,30}(?:[^\S\r\n]{1,3}[\p{L}\p{M}'’-]{2,30}){0,2})`;

interface Cue {
  readonly re: RegExp;
  readonly score: number;
  /**
   * The words the cue can begin with, or a prefix of each (see CUE_STARTS). Every position where
   * `re` matches with a name must start with one of them, or be covered by a position that does
   * and whose match ends at the same place with the same name.
   */
  readonly starts: readonly string[];
  /** Cues whose name may be lower-case; they still need each word to pass the stop-list. */
  readonly lowerOk?: boolean;
}

const CUES: readonly Cue[] = [
  {
    re: new RegExp(String.raw`\b(?:[Mm]y name is|[Mm]y name's|[Nn]ame is|[Cc]all me)${SP}${ANY_NAME}`, 'gu'),
    score: 0.85,
    starts: ['My name', 'my name', 'Name is', 'name is', 'Call me', 'call me'],
    lowerOk: true,
  },
  // "I am X" is weak ("I am Happy to help"): the name must end the clause.
  {
    re: new RegExp(String.raw`\b(?:I am|I'm|I’m|This is|It's|It’s)${SP}${CAP_NAME}(?=[^\S\r\n]{0,3}(?:[,.!;:\n)]|$|from\b|and\b|here\b|with\b))`, 'gu'),
    score: 0.55,
    starts: ['I am', "I'm", 'I’m', 'This is', "It's", 'It’s'],
  },
  {
    re: new RegExp(
      String.raw`\b(?:(?:Full |First |Last |Patient |Customer |Client |Contact |Employee |Account |Card ?holder |Guest |Tenant )?[Nn]ame|Patient|Contact|Customer|Client|Employee|Attn|Attention|Signed|Applicant|Candidate|Recipient|Sender|Passenger|Guest|Tenant|Driver|Physician|Author|From|To|Cc|User)[^\S\r\n]{0,3}[:=][^\S\r\n]{0,3}${CAP_NAME}`,
      'gu',
    ),
    score: 0.7,
    // The optional `Full `/`Patient `… prefixes only move the match start: the same label matched
    // from `Name` captures the same name and ends at the same place, so they are not starts.
    starts: [
      'Name', 'name', 'Patient', 'Contact', 'Customer', 'Client', 'Employee', 'Attn', 'Signed', 'Applicant', 'Candidate',
      'Recipient', 'Sender', 'Passenger', 'Guest', 'Tenant', 'Driver', 'Physician', 'Author', 'From', 'To', 'Cc', 'User',
    ],
  },
  {
    re: new RegExp(String.raw`\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mister|Doctor|Professor)\.?${SP}${CAP_NAME}`, 'gu'),
    score: 0.85,
    starts: ['Mr', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Mister', 'Doctor'],
  },
  {
    // Only the name's end is used, so `\b` before the greeting stands for "line start or after
    // punctuation" too: both imply a word boundary there.
    re: new RegExp(String.raw`\b(?:Dear|Hi|Hello|Hey|Greetings|Good morning|Good afternoon|Good evening)${SP}${CAP_NAME}(?=\s{0,3}[,!:\n]|$)`, 'gmu'),
    score: 0.75,
    starts: ['Dear', 'Hi', 'Hello', 'Hey', 'Greetings', 'Good '],
  },
  {
    re: new RegExp(
      String.raw`\b(?:Regards|Best regards|Kind regards|Warm regards|Thanks|Thank you|Many thanks|Best|Best wishes|Sincerely|Yours sincerely|Yours truly|Cheers|Respectfully)[,!.]?[^\S\r\n]{0,3}\r?\n[^\S\r\n]{0,3}(?:-{1,2}[^\S\r\n]?)?${CAP_NAME}`,
      'gu',
    ),
    score: 0.75,
    starts: ['Regards', 'Best', 'Kind regards', 'Warm regards', 'Thank', 'Many thanks', 'Sincerely', 'Yours ', 'Cheers', 'Respectfully'],
  },
];

/** Each cue regex, sticky (`y`): tried only where CUE_STARTS says one of its start words begins. */
const CUE_AT: readonly RegExp[] = CUES.map((c) => new RegExp(c.re.source, c.re.flags.replace('g', '') + 'y'));

// Weakest cue: a known given name followed by a capitalised surname ("… directed by Laura Carvalho").
const GIVEN_THEN_SURNAME = new RegExp(
  String.raw`(?<![\p{L}\p{M}'’-])(\p{Lu}[\p{Ll}\p{M}'’-]{1,20})${SP}((?:${INITIAL}${SP})?\p{Lu}[\p{L}\p{M}'’-]{1,30})`,
  'gu',
);

const SINGLE_GIVEN = /(?<![\p{L}\p{M}'’-])\p{Lu}[\p{Ll}\p{M}]{2,20}(?![\p{L}\p{M}'’-])/gu;

/** Known given names in their capitalised form (the exotic Kelvin sign, which lower-cases to `k`, is not looked for). */
const CAPITALISED_GIVEN = [...GIVEN_NAMES].map((n) => n.charAt(0).toUpperCase() + n.slice(1));

const GIVEN_THEN_SURNAME_AT = new RegExp(GIVEN_THEN_SURNAME.source, 'uy');
const SINGLE_GIVEN_AT = new RegExp(SINGLE_GIVEN.source, 'uy');

/** Index of the given-name rules in the dispatch table, after the cues. */
const GIVEN_RULE = CUES.length;

/** Where a capitalised given name starts: the only places both given-name rules can accept. */
const GIVEN_STARTS = compileWordStarts(CAPITALISED_GIVEN);

/**
 * Every place a rule can begin: each cue's start words that open with an upper-case letter and
 * every capitalised given name, found by one native pass and a lookup (word-starts.ts) that
 * address.us's street suffixes share (shared-word-starts.ts).
 * The few lower-case start words (`name`, `my name`, `call me`) are found with `indexOf`, which
 * costs a fraction of a regex pass. Running each cue's own regex over the whole text cost a pass
 * per cue; now those run anchored at the hits.
 */
const CUE_STARTS = sharedWordStarts({ words: [...CUES.flatMap((c) => c.starts.filter((w) => !/^[a-z]/.test(w))), ...CAPITALISED_GIVEN] });
/** Lower-case start words: each found needle stands for a start `offset` characters away. */
const LOWER_NEEDLES: readonly { readonly needle: string; readonly offset: number }[] = [
  { needle: 'name', offset: 0 }, // `name is`, `name:`
  { needle: 'name', offset: -3 }, // `my name`
  { needle: 'll me', offset: -2 }, // `call me`
];
/** The needles, for the engine's cue pass to report (`Detector.hints`): most texts hold none. */
const NEEDLES: readonly string[] = [...new Set(LOWER_NEEDLES.map((n) => n.needle))];
/**
 * Every needle holds this probe: one `indexOf` loop for it, each hit checked for the needles,
 * costs half of one loop per needle (`me` is rarer in text than the `n` that `name` opens with).
 */
const PROBE = 'me';
/** Each distinct needle once, with where the probe sits in it and every offset it stands for. */
const PROBED: readonly { readonly needle: string; readonly probeAt: number; readonly offsets: readonly number[] }[] =
  NEEDLES.map((needle) => ({
    needle,
    probeAt: needle.indexOf(PROBE),
    offsets: LOWER_NEEDLES.filter((n) => n.needle === needle).map((n) => n.offset),
  }));
if (PROBED.some((n) => n.probeAt < 0)) throw new Error('every lower-case needle must hold the probe');
const lowerStartsCovered = CUES.flatMap((c) => c.starts.filter((w) => /^[a-z]/.test(w)))
  .every((w) => LOWER_NEEDLES.some((n) => w.slice(-n.offset).startsWith(n.needle)));
if (!lowerStartsCovered) throw new Error('every lower-case cue start needs a needle');

/** The first two characters of a position, as one number: the key of the dispatch table. */
const key2 = (text: string, at: number): number => text.charCodeAt(at) * 65536 + (text.charCodeAt(at + 1) || 0);

/**
 * Which rules may begin at a position, by its first two characters: the cues whose start words
 * open with them, and GIVEN_RULE for the given names. A finder hit is only a place to look; the
 * rule's own anchored regex decides.
 */
const RULES_BY_KEY = new Map<number, number[]>();
const register = (word: string, rule: number): void => {
  const k = key2(word, 0);
  const list = RULES_BY_KEY.get(k) ?? [];
  if (!list.includes(rule)) list.push(rule);
  RULES_BY_KEY.set(k, list);
};
CUES.forEach((c, r) => { for (const w of c.starts) register(w, r); });
for (const g of CAPITALISED_GIVEN) register(g, GIVEN_RULE);

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Every position where a rule can begin, ascending, without repeats. `needles` false: the cue pass
 * found none of the lower-case needles (not even ignoring case), so their search is skipped.
 */
function candidateStarts(text: string, ctx: DetectContext | undefined, needles: boolean): readonly number[] {
  const shared = CUE_STARTS.find(text, ctx);
  if (!needles) return shared;
  let out: number[] | undefined;
  for (let i = text.indexOf(PROBE); i >= 0; i = text.indexOf(PROBE, i + 1)) {
    for (const { needle, probeAt, offsets } of PROBED) {
      const at = i - probeAt;
      if (at < 0 || !text.startsWith(needle, at)) continue;
      // The shared hits stay as other readers of this text get them: extra starts go to a copy.
      for (const offset of offsets) if (at + offset >= 0) (out ??= [...shared]).push(at + offset);
    }
  }
  if (out === undefined) return shared;
  const all = out.sort((a, b) => a - b);
  return all.filter((p, k) => k === 0 || all[k - 1] !== p);
}

/**
 * The two given-name rules at `p`, where a known given name starts: given name + surname (0.5)
 * past its own last match, and a given name alone (0.4) at every such start.
 */
function givenNameAt(text: string, p: number, floor: number[], found: Span[][]): void {
  const re = GIVEN_THEN_SURNAME_AT;
  if (p >= (floor[GIVEN_RULE] ?? 0)) {
    re.lastIndex = p;
    const m = re.exec(text);
    if (m !== null) {
      const given = m[1] ?? '';
      if (!GIVEN_NAMES.has(given.toLowerCase())) {
        // Not a known given name: retry from the surname, which may itself start a name.
        floor[GIVEN_RULE] = m.index + given.length;
      } else {
        floor[GIVEN_RULE] = m.index + m[0].length;
        const surname = dropInitial(m[2] ?? '').toLowerCase();
        if (!NOT_NAME_WORDS.has(surname) && !NOT_SURNAMES.has(surname)) found[GIVEN_RULE]?.push([m.index, m.index + m[0].length, 0.5]);
      }
    }
  }
  // Weakest of all: a known given name on its own ("Why is Katrine so…"), score 0.4 so a
  // policy can keep it out with its minimum score.
  const single = SINGLE_GIVEN_AT;
  single.lastIndex = p;
  const m = single.exec(text);
  if (m !== null && GIVEN_NAMES.has(m[0].toLowerCase())) found[GIVEN_RULE + 1]?.push([m.index, m.index + m[0].length, 0.4]);
}

// The Unicode tests below run a few times per candidate name: each is tried only where a look
// at its first units cannot settle it (ASCII letters settle nearly all).
const INITIAL_RE = /^\p{Lu}\.$/u;
const CAPS_RE = /^[\p{Lu}\p{M}'’-]{2,}$/u;
const UPPER_START = /^\p{Lu}/u;
const INITIAL_THEN_SPACE = /^\p{Lu}\.\s+/u;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 160;
const isHighSurrogate = (c: number): boolean => (c & 0xfc00) === 0xd800;

/** `N.`: one upper-case letter (one or two units) and a dot. */
const isInitial = (w: string): boolean =>
  (w.length === 2 || w.length === 3) && w.charCodeAt(w.length - 1) === 46 && INITIAL_RE.test(w);

/** An ASCII unit that CAPS_RE's class cannot hold (anything but A-Z, `'` and `-`). */
const notCapsAscii = (c: number): boolean => c < 128 && !(c >= 65 && c <= 90) && c !== 39 && c !== 45;
/** All capitals (`DOB`, `O'NEIL`), at least two. */
const isCaps = (w: string): boolean =>
  w.length >= 2 && !notCapsAscii(w.charCodeAt(0)) && !notCapsAscii(w.charCodeAt(1)) && CAPS_RE.test(w);

const startsUpper = (w: string): boolean => {
  const c = w.charCodeAt(0);
  return c < 128 ? c >= 65 && c <= 90 : UPPER_START.test(w);
};

/** The word without a leading initial (`A. Doe` → `Doe`): only a dot after the first letter can open one. */
const dropInitial = (w: string): string =>
  w.charCodeAt(1) === 46 || isHighSurrogate(w.charCodeAt(0)) ? w.replace(INITIAL_THEN_SPACE, '') : w;

/** Trailing `.`, `,`, `'`, `’` cut off (`Smith.` → `Smith`), for the stop-list. */
function trimPunctuation(w: string): string {
  let e = w.length;
  for (let c = w.charCodeAt(e - 1); c === 46 || c === 44 || c === 39 || c === 0x2019; c = w.charCodeAt(e - 1)) e--;
  return e === w.length ? w : w.slice(0, e);
}

/** `'`, `’`, `.` or `-`: not kept at the end of a name. */
const isTrailing = (c: number): boolean => c === 39 || c === 0x2019 || c === 46 || c === 45;

/**
 * Trims stop-words from a candidate; returns the kept [start, end) or null. Called once per
 * cue match, so it walks the characters directly instead of allocating per word.
 */
function trimName(text: string, start: number, end: number, lowerOk: boolean): [number, number] | null {
  const words: [number, number][] = [];
  let i = start;
  while (i < end && words.length < 4) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    const s = i;
    while (i < end && !isSpace(text.charCodeAt(i))) i++;
    if (i > s) words.push([s, i]);
  }
  // Keep the leading run of name-like words: stop at the first stop-word, and in Title Case
  // text at the first ALL-CAPS word ("Maria Lopez DOB").
  const raws: string[] = [];
  const initials: boolean[] = [];
  const caps: boolean[] = [];
  let titleCase = false;
  for (const w of words) {
    const raw = text.slice(w[0], w[1]);
    raws.push(raw);
    initials.push(isInitial(raw));
    caps.push(isCaps(raw));
    if (!caps[caps.length - 1] && !initials[initials.length - 1]) titleCase = true;
  }
  let keptEnd = -1;
  let keptStart = -1;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as [number, number];
    const raw = raws[k] ?? '';
    const initial = initials[k] === true;
    if (!initial && NOT_NAME_WORDS.has(trimPunctuation(raw).toLowerCase())) break;
    if (!lowerOk && !startsUpper(raw)) break;
    if (titleCase && keptStart >= 0 && caps[k] === true) break;
    if (keptStart < 0) {
      if (initial) break;
      keptStart = w[0];
    }
    // A trailing initial is not a name by itself ("Dr. Smith A." keeps Smith).
    if (!initial) keptEnd = w[1];
  }
  if (keptStart < 0 || keptEnd <= keptStart) return null;
  let e = keptEnd;
  while (e > keptStart && isTrailing(text.charCodeAt(e - 1))) e--;
  return e > keptStart ? [keptStart, e] : null;
}

export const personEn: Detector = {
  id: 'person.en',
  types: ['PERSON'],
  hints: NEEDLES,
  detect(text: string, ctx?: DetectContext): Finding[] {
    let claimed: Span[] = [];
    try {
      const scan = ctx?.scan;
      const needles = scan === undefined || scan.text !== text || scan.hinted(NEEDLES) !== false;
      const starts = candidateStarts(text, ctx, needles);
      // Most texts hold no start at all: nothing to allocate for them.
      if (starts.length === 0) return [];
      // One walk over the candidate starts, each rule past its own last match as a global scan
      // of that rule would be. Matches are kept per rule and claimed in rule order afterwards,
      // so a stronger cue still wins an overlap whatever its position in the text.
      const found: Span[][] = [];
      for (let r = 0; r < GIVEN_RULE + 2; r++) found.push([]);
      const floor = new Array<number>(GIVEN_RULE + 1).fill(0);
      for (const p of starts) {
        // Every rule needs a start not glued to a preceding ASCII letter (`\b` before a cue word,
        // no letter before a given name): this skips `timeoutMs` and `getName` without a regex run.
        if (p > 0 && isAsciiLetter(text.charCodeAt(p - 1))) continue;
        const rules = RULES_BY_KEY.get(key2(text, p));
        if (rules === undefined) continue;
        for (const r of rules) {
          if (r === GIVEN_RULE) {
            if (GIVEN_STARTS.at(text, p)) givenNameAt(text, p, floor, found);
            continue;
          }
          if (p < (floor[r] ?? 0)) continue;
          const re = CUE_AT[r] as RegExp;
          re.lastIndex = p;
          const m = re.exec(text);
          if (m === null || m[0].length === 0) continue;
          const cue = CUES[r] as Cue;
          const end = m.index + m[0].length;
          floor[r] = end;
          const span = trimName(text, end - (m[1] ?? '').length, end, cue.lowerOk === true);
          if (span) found[r]?.push([span[0], span[1], cue.score]);
        }
      }
      claimed = claimSpans(found);
    } catch {
      // Never throw: a detector failing must not fail the request.
      return [];
    }
    return claimed.map(([start, end, score]) => ({ type: 'PERSON', start, end, score, detector: 'person.en' }));
  },
};
