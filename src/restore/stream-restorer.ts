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
import { FAIL, MORE, matcherFor, newCandidate, resume, ruledOut, scan, startCandidate, type Match, type Matcher } from './placeholder-matcher.ts';
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
  /** The candidate that starts `#pending` (text mode), carried on by each push until decided. */
  readonly #held = newCandidate();
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
    return this.#pending === '' ? this.#release(piece) : this.#carry(piece);
  }

  /**
   * Something is held: it starts with a candidate the scan could not decide. Carry that one
   * candidate on over `piece` (no re-reading of the held text, no joined string unless it stays
   * undecided); only when it fails is the held text scanned again, from its second character.
   */
  #carry(piece: string): string {
    if (piece === '') return '';
    const held = this.#pending;
    const c = this.#held;
    const r = resume(this.#m, piece, false, c);
    if (r === MORE) {
      this.#pending = held + piece;
      return '';
    }
    this.#pending = '';
    if (r === FAIL) {
      const from = nextStart(this.#starts, held);
      if (from > 0) {
        this.#pending = held;
        return this.#textStep(piece, from, false);
      }
      // Nothing else in the held text can start a placeholder: it is all decided.
      this.#prev = held.charCodeAt(held.length - 1);
      return held + this.#release(piece);
    }
    this.#prev = r > 0 ? piece.charCodeAt(r - 1) : held.charCodeAt(held.length - 1);
    const value = this.#reverse.get(c.key);
    const head = value ?? held + piece.slice(0, r);
    return r === piece.length ? head : head + this.#release(r === 0 ? piece : piece.slice(r));
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
    // A long piece with no `_` can hold no whole placeholder: only its last `maxHead` characters
    // can start one that is still undecided, so one native search replaces most of the loop.
    let i = n > LONG_PIECE && piece.indexOf('_') < 0 ? Math.max(0, n - this.#m.maxHead) : 0;
    for (; i < n; i++) {
      const c = piece.charCodeAt(i);
      if (c < 128 && starts[c] !== 0) {
        const before = i > 0 ? piece.charCodeAt(i - 1) : this.#prev;
        if (ruledOut(this.#m, c, i + 1 < n ? piece.charCodeAt(i + 1) : -1, before)) continue;
        if (i + 1 < n) return this.#textStep(piece, i, false);
        // The usual hold: a lone `<` or initial at the end of the piece. Undecided by definition.
        startCandidate(this.#m, c, this.#held);
        if (i === 0) {
          this.#pending = piece;
          return '';
        }
        this.#prev = before;
        this.#pending = piece.slice(i);
        return piece.slice(0, i);
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
    const done = scan(this.#m, s, this.#prev, final, matches, from, this.#held);
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

/**
 * Pieces longer than this try the `_` search first. Below it the search costs about what the
 * character loop it saves does (streamed chunks are mostly a token of 1–8 characters).
 */
const LONG_PIECE = 32;

/** Index of the first character of `held` after its first that can start a placeholder, or 0 if none. */
function nextStart(starts: Uint8Array, held: string): number {
  for (let i = 1; i < held.length; i++) {
    const c = held.charCodeAt(i);
    if (c < 128 && starts[c] !== 0) return i;
  }
  return 0;
}

function identity(s: string): string {
  return s;
}
