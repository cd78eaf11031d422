/**
 * @module restore/stream-restorer
 * Restores placeholders in a streamed answer, chunk by chunk. It holds back only the shortest
 * suffix that could still become a placeholder (bounded by the longest issued placeholder plus
 * two tolerated spaces) and releases it as soon as it cannot, so first-token latency and chunk
 * cadence are kept. The concatenated output equals `restoreText` (or `restoreJsonText` with
 * `json: true`) of the whole text for every chunking, because all three run the same scanner
 * and the scanner only decides a position once the text after it settles it.
 */
import { jsonEscape, JsonUnitLexer, type UnitBuffer } from './json-units.ts';
import { matcherFor, scan, type Match, type Matcher } from './placeholder-matcher.ts';
import { splice } from './restore-text.ts';

export interface StreamRestorerOptions {
  /**
   * The pieces are fragments of a JSON document (tool-call `arguments` deltas): placeholders are
   * matched on decoded string contents and restored values are JSON-escaped.
   */
  json?: boolean;
}

/**
 * @example
 * const r = new StreamRestorer(session.reverse);
 * r.push('Hello <EMA'); // 'Hello '
 * r.push('IL_K3F9A2>!'); // 'kim@example.com!'
 * r.flush(); // ''
 */
export class StreamRestorer {
  readonly #reverse: ReadonlyMap<string, string>;
  readonly #m: Matcher;
  readonly #json: boolean;
  readonly #pass: boolean;
  /** Char code of the last decided (logical) character, for the bare-placeholder boundary. */
  #prev = -1;
  #pending = '';
  #units: UnitBuffer = { raw: '', log: '', offs: [] };
  readonly #lexer = new JsonUnitLexer();
  /**
   * Characters a placeholder can start with: `<` and the first letter of each issued type (bare
   * placeholders keep their exact case). A piece with none of them, and nothing held, cannot
   * begin or complete a placeholder, so it is released without scanning.
   */
  readonly #starts: RegExp;
  /** Reused between pushes: most chunks have no match, so this stays empty and allocation-free. */
  readonly #matches: Match[] = [];

  constructor(reverse: ReadonlyMap<string, string>, opts: StreamRestorerOptions = {}) {
    this.#reverse = reverse;
    this.#m = matcherFor(reverse);
    this.#json = opts.json === true;
    this.#pass = this.#m.empty;
    const initials = new Set(['<']);
    for (const key of reverse.keys()) if (key.length > 1) initials.add(key[1]!);
    this.#starts = new RegExp(`[${[...initials].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`);
  }

  /** Longest suffix this restorer may ever hold back (0 when nothing was issued). */
  get maxHold(): number {
    return this.#m.maxHold;
  }

  /** Characters currently held back. */
  get held(): number {
    return this.#json ? this.#units.raw.length : this.#pending.length;
  }

  push(piece: string): string {
    if (this.#pass) return piece;
    return this.#json ? this.#jsonStep(piece, false) : this.#textStep(piece, false);
  }

  flush(): string {
    if (this.#pass) return '';
    if (!this.#json) return this.#textStep('', true);
    return this.#jsonStep('', true) + this.#lexer.takePartial();
  }

  #textStep(piece: string, final: boolean): string {
    if (this.#pending === '' && piece !== '' && !this.#starts.test(piece)) {
      this.#prev = piece.charCodeAt(piece.length - 1);
      return piece;
    }
    const s = this.#pending === '' ? piece : this.#pending + piece;
    if (s === '') return '';
    const matches = this.#matches;
    if (matches.length !== 0) matches.length = 0;
    const done = scan(this.#m, s, this.#prev, final, matches);
    if (done > 0) this.#prev = s.charCodeAt(done - 1);
    if (done === s.length) {
      this.#pending = '';
      return matches.length === 0 ? s : splice(s, 0, done, matches, this.#reverse, identity);
    }
    this.#pending = s.slice(done);
    return splice(s, 0, done, matches, this.#reverse, identity);
  }

  #jsonStep(piece: string, final: boolean): string {
    const u = this.#units;
    this.#lexer.feed(piece, u);
    if (u.log === '') return '';
    const matches: Match[] = [];
    const done = scan(this.#m, u.log, this.#prev, final, matches);
    const rawAt = (k: number): number => (k < u.offs.length ? u.offs[k]! : u.raw.length);
    let out = '';
    let cursor = 0;
    for (const mt of matches) {
      const value = this.#reverse.get(mt.key);
      if (value === undefined) continue;
      out += u.raw.slice(cursor, rawAt(mt.start)) + jsonEscape(value);
      cursor = rawAt(mt.end);
    }
    const rawDone = rawAt(done);
    out += u.raw.slice(cursor, rawDone);
    if (done > 0) this.#prev = u.log.charCodeAt(done - 1);
    this.#units =
      done === u.log.length
        ? { raw: '', log: '', offs: [] }
        : { raw: u.raw.slice(rawDone), log: u.log.slice(done), offs: u.offs.slice(done).map((o) => o - rawDone) };
    return out;
  }
}

function identity(s: string): string {
  return s;
}
