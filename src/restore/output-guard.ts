/**
 * @module restore/output-guard
 * Output inspection: masks secrets the model itself emits (policy `inspect_output`). The
 * inspector is injected (the detection engine), so this module only decides what may be released.
 *
 * Streaming: secrets are single tokens (no whitespace inside) except PEM blocks, so the guard
 * releases everything up to the last whitespace and holds only the unfinished token — the time
 * to first token grows by about one word, not a fixed window. An open `-----BEGIN` block is held
 * until its END line is complete. A token (or block) longer than `holdBack` is released past the window, so memory
 * stays bounded.
 *
 * Detection is incremental: each release inspects the held text (which the new text extends)
 * plus only as much already-released text as a secret needs for context — the last
 * `OUTPUT_CONTEXT` characters, widened back to a token start so no label or secret is cut, and
 * never more than `holdBack`. So labels such as `password=` already sent still give context, and
 * a secret cut by a release point is still recognised from its start and its rest masked, while a
 * long answer costs the detectors about (context + chunk) per release instead of a whole window.
 * Run the guard on the upstream text *before* restoring placeholders, so the user's own restored
 * values are never masked. Details: docs/pseudonymization.md.
 */
import type { Finding } from '../inspect/types.ts';
import { maskText } from '../util/placeholder-shapes.ts';
import { normalizeSpans } from '../util/spans.ts';

export type OutputInspector = (text: string) => Finding[];

export interface OutputGuardOptions {
  /** Characters held back; also the most released text re-read for context. 512 is a good default. */
  holdBack: number;
}

export const DEFAULT_OUTPUT_HOLD_BACK = 512;

/**
 * Released characters re-read as context at each release (before widening to a token start).
 * The built-in credential rules need at most ~65 before a value (generic: a 41-char name, quotes,
 * up to 4 spaces either side of `=>`/`:=`, `Bearer `); twice that leaves room for custom patterns.
 */
export const OUTPUT_CONTEXT = 128;

/**
 * Mask every finding in a whole (non-streamed) answer. Throws only if `inspect` throws; the
 * pipeline turns that into a blocked response (fail closed).
 */
export function guardText(text: string, inspect: OutputInspector): string {
  const spans = normalizeSpans(inspect(text), text.length);
  let out = '';
  let cursor = 0;
  for (const s of spans) {
    out += text.slice(cursor, s.start) + maskText(s.type);
    cursor = s.end;
  }
  return out + text.slice(cursor);
}

/**
 * Index just past the END line (`-----END … -----`) of the PEM block opened at `begin`, or -1
 * while that line is incomplete: cutting inside it would hide the block from the detector.
 */
function blockEnd(buf: string, begin: number): number {
  const end = buf.indexOf('-----END', begin);
  if (end < 0) return -1;
  const dashes = buf.indexOf('-----', end + 8);
  return dashes < 0 ? -1 : dashes + 5;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export class StreamOutputGuard {
  readonly #inspect: OutputInspector;
  readonly #hold: number;
  readonly #context: number;
  /** Received, not yet released. */
  #buf = '';
  /**
   * Already released, as received (unmasked), for detection context: at least the last
   * `holdBack` characters (fewer at the start); trimmed back to that only once it doubles, so
   * releases do not copy the window each time.
   */
  #look = '';
  /** The released text ended inside a masked finding: its continuation gets no second mask. */
  #maskOpen = false;

  constructor(inspect: OutputInspector, opts: OutputGuardOptions) {
    this.#inspect = inspect;
    this.#hold = Math.max(1, Math.trunc(opts.holdBack));
    this.#context = Math.min(this.#hold, OUTPUT_CONTEXT);
  }

  push(piece: string): string {
    this.#buf += piece;
    const cut = this.#safeCut();
    return cut > 0 ? this.#release(cut, false) : '';
  }

  flush(): string {
    return this.#buf.length === 0 ? '' : this.#release(this.#buf.length, true);
  }

  /** How much of the buffer can no longer be part of an unfinished secret. */
  #safeCut(): number {
    const buf = this.#buf;
    let cut = 0;
    for (let i = buf.length - 1; i >= 0; i--) {
      if (isSpace(buf.charCodeAt(i))) {
        cut = i + 1;
        break;
      }
    }
    const begin = buf.lastIndexOf('-----BEGIN');
    // A block goes out whole: held until the whitespace after its END line.
    if (begin >= 0 && begin < cut) {
      const close = blockEnd(buf, begin);
      if (close < 0 || cut < close) cut = begin;
    }
    // Bounded: an endless token or block is released past the window, masked where recognised.
    return Math.max(cut, buf.length - this.#hold * 8);
  }

  /**
   * Where in `#look` the detection window starts: `#context` characters back, widened to the
   * start of the token there (a label or secret is never seen cut), at most `holdBack` back.
   */
  #contextStart(): number {
    const look = this.#look;
    const floor = Math.max(0, look.length - this.#hold);
    let i = Math.max(floor, look.length - this.#context);
    while (i > floor && !isSpace(look.charCodeAt(i - 1))) i--;
    return i;
  }

  #release(upTo: number, final: boolean): string {
    const from = this.#contextStart();
    const ctx = from === 0 ? this.#look : this.#look.slice(from);
    const text = ctx + this.#buf;
    const off = ctx.length;
    const limit = off + upTo;
    const spans = normalizeSpans(this.#inspect(text), text.length);
    let out = '';
    let cursor = off;
    let open = false;
    for (const s of spans) {
      if (s.end <= off) continue;
      if (s.start >= limit) break;
      const start = Math.max(s.start, off);
      out += text.slice(cursor, start);
      if (!(start === off && this.#maskOpen)) out += maskText(s.type);
      cursor = Math.min(s.end, limit);
      open = s.end >= limit;
    }
    out += text.slice(cursor, limit);
    this.#maskOpen = open && !final;
    const look = this.#look + this.#buf.slice(0, upTo);
    this.#look = look.length > this.#hold * 2 ? look.slice(look.length - this.#hold) : look;
    this.#buf = this.#buf.slice(upTo);
    return out;
  }
}
