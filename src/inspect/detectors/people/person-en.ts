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
   * The words the cue can begin with, or a prefix of each (see CUE_FINDER). Every position where
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

/** Each cue regex, sticky (`y`): tried only where CUE_FINDER says one of its start words begins. */
const CUE_AT: readonly RegExp[] = CUES.map((c) => new RegExp(c.re.source, c.re.flags.replace('g', '') + 'y'));

// Weakest cue: a known given name followed by a capitalised surname ("… directed by Laura Carvalho").
const GIVEN_THEN_SURNAME = new RegExp(
  String.raw`(?<![\p{L}\p{M}'’-])(\p{Lu}[\p{Ll}\p{M}'’-]{1,20})${SP}((?:${INITIAL}${SP})?\p{Lu}[\p{L}\p{M}'’-]{1,30})`,
  'gu',
);

const SINGLE_GIVEN = /(?<![\p{L}\p{M}'’-])\p{Lu}[\p{Ll}\p{M}]{2,20}(?![\p{L}\p{M}'’-])/gu;

/** Known given names in their capitalised form (the exotic Kelvin sign, which lower-cases to `k`, is not looked for). */
const CAPITALISED_GIVEN = [...GIVEN_NAMES].map((n) => n.charAt(0).toUpperCase() + n.slice(1));

const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const alternation = (words: readonly string[]): string =>
  [...new Set(words)].sort((a, b) => b.length - a.length).map(escape).join('|');

/** True at a position where a capitalised given name starts: the only places both given-name rules can accept. */
const GIVEN_AT = new RegExp(alternation(CAPITALISED_GIVEN), 'y');
const GIVEN_THEN_SURNAME_AT = new RegExp(GIVEN_THEN_SURNAME.source, 'uy');
const SINGLE_GIVEN_AT = new RegExp(SINGLE_GIVEN.source, 'uy');

/** Index of the given-name rules in the dispatch table, after the cues. */
const GIVEN_RULE = CUES.length;

/**
 * One native pass finds every place a rule can begin: each cue's start words that open with an
 * upper-case letter and every capitalised given name, in one plain alternation (no `u`, no
 * look-behind: both slow the scan several times). The few lower-case start words (`name`,
 * `my name`, `call me`) are found with `indexOf`, which costs a fraction of a regex pass. Running
 * each cue's own regex over the whole text cost a pass per cue; now those run anchored at the hits.
 */
const CUE_FINDER = new RegExp(
  alternation([...CUES.flatMap((c) => c.starts.filter((w) => !/^[a-z]/.test(w))), ...CAPITALISED_GIVEN]),
  'g',
);
/** Lower-case start words, searched with `indexOf`: each found needle stands for a start `offset` characters away. */
const LOWER_NEEDLES: readonly { readonly needle: string; readonly offset: number }[] = [
  { needle: 'name', offset: 0 }, // `name is`, `name:`
  { needle: 'name', offset: -3 }, // `my name`
  { needle: 'll me', offset: -2 }, // `call me` (`indexOf` is faster for a needle opening with a rarer letter)
];
/** Each distinct needle once, with every offset it stands for: `name` is searched once, not twice. */
const NEEDLE_OFFSETS: readonly (readonly [string, readonly number[]])[] = [
  ...LOWER_NEEDLES.reduce((m, { needle, offset }) => m.set(needle, [...(m.get(needle) ?? []), offset]), new Map<string, number[]>()),
];
/** The needles, for the engine's cue pass to report (`Detector.hints`): most texts hold none. */
const NEEDLES: readonly string[] = NEEDLE_OFFSETS.map(([needle]) => needle);
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
 * found none of the lower-case needles (not even ignoring case), so their searches are skipped.
 */
