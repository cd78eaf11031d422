/**
 * @module inspect/detectors/secrets/cli-credentials
 * Passwords given on a command line, where no `password=` label gives them away:
 *
 * - curl `-u user:password`, `--user user:password`, `--user=…`, `-U`/`--proxy-user` (password
 *   after the first `:`; curl's own split), only in a `curl` command;
 * - long options ending in `password`, `passwd`, `passphrase`, `pass` or `pwd` followed by a
 *   separate value (`--password X`, `--db-password X`, `gpg --passphrase X`, `redis-cli --pass X`),
 *   and `--pass=X`; the other `--…password=X` forms are `secret.password_assignment`'s (label and
 *   `=`), so the two never report the same span;
 * - `-pPASSWORD` / `-p'…'` attached to a MySQL/MariaDB client (`mysql`, `mysqldump`, …), where a
 *   separate `-p X` only prompts; `sshpass -p X` / `-pX`; `docker|podman|helm|… login -p X`;
 *   `redis-cli -a X`; OpenSSL `-pass|-passin|-passout pass:X`;
 * - the environment variables those tools read: `PGPASSWORD=`, `SSHPASS=`, `REDISCLI_AUTH=`
 *   (`MYSQL_PWD=` and `DB_PASSWORD=` are already `secret.password_assignment`'s).
 *
 * The finding covers the password only. Values are read as one shell word (quotes removed, `\`
 * continuation lines followed), so `-u "me":'p w'` yields `p w` and the span runs from its first to
 * its last character. The command a short option belongs to is judged on its own segment: back to
 * the start of the (continued) line or the last `;`, `|`, `&`, `(` or backtick, so in
 * `curl … && docker run -u 1000:1000` the `-u` is docker's. After gitleaks' `curl-auth-user` rule
 * and its allowlist (see SOURCES.md).
 *
 * Not reported: `-u user` without a password, `--password` followed by another option or by a
 * word of letters only (prose: "pass the --password flag"), the space form after `psql`/`pg_*`
 * (a flag there) and `mysql` (a database name there), and placeholders or references
 * (`$PASS`, `"${VAR}"`, `$(cat f)`, `****`, `<redacted>`, `[PASSWORD]`, `password`, `changeme`).
 *
 * Cost: the keyword gate (`curl`, `pass`, `pwd`, `mysql`, `mariadb`, `login`, `redis`) skips most
 * texts; otherwise one regex pass whose matches start at a literal `-` or env name (short options
 * drop out of it when their commands never occur), a bounded value read (512 characters) per
 * candidate after which the scan resumes, and for the options that need their command one pass for
 * the segment starts and one per command name, shared by all candidates (`Commands`). Measured on
 * 1 MB: about 1 ms for prose, linear on hostile input (tests).
 */
import type { Detector, Finding } from '../../types.ts';
import { isPlaceholder } from './placeholder.ts';
import { isValueReference } from './url-credentials.ts';

const ID = 'secret.cli_credentials';
const MAX_VALUE = 512;

// Groups: 1 OpenSSL `-pass…`, 2 a long password option (without its leading `-`), 3 curl user
// options, 4 `-p`, 5 `-a`, 6 an environment variable. The literal comes first so the engine can
// skip ahead to a `-` or a capital; the look-behind after it keeps options from starting mid-word.
// The short options are common (`ssh -p 22`, `git commit -a`) and mean a password only in a few
// commands. At a short option's first match, the text is searched once for those commands; when
// none occurs, the scan goes on with that option left out of the pattern (its group made
// unmatchable, `(?!)`), so a dense option list costs one failed attempt per `-`, not one match.
const SHORT = [
  { group: '(-user|-proxy-user|u|U)', commands: ['curl'] },
  { group: '(p)', commands: ['mysql', 'mariadb', 'sshpass', 'login'] },
  { group: '(a)(?![\\w-])', commands: ['redis-cli'] },
] as const;
/** Capture group of `SHORT[i]`. */
const SHORT_GROUP = 3;
const optionPatterns = new Map<number, RegExp>();

/** The option pattern with the short options of `mask` (bit i = `SHORT[i]`) enabled. */
function optionPattern(mask: number): RegExp {
  let re = optionPatterns.get(mask);
  if (!re) {
    const short = SHORT.map((o, i) => (mask & (1 << i) ? o.group : '((?!))')).join('|');
    re = new RegExp(
      String.raw`-(?<![\w-]-)(?:(pass(?:in|out)?)(?![\w-])|(-(?:[A-Za-z0-9]+-){0,3}(?:password|passwd|passphrase|pass|pwd))(?![\w-])|${short})|(PGPASSWORD|SSHPASS|REDISCLI_AUTH)(?![\w])`,
      'g',
    );
    optionPatterns.set(mask, re);
  }
  // A private copy keeps lastIndex state local.
  return new RegExp(re);
}

