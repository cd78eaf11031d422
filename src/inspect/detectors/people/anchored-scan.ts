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
  /** Largest distance from a match's start to its first anchor. */
  readonly before: number;
  /** Cheap test for a position where the full regex can begin (its look-behind and first character). */
  readonly canStart: (text: string, at: number) => boolean;
  /** The full regex, sticky (`y`). */
  readonly sticky: RegExp;
}

/** Calls `visit` for each match of `spec.sticky` in text order, like a global scan would. */
export function scanNearAnchors(text: string, spec: AnchoredScan, visit: (m: RegExpExecArray) => void): void {
  const anchor = new RegExp(spec.anchor);
  const re = spec.sticky;
  let floor = 0; // end of the last match: starts before it are inside it
  let tried = 0; // positions below this were already tried for an earlier anchor
  for (let h = anchor.exec(text); h !== null; h = anchor.exec(text)) {
    for (let p = Math.max(floor, tried, h.index - spec.before); p <= h.index; p++) {
      if (p < floor) p = floor;
      if (p > h.index) break;
      if (!spec.canStart(text, p)) continue;
      re.lastIndex = p;
      const m = re.exec(text);
      if (m === null || m[0].length === 0) continue;
      visit(m);
      floor = m.index + m[0].length;
      p = floor - 1;
    }
    tried = Math.max(tried, h.index + 1);
    if (anchor.lastIndex < floor) anchor.lastIndex = floor;
  }
  re.lastIndex = 0;
}
