/**
 * @module transform/pseudonymizer
 * Replaces sensitive spans with placeholders before a request leaves. One `Pseudonymizer` per
 * (secret, team); one `PseudonymSession` per request, holding the forward map (value →
 * placeholder) and the reverse map (placeholder → value) that the restore stage reads.
 *
 * Placeholders are `<TYPE_TAG>` where TAG is the Crockford base-32 of HMAC(secret, scope|type|value)
 * cut to 6 chars. A keyed digest instead of a counter makes the same value get the same
 * placeholder in every turn of a conversation without any server-side vault: the client resends
 * the history, we recompute the same tags. Inside one session a tag that is already taken by a
 * different value (or reserved) is extended one character at a time from the same digest, so
 * two values never share a placeholder. Why each choice: docs/pseudonymization.md.
 */
import type { RedactMethod } from '../config/policy-schema.ts';
import type { Finding } from '../inspect/types.ts';
import { createKeyedDigest, type KeyedDigest } from './keyed-digest.ts';
import {
  base32,
  hashText,
  hex,
  isReservedTag,
  maskText,
  placeholderType,
  pseudonymText,
  TAG_MIN_LENGTH,
} from './placeholder.ts';
import { normalizeSpans } from '../util/spans.ts';

// Re-exported: callers and tests reach it through the pseudonymizer.
export { normalizeSpans };

export interface PseudonymizerOptions {
  /** Server secret keying the HMAC. Use ≥ 32 random bytes; rotating it renames every placeholder. */
  secret: string;
  /** Team id: placeholders are stable per team and unrelated across teams. */
  scope: string;
}

export interface PseudonymSession {
  /**
   * Replace each finding's span in `text` per its method. Findings are expected sorted and
   * non-overlapping; if they are not, they are sorted and overlapping spans are merged (the
   * union is replaced, so nothing of either span leaks). Out-of-range offsets are clamped.
   * Call sequentially (await each) so collision extension is deterministic across turns.
   */
  apply(
    text: string,
    findings: readonly Finding[],
    methodOf: (type: string) => RedactMethod,
  ): Promise<string>;
  /** Placeholder → original for reversible (pseudonymize) entries only; mask/hash never restored. */
  readonly reverse: ReadonlyMap<string, string>;
  /** Number of distinct reversible placeholders issued in this session. */
  readonly size: number;
}

export interface Pseudonymizer {
  /** New per-request session. */
  session(): PseudonymSession;
}

/**
 * @throws Error only at startup, when `secret` is empty (a configuration error, never a value).
 * @example
 * const p = await createPseudonymizer({ secret, scope: team.id });
 * const s = p.session();
 * const out = await s.apply('mail a@b.co', [{ type: 'EMAIL', start: 5, end: 11, score: 1, detector: 'email' }], () => 'pseudonymize');
 * // out === 'mail <EMAIL_XXXXXX>' and s.reverse.get('<EMAIL_XXXXXX>') === 'a@b.co'
 */
export async function createPseudonymizer(opts: PseudonymizerOptions): Promise<Pseudonymizer> {
  if (opts.secret.length === 0) throw new Error('pseudonymizer secret must not be empty');
  return pseudonymizerFromDigest(await createKeyedDigest(opts.secret), opts.scope);
}

/** Same, over an already-built digest; lets tests force tag collisions deterministically. */
export function pseudonymizerFromDigest(digest: KeyedDigest, scope: string): Pseudonymizer {
  return { session: () => new Session(digest, scope) };
}

