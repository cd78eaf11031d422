/**
 * @module inspect/safe-regex/charset
 * One "character matcher" of the safe-regex VM: a literal, `.`, an escape such as `\d`, or a
 * bracket class. Each is delegated to a JavaScript RegExp that matches exactly one character
 * (`^(?:[...])$`), which keeps JS's exact semantics for ranges, `\p{...}`, and case folding under
 * `i`, and is safe: a pattern that can only ever match one character cannot backtrack. Results for
 * UTF-16 code units are memoised, so the hot loop is a table lookup.
 */

export class CharMatcher {
  private memo: Uint8Array | undefined;
  constructor(
    /** Single-character matcher, or null for an exact code unit/point comparison. */
    private readonly re: RegExp | null,
    private readonly literal: number,
  ) {}

  test(c: number): boolean {
    if (this.re === null) return c === this.literal;
    if (c < 65536) {
      const m = (this.memo ??= new Uint8Array(65536));
      const v = m[c]!;
      if (v !== 0) return v === 1;
      const yes = this.re.test(String.fromCharCode(c));
      m[c] = yes ? 1 : 2;
      return yes;
    }
    return this.re.test(String.fromCodePoint(c));
  }
}

/** Builds and de-duplicates matchers for one pattern (so `[a-z]` used ten times is one table). */
export class CharMatcherTable {
  readonly list: CharMatcher[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly reFlags: string;
  constructor(private readonly flags: string) {
    // `m` and `g`/`y` do not change what one character matches; dropping them keeps test() stateless.
    this.reFlags = [...flags].filter((f) => f === 'i' || f === 's' || f === 'u').join('');
  }

  /** A matcher from JS class/escape source such as `[a-z]`, `\d` or `.`. Throws a SyntaxError if JS rejects it. */
  fromSource(src: string): number {
    const key = 's' + src;
    const have = this.byKey.get(key);
    if (have !== undefined) return have;
    return this.add(key, new CharMatcher(new RegExp(`^(?:${src})$`, this.reFlags), -1));
  }

  /** A literal code unit (or code point under `u`). Case-insensitive literals go through JS. */
  literal(c: number): number {
    if (this.flags.includes('i')) {
      const esc = c > 0xffff ? `\\u{${c.toString(16)}}` : `\\u${c.toString(16).padStart(4, '0')}`;
      return this.fromSource(`[${esc}]`);
    }
    const key = 'l' + c;
    const have = this.byKey.get(key);
    if (have !== undefined) return have;
    return this.add(key, new CharMatcher(null, c));
  }

  private add(key: string, m: CharMatcher): number {
    this.list.push(m);
    this.byKey.set(key, this.list.length - 1);
    return this.list.length - 1;
  }
}
