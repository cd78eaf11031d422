/**
 * @module util/spans
 * Findings → the spans a text rewrite replaces: sorted, clamped to the text, non-empty and
 * non-overlapping. Shared by the transform stage (redacting a request) and the output guard in
 * restore (masking an answer), so both treat overlapping findings the same way; kept here so the
 * restore stage does not depend on the transform stage.
 */

/** What a span needs from a finding: its entity type and offsets. */
export interface Span {
  type: string;
  start: number;
  end: number;
}

/** Sorted, clamped, non-empty, non-overlapping spans; overlaps are merged into their union. */
export function normalizeSpans(findings: readonly Span[], length: number): Span[] {
  const spans = findings
    .map((f) => ({
      type: f.type,
      start: Math.max(0, Math.min(length, Math.trunc(f.start))),
      end: Math.max(0, Math.min(length, Math.trunc(f.end))),
    }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