/** Hash keys are normalised (NFKC, trimmed, whitespace collapsed, lower-cased) so joins survive formatting. */
function hashKey(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

interface Planned {
  type: string;
  start: number;
  end: number;
  method: RedactMethod;
  value: string;
}

class Session implements PseudonymSession {
  readonly #digest: KeyedDigest;
  readonly #scope: string;
  /** `${TYPE}\0${value}` → placeholder; exact value, so the reverse map restores byte-for-byte. */
  readonly #forward = new Map<string, string>();
  readonly #reverse = new Map<string, string>();
  readonly #hashes = new Map<string, string>();

  constructor(digest: KeyedDigest, scope: string) {
    this.#digest = digest;
    this.#scope = scope;
  }

  get reverse(): ReadonlyMap<string, string> {
    return this.#reverse;
  }

  get size(): number {
    return this.#reverse.size;
  }

  async apply(
    text: string,
    findings: readonly Finding[],
    methodOf: (type: string) => RedactMethod,
  ): Promise<string> {
    const spans = normalizeSpans(findings, text.length);
    if (spans.length === 0) return text;
    // A literal, not `{ ...s, method, value }`: on Node 20 each key added to a spread copy costs ~5 µs.
    const planned: Planned[] = spans.map((s) => ({
      type: placeholderType(s.type),
      start: s.start,
      end: s.end,
      method: methodOf(s.type),
      value: text.slice(s.start, s.end),
    }));

    // A synchronous digest (the real one) is computed on demand in text order; an async one (a
    // test's) runs for all values first. Either way assignment is in text order, so the
    // first-seen value keeps the short tag when two values collide.
    const byKey = this.#digest.digestSync ? null : await this.#digestsFor(planned);

    let out = '';
    let cursor = 0;
    for (const p of planned) {
      out += text.slice(cursor, p.start);
      cursor = p.end;
      if (p.method === 'pseudonymize') {
        out += this.#pseudonym(p.type, p.value, byKey);
      } else if (p.method === 'hash') {
        const hv = hashKey(p.value);
        const fk = `${p.type}\0${hv}`;
        let h = this.#hashes.get(fk);
        if (h === undefined) {
          const d = byKey ? byKey.get(`h\0${fk}`)! : this.#digest.digestSync!('hash', this.#scope, p.type, hv);
          h = hashText(p.type, hex(d, 4));
          this.#hashes.set(fk, h);
        }
        out += h;
      } else {
        out += maskText(p.type);
      }
    }
    return out + text.slice(cursor);
  }

  /** Async digests of every value not yet known, in parallel, keyed `p|h\0TYPE\0value`. */
  async #digestsFor(planned: readonly Planned[]): Promise<Map<string, Uint8Array>> {
    const pending = new Map<string, Promise<Uint8Array>>();
    for (const p of planned) {
      if (p.method === 'pseudonymize') {
        const k = `p\0${p.type}\0${p.value}`;
        if (!this.#forward.has(`${p.type}\0${p.value}`) && !pending.has(k)) {
          pending.set(k, this.#digest.digest('pseudonym', this.#scope, p.type, p.value));
        }
      } else if (p.method === 'hash') {
        const hv = hashKey(p.value);
        const k = `h\0${p.type}\0${hv}`;
        if (!this.#hashes.has(`${p.type}\0${hv}`) && !pending.has(k)) {
          pending.set(k, this.#digest.digest('hash', this.#scope, p.type, hv));
        }
      }
    }
    const keys = [...pending.keys()];
    const digests = await Promise.all(pending.values());
    return new Map(keys.map((k, i) => [k, digests[i]!]));
  }

  #pseudonym(type: string, value: string, byKey: ReadonlyMap<string, Uint8Array> | null): string {
    const fk = `${type}\0${value}`;
    const known = this.#forward.get(fk);
    if (known !== undefined) return known;
    // With async digests, one is in byKey whenever the value was not yet known when apply()
    // planned it; a concurrent apply() may have assigned it meanwhile, which the lookup above covers.
    const digest = byKey ? byKey.get(`p\0${fk}`)! : this.#digest.digestSync!('pseudonym', this.#scope, type, value);
    const full = base32(digest);
    let placeholder = '';
    for (let len = TAG_MIN_LENGTH; len <= full.length; len++) {
      const tag = full.slice(0, len);
      if (isReservedTag(tag)) continue;
      const candidate = pseudonymText(type, tag);
      if (!this.#reverse.has(candidate)) {
        placeholder = candidate;
        break;
      }
    }
    // Two different values with the same 256-bit HMAC: not expected to ever happen, but the
    // guarantee "never share a placeholder" must not rest on luck. A counter after the full digest
    // is longer than any extension above, so it cannot clash with one, and stays in the tag alphabet.
    for (let n = 0; placeholder === ''; n++) {
      const candidate = pseudonymText(type, full + base32(new Uint8Array([n >>> 8, n & 255])));
      if (!this.#reverse.has(candidate)) placeholder = candidate;
    }
    this.#forward.set(fk, placeholder);
    this.#reverse.set(placeholder, value);
    return placeholder;
  }
}