/** Long options that take no value, or whose value is not the password. */
const FLAG_OPTIONS = /^-(?:ask-|no-|prompt-|force-|reset-|change-|forgot-|show-|hide-)/;

/** A command name as a word of its own (`/usr/bin/curl`, `(curl`, `;curl` count); literal first, then the look-behind. */
const tool = (names: string) =>
  new RegExp(String.raw`(?:${names})(?<=(?:^|[\s/"';|&(\x60])(?:${names}))(?:\.exe)?(?=[\s;|&)]|$)`, 'g');
const CURL = tool('curl');
const MYSQL = tool(String.raw`mysql[\w-]*|mariadb[\w-]*`);
/** Commands whose `--password` takes no separate value (a flag, or the next word is something else). */
const PROMPTING = tool(String.raw`psql|pg_\w+|mysql[\w-]*|mariadb[\w-]*`);
const SSHPASS = tool('sshpass');
const REDIS_CLI = tool('redis-cli');
const REGISTRY_TOOL = tool('docker|podman|nerdctl|buildah|skopeo|helm|oras|crane|regctl');
const LOGIN = tool('login');

/**
 * Which command an option belongs to. The segment of an option at `pos` runs back to the start of
 * its (`\`-continued) line or the last `;`, `|`, `&`, `(` or backtick. Segment starts and the
 * positions of each command name are found once per text, on first use, and looked up by binary
 * search, so many options in one long line cost no more than a few.
 */
class Commands {
  private starts: number[] | undefined;
  private readonly found = new Map<RegExp, number[]>();
  constructor(private readonly text: string) {}

  /** True when `name` occurs anywhere in the text (a cheap first test). */
  anywhere(name: RegExp): boolean {
    return this.occurrences(name).length > 0;
  }

  /** True when `name` occurs in the segment that holds `pos`, before `pos`. */
  has(name: RegExp, pos: number): boolean {
    const at = this.occurrences(name);
    if (at.length === 0 || at[0]! >= pos) return false;
    const i = lowerBound(at, this.segmentStart(pos));
    return i < at.length && at[i]! < pos;
  }

  private occurrences(name: RegExp): number[] {
    let at = this.found.get(name);
    if (!at) {
      at = [];
      const re = new RegExp(name);
      for (let m = re.exec(this.text); m !== null; m = re.exec(this.text)) at.push(m.index);
      this.found.set(name, at);
    }
    return at;
  }

  private segmentStart(pos: number): number {
    if (!this.starts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 0x3b || c === 0x7c || c === 0x26 || c === 0x60 || c === 0x28) starts.push(i + 1); // ; | & ` (
        else if (c === 0x0a) {
          let k = i - 1;
          if (k >= 0 && t.charCodeAt(k) === 0x0d) k--;
          if (!(k >= 0 && t.charCodeAt(k) === 0x5c)) starts.push(i + 1);
        }
      }
      this.starts = starts;
    }
    // The last start at or before `pos`.
    return this.starts[lowerBound(this.starts, pos + 1) - 1]!;
  }
}

/** First index whose value is ≥ `x` in an ascending array. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Skips blanks and `\`-newline continuations from `pos`; returns the first other index. */
function skipBlanks(text: string, pos: number): number {
  let i = pos;
  const limit = Math.min(text.length, pos + MAX_VALUE);
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) i++;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0a) i += 2;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0d && text.charCodeAt(i + 2) === 0x0a) i += 3;
    else break;
  }
  return i;
}

/** One shell word: its unquoted characters, and where each run of them lies in the text. */
interface Word {
  value: string;
  /** `[text index, value index, length]` of each run of characters taken over unchanged. */
  runs: [number, number, number][];
  /** Any part was single-quoted (no expansion) or double-quoted. */
  quoted: boolean;
  /** Index just past the word. */
  end: number;
}

/**
 * Ends a bare (unquoted) run: white space, shell operators, and a `,`, `]` or `}` that closes a
 * JSON/YAML value rather than a bracket opened in the word (`[PASSWORD]`, `${VAR}` stay whole).
 */
