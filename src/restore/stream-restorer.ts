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
import { matcherFor, ruledOut, scan, type Match, type Matcher } from './placeholder-matcher.ts';
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
  /** `#m.starts`, kept at hand for the per-chunk fast path. */
  readonly #starts: Uint8Array;
  readonly #json: boolean;
  readonly #pass: boolean;
  /** Char code of the last decided (logical) character, for the bare-placeholder boundary. */
  #prev = -1;
  #pending = '';
  #units: UnitBuffer = { raw: '', log: '', offs: [] };
  readonly #lexer = new JsonUnitLexer();
  /** Reused between pushes while empty (most chunks have no match); replaced after a match. */
  #matches: Match[] = [];

  constructor(reverse: ReadonlyMap<string, string>, opts: StreamRestorerOptions = {}) {
    this.#reverse = reverse;
    this.#m = matcherFor(reverse);
    this.#starts = this.#m.starts;
    this.#json = opts.json === true;
    this.#pass = this.#m.empty;
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
    if (this.#json) return this.#jsonStep(piece, false);
    const held = this.#pending;
    if (held !== '') {
      // Usually one held character (a word starting `E…`, a `<`) that the next one rules out:
      // release it with the piece, without re-scanning the two joined.
      if (held.length !== 1 || piece === '' || !ruledOut(this.#m, held.charCodeAt(0), piece.charCodeAt(0), this.#prev)) {
        return this.#textStep(piece, 0, false);
      }
      this.#pending = '';
      this.#prev = held.charCodeAt(0);
      return held + this.#release(piece);
    }
    return this.#release(piece);
  }

  /**
   * `piece` with nothing held before it. Most chunks hold no character a placeholder can start
   * with (`<` or an issued type's initial), or only ones their neighbours rule out (`Please`,
   * `<b>`): such a chunk is decided whole and goes out as the same string, without a scan or an
   * allocation.
   */
  #release(piece: string): string {
    const starts = this.#starts;
    const n = piece.length;
    for (let i = 0; i < n; i++) {
      const c = piece.charCodeAt(i);
      if (c < 128 && starts[c] !== 0) {
        const before = i > 0 ? piece.charCodeAt(i - 1) : this.#prev;
        if (!ruledOut(this.#m, c, i + 1 < n ? piece.charCodeAt(i + 1) : -1, before)) return this.#textStep(piece, i, false);
      }
    }
    if (n !== 0) this.#prev = piece.charCodeAt(n - 1);
    return piece;
  }

  flush(): string {
    if (this.#pass) return '';
    if (!this.#json) return this.#textStep('', 0, true);
    return this.#jsonStep('', true) + this.#lexer.takePartial();
  }

  /** Scan `#pending + piece`; `from` is where the scan may start (nothing before it can match). */
  #textStep(piece: string, from: number, final: boolean): string {
    const s = this.#pending === '' ? piece : this.#pending + piece;
    if (s === '') return '';
    const matches = this.#matches;
    const done = scan(this.#m, s, this.#prev, final, matches, from);
    if (done > 0) this.#prev = s.charCodeAt(done - 1);
    this.#pending = done === s.length ? '' : s.slice(done);
    if (matches.length === 0) return done === s.length ? s : s.slice(0, done);
    this.#matches = [];
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
