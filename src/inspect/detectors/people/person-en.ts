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
import type { Detector, Finding } from '../../types.ts';
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
   * Where the cue can begin, when the alternation derived from `re` is slow to scan for (see
   * CUE_SCANS). Every position where `re` matches with a name must be among their hits, or be
   * covered by a hit whose match ends at the same place with the same name.
   */
  readonly finders?: readonly RegExp[];
  /** Cues whose name may be lower-case; they still need each word to pass the stop-list. */
  readonly lowerOk?: boolean;
}

const CUES: readonly Cue[] = [
  { re: new RegExp(String.raw`\b(?:[Mm]y name is|[Mm]y name's|[Nn]ame is|[Cc]all me)${SP}${ANY_NAME}`, 'gu'), score: 0.85, lowerOk: true },
  // "I am X" is weak ("I am Happy to help"): the name must end the clause.
  {
    re: new RegExp(String.raw`\b(?:I am|I'm|I’m|This is|It's|It’s)${SP}${CAP_NAME}(?=[^\S\r\n]{0,3}(?:[,.!;:\n)]|$|from\b|and\b|here\b|with\b))`, 'gu'),
    score: 0.55,
  },
  {
    re: new RegExp(
      String.raw`\b(?:(?:Full |First |Last |Patient |Customer |Client |Contact |Employee |Account |Card ?holder |Guest |Tenant )?[Nn]ame|Patient|Contact|Customer|Client|Employee|Attn|Attention|Signed|Applicant|Candidate|Recipient|Sender|Passenger|Guest|Tenant|Driver|Physician|Author|From|To|Cc|User)[^\S\r\n]{0,3}[:=][^\S\r\n]{0,3}${CAP_NAME}`,
      'gu',
    ),
    score: 0.7,
    // The optional `Full `/`Patient `… prefixes only move the match start: the same label matched
    // from `Name` captures the same name and ends at the same place, so the finders skip them.
    // Upper-case words in one alternation and lower-case `name` apart scan about twice as fast as
    // the derived alternation, whose optional prefixes and `[Nn]` are tried at every letter.
    finders: [
      /Name|Patient|Contact|Customer|Client|Employee|Attn|Attention|Signed|Applicant|Candidate|Recipient|Sender|Passenger|Guest|Tenant|Driver|Physician|Author|From|To|Cc|User/g,
      /name/g,
    ],
  },
  { re: new RegExp(String.raw`\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mister|Doctor|Professor)\.?${SP}${CAP_NAME}`, 'gu'), score: 0.85 },
  {
    // Only the name's end is used, so `\b` before the greeting stands for "line start or after
    // punctuation" too: both imply a word boundary there.
    re: new RegExp(String.raw`\b(?:Dear|Hi|Hello|Hey|Greetings|Good morning|Good afternoon|Good evening)${SP}${CAP_NAME}(?=\s{0,3}[,!:\n]|$)`, 'gmu'),
    score: 0.75,
  },
  {
    re: new RegExp(
      String.raw`\b(?:Regards|Best regards|Kind regards|Warm regards|Thanks|Thank you|Many thanks|Best|Best wishes|Sincerely|Yours sincerely|Yours truly|Cheers|Respectfully)[,!.]?[^\S\r\n]{0,3}\r?\n[^\S\r\n]{0,3}(?:-{1,2}[^\S\r\n]?)?${CAP_NAME}`,
      'gu',
    ),
    score: 0.75,
  },
];

/**
 * Each cue regex opens with `\b` and an alternation of cue words, which the regex engine cannot
 * skip ahead for, and its `\p{Lu}` classes need the slow `u` mode. So a plain alternation of the
 * cue words (`finder`, no `\b`, no `u`) finds where a cue can begin in one native pass, and the
 * full cue regex runs anchored there: the same matches as a global scan, in the same order.
 */
interface CueScan extends Cue { readonly finder: readonly RegExp[]; readonly sticky: RegExp }

const CUE_SCANS: readonly CueScan[] = CUES.map((cue) => {
  // The cue-word alternation: the regex source after its leading `\b`, up to the group's end.
  const src = cue.re.source;
  if (!src.startsWith('\\b(?:')) throw new Error('cue regexes must open with \\b(?:…)');
  let depth = 0;
  let i = 2;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) break;
  }
  return {
    ...cue,
    finder: cue.finders ?? [new RegExp(src.slice(2, i + 1), 'g')],
    sticky: new RegExp(src, cue.re.flags.replace('g', '') + 'y'),
  };
});