const endsBare = (c: number) =>
  c <= 0x20 || c === 0x3b || c === 0x7c || c === 0x26 || c === 0x3c || c === 0x3e || c === 0x28 || c === 0x29 ||
  c === 0x2c || c === 0x7f || c === 0xa0 || c === 0x3000;

/** Reads the shell word starting at `pos` (null when there is none). */
function readWord(text: string, pos: number): Word | null {
  let value = '';
  const runs: [number, number, number][] = [];
  // Extends the last run when `i` follows it in both the text and the value.
  const take = (i: number) => {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[2] === i && last[1] + last[2] === value.length) last[2]++;
    else runs.push([i, value.length, 1]);
    value += text[i];
  };
  let quoted = false;
  let depth = 0;
  let i = pos;
  const limit = Math.min(text.length, pos + MAX_VALUE);
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 0x27 || c === 0x22) {
      // A quoted part; unclosed, it runs to the end of the line.
      quoted = true;
      i++;
      while (i < limit) {
        const d = text.charCodeAt(i);
        if (d === c || d === 0x0a || d === 0x0d) break;
        if (c === 0x22 && d === 0x5c && i + 1 < limit && '"\\$`'.includes(text[i + 1]!)) i++;
        take(i);
        i++;
      }
      if (text.charCodeAt(i) === c) i++;
      continue;
    }
    if (endsBare(c)) break;
    if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) break;
      depth--;
    }
    if (c === 0x5c && i + 1 < limit && !endsBare(text.charCodeAt(i + 1))) i++;
    take(i);
    i++;
  }
  return runs.length > 0 || quoted ? { value, runs, quoted, end: i } : null;
}

/** A value that stands for a password without being one. */
function isStandIn(v: string): boolean {
  return v.length === 0 || isPlaceholder(v) || isValueReference(v);
}

/** Span of `word.value.slice(from)` in the text. */
function spanOf(word: Word, from: number): [number, number] | null {
  if (from >= word.value.length) return null;
  const first = word.runs.find(([, v, n]) => from < v + n)!;
  const [t, , n] = word.runs[word.runs.length - 1]!;
  return [first[0] + (from - first[1]), t + n];
}

interface Candidate {
  span: [number, number];
  score: number;
}

/**
 * How far values have been read. A word read as an option's value is an argument, never an option
 * itself, so the scan resumes after it: each character is read as a value at most once or twice.
 */
interface Cursor {
  skipTo: number;
}

function readValue(text: string, pos: number, cur: Cursor): Word | null {
  const word = readWord(text, pos);
  if (word) cur.skipTo = Math.max(cur.skipTo, word.end);
  return word;
}

/** `-u user:password` and kin, in a curl command. */
function curlUser(text: string, cmds: Commands, m: RegExpExecArray, end: number, cur: Cursor): Candidate | null {
  if (!cmds.anywhere(CURL)) return null;
  const long = m[3]!.length > 1;
  let v = end;
  if (long && text[v] === '=') v++;
  else {
    const after = skipBlanks(text, v);
    if (after === v && long) return null;
    v = after;
  }
  const word = readValue(text, v, cur);
  if (!word) return null;
  const colon = word.value.indexOf(':');
  if (colon < 0) return null;
  const user = word.value.slice(0, colon);
  const password = word.value.slice(colon + 1);
  if (isStandIn(password) || password === user) return null;
  if (!cmds.has(CURL, m.index)) return null;
  const span = spanOf(word, colon + 1);
  return span && { span, score: 0.9 };
}

/** The value after blanks (`-x VALUE`), unless it is another option or a stand-in. */
function optionValue(text: string, end: number, cur: Cursor): Word | null {
  const v = skipBlanks(text, end);
  if (v === end) return null;
  const word = readWord(text, v);
  if (!word) return null;
  if (!word.quoted && word.value.startsWith('-')) return null;
  cur.skipTo = Math.max(cur.skipTo, word.end);
  return isStandIn(word.value) ? null : word;
}

