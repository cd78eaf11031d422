/**
 * @module restore/output-guard
 * Output inspection: masks secrets the model itself emits (policy `inspect_output`). The
 * inspector is injected (the detection engine), so this module only decides what may be released.
 *
 * Streaming: secrets are single tokens (no whitespace inside) except PEM blocks, so the guard
 * releases everything up to the last whitespace and holds only the unfinished token — the time
 * to first token grows by about one word, not a fixed window. An open `-----BEGIN` block is held
 * until its END. A token (or block) longer than `holdBack` is released past the window, so memory
 * stays bounded. Detection always runs on the held text plus a look-behind of the last `holdBack`
 * released characters, so labels such as `password=` already sent still give context, and a
 * secret cut by a release point is still recognised from its start and its rest masked.
 * Run the guard on the upstream text *before* restoring placeholders, so the user's own restored
 * values are never masked. Details: docs/pseudonymization.md.
 */
import type { Finding } from '../inspect/types.ts';
import { maskText } from '../transform/placeholder.ts';
import { normalizeSpans } from '../transform/pseudonymizer.ts';

export type OutputInspector = (text: string) => Finding[];

export interface OutputGuardOptions {
  /** Characters held back; also the look-behind kept for detection. 512 is a good default. */
  holdBack: number;
}

export const DEFAULT_OUTPUT_HOLD_BACK = 512;

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

export class StreamOutputGuard {
  readonly #inspect: OutputInspector;
  readonly #hold: number;
  /** Received, not yet released. */
  #buf = '';
  /** Last `holdBack` characters already released, as received (unmasked), for detection context. */
  #look = '';
  /** The released text ended inside a masked finding: its continuation gets no second mask. */
  #maskOpen = false;

  constructor(inspect: OutputInspector, opts: OutputGuardOptions) {
    this.#inspect = inspect;
    this.#hold = Math.max(1, Math.trunc(opts.holdBack));
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
      const c = buf.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        cut = i + 1;
        break;
      }
    }
    const begin = buf.lastIndexOf('-----BEGIN');
    if (begin >= 0 && begin < cut && buf.indexOf('-----END', begin) < 0) cut = begin;
    // Bounded: an endless token or block is released past the window, masked where recognised.
    return Math.max(cut, buf.length - this.#hold * 8);
  }

  #release(upTo: number, final: boolean): string {
    const text = this.#look + this.#buf;
    const off = this.#look.length;
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
    this.#look = text.slice(Math.max(0, limit - this.#hold), limit);
    this.#buf = text.slice(limit);
    return out;
  }
}
