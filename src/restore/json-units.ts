/**
 * @module restore/json-units
 * Incremental lexer for JSON text (tool-call `arguments`) that yields "units": one logical
 * character each, with the raw text that encodes it (`\"`, `\u00e9`, or the character itself).
 * The placeholder scanner runs on the logical characters, so a placeholder is found exactly as
 * it would be in the parsed string value (escapes decoded, `\n` before it counts as a boundary),
 * while replacements are spliced into the raw text, keeping every byte we did not restore.
 * It never fails: text that is not JSON (partial, or invalid) is lexed as well as it can be.
 */

/** Pending units: `log` (logical chars), `raw`, and `offs[k]` = raw offset where unit k starts. */
export interface UnitBuffer {
  raw: string;
  log: string;
  offs: number[];
}

/** Logical stand-in for an escape that decodes to nothing sensible: a non-word, non-syntax char. */
const INVALID = '\u0000';

const SIMPLE: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export class JsonUnitLexer {
  #inString = false;
  /** Raw text of an escape not finished yet (starts with a backslash), or ''. */
  #esc = '';

  /** Lex `piece`, appending complete units to `buf`. An unfinished escape stays inside the lexer. */
  feed(piece: string, buf: UnitBuffer): void {
    for (let i = 0; i < piece.length; i++) {
      const ch = piece[i]!;
      if (this.#esc !== '') {
        this.#esc += ch;
        if (this.#esc.length === 2) {
          if (ch === 'u') continue;
          this.#unit(buf, this.#esc, SIMPLE[ch] ?? INVALID);
          this.#esc = '';
        } else if (/[0-9a-fA-F]/.test(ch)) {
          if (this.#esc.length === 6) {
            this.#unit(buf, this.#esc, String.fromCharCode(parseInt(this.#esc.slice(2), 16)));
            this.#esc = '';
          }
        } else {
          // `\u12` followed by a non-hex char: the escape is broken; keep its raw text, re-lex ch.
          this.#unit(buf, this.#esc.slice(0, -1), INVALID);
          this.#esc = '';
          i--;
        }
        continue;
      }
      if (this.#inString) {
        if (ch === '\\') {
          this.#esc = ch;
          continue;
        }
        if (ch === '"') this.#inString = false;
      } else if (ch === '"') {
        this.#inString = true;
      }
      this.#unit(buf, ch, ch);
    }
  }

  /** The raw text of an escape cut off by the end of input; emitted verbatim on flush. */
  takePartial(): string {
    const rest = this.#esc;
    this.#esc = '';
    return rest;
  }

  #unit(buf: UnitBuffer, raw: string, log: string): void {
    buf.offs.push(buf.raw.length);
    buf.raw += raw;
    buf.log += log;
  }
}

/** A value as it must appear inside a JSON string literal. */
export function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
