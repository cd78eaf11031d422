/**
 * @module inspect/detectors/people/anchored-scan
 * Runs an address regex only near the places an address must contain, instead of letting it try
 * every position of the text. The address regexes open with alternations and look-behinds that
 * the regex engine cannot skip ahead for, so a plain global scan cost more than all the number
 * detectors together; but every Korean address holds a road/dong suffix followed by its number
 * (`로 152`, `동 737`) and every US address a street suffix (` St`, ` Avenue`) or `Box`.
 *
 * Equivalence with a global scan: every match contains an anchor at most `before` characters
 * after its start, so trying the anchored (sticky) regex at each possible start in
 * `[anchor - before, anchor]`, in text order and past each match, finds exactly the matches a
 * `lastIndex` scan finds. Each position is tried at most once, so the work stays linear.
 */

export interface AnchoredScan {
  /** Global regex for the anchors. */
  readonly anchor: RegExp;
  /**
   * Optional: the characters every anchor begins with, when they are few and rare in most texts.
   * The anchors are then found with `indexOf` (native, an order of magnitude cheaper per character
   * than any regex scan) and confirmed by the anchor regex there; a text where these characters
   * turn out to be common falls back to the regex scan for its rest.
   */
  readonly firstChars?: string;
  /** Largest distance from a match's start to its first anchor. */
  readonly before: number;
  /** Cheap test for a position where the full regex can begin (its look-behind and first character). */
  readonly canStart: (text: string, at: number) => boolean;
  /** The full regex, sticky (`y`). */
  readonly sticky: RegExp;
}

/**
 * Calls `visit` for each match of `spec.sticky` in text order, like a global scan would.
 * `anchors`, when given, replaces the search for `spec.anchor`: ascending positions that must
 * include, for every match, an anchor at most `spec.before` characters after its start (any
 * extra position only costs tries).
 */
export function scanNearAnchors(text: string, spec: AnchoredScan, visit: (m: RegExpExecArray) => void, anchors?: readonly number[]): void {
  const nextAnchor = anchors === undefined ? anchorFinder(text, spec) : listFinder(anchors);
  const re = spec.sticky;
  let floor = 0; // end of the last match: starts before it are inside it
  let tried = 0; // positions below this were already tried for an earlier anchor
  // Asking for the next anchor from `h + 1` rather than from the end of its match visits every
  // position where the anchor regex matches: a superset of what a global anchor scan visits,
  // which only adds tries, and those happen in text order anyway.
  for (let h = nextAnchor(0); h >= 0; h = nextAnchor(Math.max(h + 1, floor))) {
    for (let p = Math.max(floor, tried, h - spec.before); p <= h; p++) {
      if (p < floor) p = floor;
      if (p > h) break;
      if (!spec.canStart(text, p)) continue;
      re.lastIndex = p;
      const m = re.exec(text);
      if (m === null || m[0].length === 0) continue;
      visit(m);
      floor = m.index + m[0].length;
      p = floor - 1;
    }
    tried = Math.max(tried, h + 1);
  }
  re.lastIndex = 0;
}

/** The first of `anchors` (ascending) at or after `from`, or -1, for increasing `from`. */
function listFinder(anchors: readonly number[]): (from: number) => number {
  let k = 0;
  return (from: number): number => {
    while (k < anchors.length && (anchors[k] as number) < from) k++;
    return k < anchors.length ? (anchors[k] as number) : -1;
  };
}

/**
 * A function returning the first position at or after `from` where `spec.anchor` matches, or -1.
 * Calls must ask for increasing positions.
 */
export function anchorFinder(text: string, spec: Pick<AnchoredScan, 'anchor' | 'firstChars'>): (from: number) => number {
  const global = new RegExp(spec.anchor.source, spec.anchor.flags.includes('g') ? spec.anchor.flags : spec.anchor.flags + 'g');
  const byRegex = (from: number): number => {
    global.lastIndex = from;
    const m = global.exec(text);
    return m === null ? -1 : m.index;
  };
  const chars = spec.firstChars;
  if (chars === undefined || chars.length === 0 || mostlyWide(text)) return byRegex;
  const confirm = new RegExp(spec.anchor.source, spec.anchor.flags.replace('g', '') + 'y');
  // Per first character, its next occurrence (-1: none left). All start unknown (-2).
  const next = new Array<number>(chars.length).fill(-2);
  let misses = 0;
  let dense = false;
  return (from: number): number => {
    while (!dense) {
      let best = -1;
      let which = -1;
      for (let k = 0; k < chars.length; k++) {
        let at = next[k]!;
        if (at !== -1 && at < from) next[k] = at = text.indexOf(chars[k]!, from);
        if (at >= 0 && (best < 0 || at < best)) { best = at; which = k; }
      }
      if (best < 0) return -1;
      confirm.lastIndex = best;
      if (confirm.test(text)) return best;
      next[which] = text.indexOf(chars[which]!, best + 1);
      // Each miss costs a native call; past about one per 128 characters the regex scan, at a
      // fixed cost per character, is cheaper (Korean prose: 가, 리, 면… every few dozen).
      if (++misses > 16 + (best >> 7)) { dense = true; from = best + 1; }
    }
    return byRegex(from);
  };
}

/**
 * Whether more than one in eight of 64 evenly spread characters is outside Latin-1. `indexOf` of
 * a Hangul syllable skips through text with `memchr` on one of its bytes, and in Korean prose
 * that byte keeps turning up in other syllables: there, seven searches cost twice a regex pass.
 * Only the cost depends on this guess, never the anchors found.
 */
function mostlyWide(text: string): boolean {
  const step = Math.max(1, Math.floor(text.length / 64));
  let wide = 0;
  for (let i = 0; i < text.length; i += step) if (text.charCodeAt(i) > 0xff && ++wide > 8) return true;
  return false;
}
