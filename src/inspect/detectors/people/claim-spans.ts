/**
 * @module inspect/detectors/people/claim-spans
 * Resolves overlaps between the spans the English name rules found: rules claim spans in order,
 * strongest first, and a span overlapping one already claimed is dropped. One byte per character
 * of the text used to mark the claims; allocating that array cost more than all the name rules
 * on texts holding one name. Each rule finds its spans in text order, so merging the claimed list
 * with one rule's spans at a time keeps everything sorted and the work linear in the spans alone.
 */

/** One span a rule found: start, end (exclusive, after start), score. */
export type Span = readonly [start: number, end: number, score: number];

const byStart = (a: Span, b: Span): number => a[0] - b[0];

/**
 * The spans claimed from `lists`, taken list by list and in each list in order of start (the
 * order a rule finds them in; a list out of that order is sorted first), sorted by start. A span
 * is dropped when it shares a character with a span claimed before it.
 * @example
 *   claimSpans([[[5, 9, 0.8]], [[0, 3, 0.5], [8, 12, 0.5]]]); // [[0, 3, 0.5], [5, 9, 0.8]]
 */
export function claimSpans(lists: readonly (readonly Span[])[]): Span[] {
  let claimed: Span[] = [];
  for (const given of lists) {
    if (given.length === 0) continue;
    const list = given.every((s, k) => k === 0 || (given[k - 1] as Span)[0] <= s[0]) ? given : [...given].sort(byStart);
    const kept: Span[] = [];
    let j = 0; // first claimed span ending after the current start: claimed spans are disjoint, so their ends ascend too
    let keptEnd = -Infinity; // furthest end among this list's kept spans, all starting at or before the current one
    for (const span of list) {
      const [s, e] = span;
      while (j < claimed.length && (claimed[j] as Span)[1] <= s) j++;
      if (j < claimed.length && (claimed[j] as Span)[0] < e) continue;
      if (keptEnd > s) continue;
      kept.push(span);
      keptEnd = Math.max(keptEnd, e);
    }
    if (kept.length > 0) claimed = merge(claimed, kept);
  }
  return claimed;
}

/** Two lists sorted by start, disjoint from each other, as one. */
function merge(a: readonly Span[], b: readonly Span[]): Span[] {
  if (a.length === 0) return [...b];
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push((a[i] as Span)[0] <= (b[j] as Span)[0] ? (a[i++] as Span) : (b[j++] as Span));
  while (i < a.length) out.push(a[i++] as Span);
  while (j < b.length) out.push(b[j++] as Span);
  return out;
}