function candidateStarts(text: string, needles: boolean): number[] {
  const out: number[] = [];
  const re = new RegExp(CUE_FINDER);
  // Start words overlap (`Hi`, `Hiroshi`): try every position one begins at.
  for (let m = re.exec(text); m !== null; m = re.exec(text)) { out.push(m.index); re.lastIndex = m.index + 1; }
  if (!needles) return out;
  let extra = false;
  for (const [needle, offsets] of NEEDLE_OFFSETS) {
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      for (const offset of offsets) if (i + offset >= 0) { out.push(i + offset); extra = true; }
    }
  }
  if (!extra) return out;
  out.sort((a, b) => a - b);
  return out.filter((p, k) => k === 0 || out[k - 1] !== p);
}

/**
 * The two given-name rules at `p`, where a known given name starts: given name + surname (0.5)
 * past its own last match, and a given name alone (0.4) at every such start.
 */
function givenNameAt(text: string, p: number, floor: number[], found: [number, number, number][][]): void {
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
        const surname = (m[2] ?? '').replace(/^\p{Lu}\.\s+/u, '').toLowerCase();
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

const INITIAL_RE = /^\p{Lu}\.$/u;
const CAPS_RE = /^[\p{Lu}\p{M}'’-]{2,}$/u;
const UPPER_START = /^\p{Lu}/u;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 160;

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
  let titleCase = false;
  for (const w of words) {
    const raw = text.slice(w[0], w[1]);
    raws.push(raw);
    if (!CAPS_RE.test(raw) && !INITIAL_RE.test(raw)) titleCase = true;
  }
  let keptEnd = -1;
  let keptStart = -1;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as [number, number];
    const raw = raws[k] ?? '';
    const initial = INITIAL_RE.test(raw);
    if (!initial && NOT_NAME_WORDS.has(raw.replace(/[.,'’]+$/u, '').toLowerCase())) break;
    if (!lowerOk && !UPPER_START.test(raw)) break;
    if (titleCase && keptStart >= 0 && CAPS_RE.test(raw)) break;
    if (keptStart < 0) {
      if (initial) break;
      keptStart = w[0];
    }
    // A trailing initial is not a name by itself ("Dr. Smith A." keeps Smith).
    if (!initial) keptEnd = w[1];
  }
  if (keptStart < 0 || keptEnd <= keptStart) return null;
  let e = keptEnd;
  while (e > keptStart && /['’.-]/.test(text[e - 1] ?? '')) e--;
  return e > keptStart ? [keptStart, e] : null;
}

export const personEn: Detector = {
  id: 'person.en',
  types: ['PERSON'],
  hints: NEEDLES,
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    // One byte per character marks what a stronger cue already claimed; names are short, so
    // checking and marking a span costs its length and the whole pass stays linear.
    let covered: Uint8Array | null = null;
    const add = (s: number, e: number, score: number): void => {
      covered ??= new Uint8Array(text.length);
      for (let i = s; i < e; i++) if (covered[i] === 1) return;
      covered.fill(1, s, e);
      out.push({ type: 'PERSON', start: s, end: e, score, detector: 'person.en' });
    };
    try {
      // One walk over the candidate starts, each rule past its own last match as a global scan
      // of that rule would be. Matches are kept per rule and claimed in rule order afterwards,
      // so a stronger cue still wins an overlap whatever its position in the text.
      const found: [number, number, number][][] = Array.from({ length: GIVEN_RULE + 2 }, () => []);
      const floor = new Array<number>(GIVEN_RULE + 1).fill(0);
      const scan = ctx?.scan;
      const needles = scan === undefined || scan.text !== text || scan.hinted(NEEDLES) !== false;
      for (const p of candidateStarts(text, needles)) {
        // Every rule needs a start not glued to a preceding ASCII letter (`\b` before a cue word,
        // no letter before a given name): this skips `timeoutMs` and `getName` without a regex run.
        if (p > 0 && isAsciiLetter(text.charCodeAt(p - 1))) continue;
        const rules = RULES_BY_KEY.get(key2(text, p));
        if (rules === undefined) continue;
        for (const r of rules) {
          if (r === GIVEN_RULE) {
            GIVEN_AT.lastIndex = p;
            if (GIVEN_AT.test(text)) givenNameAt(text, p, floor, found);
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
      for (const list of found) for (const [s, e, score] of list) add(s, e, score);
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out.sort((a, b) => a.start - b.start);
  },
};