/** Every position where one of the finders matches, ascending, without repeats. */
function finderHits(text: string, finders: readonly RegExp[]): number[] {
  const lists = finders.map((f) => {
    const out: number[] = [];
    const re = new RegExp(f);
    // Alternatives may overlap: try every position a cue word starts.
    for (let h = re.exec(text); h !== null; h = re.exec(text)) { out.push(h.index); re.lastIndex = h.index + 1; }
    return out;
  });
  if (lists.length === 1) return lists[0]!;
  const all = lists.flat().sort((a, b) => a - b);
  return all.filter((p, k) => k === 0 || all[k - 1] !== p);
}

/** Calls `visit` for each match of the cue, in text order, as `cue.re` scanned globally would. */
function eachCueMatch(text: string, cue: CueScan, visit: (m: RegExpExecArray) => void): void {
  const re = cue.sticky;
  let floor = 0;
  for (const p of finderHits(text, cue.finder)) {
    if (p < floor) continue;
    re.lastIndex = p;
    const m = re.exec(text);
    if (m === null || m[0].length === 0) continue;
    visit(m);
    floor = m.index + m[0].length;
  }
  re.lastIndex = 0;
}

// Weakest cue: a known given name followed by a capitalised surname ("… directed by Laura Carvalho").
const GIVEN_THEN_SURNAME = new RegExp(
  String.raw`(?<![\p{L}\p{M}'’-])(\p{Lu}[\p{Ll}\p{M}'’-]{1,20})${SP}((?:${INITIAL}${SP})?\p{Lu}[\p{L}\p{M}'’-]{1,30})`,
  'gu',
);

const SINGLE_GIVEN = /(?<![\p{L}\p{M}'’-])\p{Lu}[\p{Ll}\p{M}]{2,20}(?![\p{L}\p{M}'’-])/gu;

/**
 * Where a known given name starts, in its capitalised form: the only places the two given-name
 * rules can accept a match (the exotic Kelvin sign, which lower-cases to `k`, is not looked for).
 * Scanning with `\p{Lu}` for every capitalised word cost more than all other detectors together;
 * this plain alternation is one native pass, and the exact rules then run anchored at its hits.
 */
const GIVEN_START = new RegExp(
  [...GIVEN_NAMES]
    .map((n) => n.charAt(0).toUpperCase() + n.slice(1))
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
    .join('|'),
  'g',
);
const GIVEN_THEN_SURNAME_AT = new RegExp(GIVEN_THEN_SURNAME.source, 'uy');
const SINGLE_GIVEN_AT = new RegExp(SINGLE_GIVEN.source, 'uy');

/** Start positions of given-name candidates, ascending. */
function givenNameStarts(text: string): number[] {
  const out: number[] = [];
  const re = new RegExp(GIVEN_START);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m.index);
    re.lastIndex = m.index + 1;
  }
  return out;
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
  detect(text: string): Finding[] {
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
      for (const cue of CUE_SCANS) {
        eachCueMatch(text, cue, (m) => {
          const name = m[1] ?? '';
          const end = m.index + m[0].length;
          const start = end - name.length;
          const span = trimName(text, start, end, cue.lowerOk === true);
          if (span) add(span[0], span[1], cue.score);
        });
      }
      // Both given-name rules run anchored at the given-name candidates only, in text order and
      // past each match as a global scan would (see GIVEN_START).
      const starts = givenNameStarts(text);
      const re = GIVEN_THEN_SURNAME_AT;
      let floor = 0;
      for (const p of starts) {
        if (p < floor) continue;
        re.lastIndex = p;
        const m = re.exec(text);
        if (m === null) continue;
        const given = m[1] ?? '';
        if (!GIVEN_NAMES.has(given.toLowerCase())) {
          // Not a known given name: retry from the surname, which may itself start a name.
          floor = m.index + given.length;
          continue;
        }
        floor = m.index + m[0].length;
        const surname = (m[2] ?? '').replace(/^\p{Lu}\.\s+/u, '');
        if (NOT_NAME_WORDS.has(surname.toLowerCase()) || NOT_SURNAMES.has(surname.toLowerCase())) continue;
        add(m.index, m.index + m[0].length, 0.5);
      }
      // Weakest of all: a known given name on its own ("Why is Katrine so…"), score 0.4 so a
      // policy can keep it out with its minimum score.
      const single = SINGLE_GIVEN_AT;
      for (const p of starts) {
        single.lastIndex = p;
        const m = single.exec(text);
        if (m !== null && GIVEN_NAMES.has(m[0].toLowerCase())) add(m.index, m.index + m[0].length, 0.4);
      }
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out.sort((a, b) => a.start - b.start);
  },
};