function candidate(text: string, cmds: Commands, m: RegExpExecArray, cur: Cursor): Candidate | null {
  const end = m.index + m[0].length;
  if (m[1] !== undefined) {
    // OpenSSL: only the literal `pass:` source is a password (`env:`, `file:`, `fd:` name one).
    const word = optionValue(text, end, cur);
    if (!word || !word.value.startsWith('pass:') || isStandIn(word.value.slice(5))) return null;
    const span = spanOf(word, 5);
    return span && { span, score: 0.85 };
  }
  if (m[2] !== undefined) {
    const name = m[2];
    if (FLAG_OPTIONS.test(name)) return null;
    if (text[end] === '=') {
      // `--password=X` is `secret.password_assignment`'s; `--pass=X` has no label it knows.
      if (name !== '-pass') return null;
      const word = readValue(text, end + 1, cur);
      if (!word || isStandIn(word.value)) return null;
      const span = spanOf(word, 0);
      return span && { span, score: 0.8 };
    }
    const word = optionValue(text, end, cur);
    if (!word) return null;
    // `the --password flag`: a bare word of letters in one case is prose, not a password.
    if (!word.quoted && /^(?:[a-z]+|[A-Z]+)$/.test(word.value)) return null;
    if (cmds.has(PROMPTING, m.index)) return null;
    const span = spanOf(word, 0);
    return span && { span, score: 0.8 };
  }
  if (m[3] !== undefined) return curlUser(text, cmds, m, end, cur);
  if (m[4] !== undefined) {
    const at = m.index;
    if (!cmds.anywhere(MYSQL) && !cmds.anywhere(SSHPASS) && !cmds.anywhere(REGISTRY_TOOL)) return null;
    const attachedWord = text.charCodeAt(end) > 0x20 ? readValue(text, end, cur) : null;
    let word: Word | null = null;
    if (attachedWord && (cmds.has(MYSQL, at) || cmds.has(SSHPASS, at))) word = isStandIn(attachedWord.value) ? null : attachedWord;
    else if (!attachedWord && (cmds.has(SSHPASS, at) || (cmds.has(REGISTRY_TOOL, at) && cmds.has(LOGIN, at)))) word = optionValue(text, end, cur);
    const span = word && spanOf(word, 0);
    return span ? { span, score: 0.85 } : null;
  }
  if (m[5] !== undefined) {
    if (!cmds.anywhere(REDIS_CLI)) return null;
    const word = optionValue(text, end, cur);
    if (!word || !cmds.has(REDIS_CLI, m.index)) return null;
    const span = spanOf(word, 0);
    return span && { span, score: 0.85 };
  }
  // Environment variable: not part of a longer name or a `$NAME` reference; `=` or `:` (YAML,
  // JSON with the key's closing quote) and the value.
  const before = m.index > 0 ? text.charCodeAt(m.index - 1) : -1;
  if (before === 0x24 || before === 0x5f || (before >= 0x30 && before <= 0x39) || (before >= 0x41 && before <= 0x5a) || (before >= 0x61 && before <= 0x7a)) return null;
  let i = end;
  if (text[i] === '"' || text[i] === "'") i++;
  i = skipBlanks(text, i);
  if (text[i] !== '=' && text[i] !== ':') return null;
  const v = skipBlanks(text, i + 1);
  const word = readValue(text, v, cur);
  // `PGPASSWORD= psql`: a shell assignment of nothing. A quoted value after blanks is PowerShell's `= "…"`.
  if (!word || isStandIn(word.value) || (text[i] === '=' && v > i + 1 && !word.quoted)) return null;
  const span = spanOf(word, 0);
  return span && { span, score: 0.85 };
}

export const cliCredentials: Detector = {
  id: ID,
  types: ['PASSWORD'],
  keywords: ['curl', 'pass', 'pwd', 'mysql', 'mariadb', 'login', 'redis'],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    let mask = (1 << SHORT.length) - 1;
    let checked = 0;
    let re = optionPattern(mask);
    const cmds = new Commands(text);
    const cur: Cursor = { skipTo: 0 };
    try {
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const short = SHORT.findIndex((_, i) => m[SHORT_GROUP + i] !== undefined);
        if (short >= 0 && !(checked & (1 << short))) {
          checked |= 1 << short;
          if (!SHORT[short]!.commands.some((c) => text.includes(c))) {
            mask &= ~(1 << short);
            const at = re.lastIndex;
            re = optionPattern(mask);
            re.lastIndex = at;
            continue;
          }
        }
        const c = candidate(text, cmds, m, cur);
        if (cur.skipTo > re.lastIndex) re.lastIndex = cur.skipTo;
        if (!c) continue;
        const last = out[out.length - 1];
        if (last && c.span[0] < last.end) continue;
        out.push({ type: 'PASSWORD', start: c.span[0], end: c.span[1], score: c.score, detector: ID });
      }
    } catch {
      // Regex execution cannot fail on a string; keep the never-throw contract anyway.
    }
    return out;
  },
};
