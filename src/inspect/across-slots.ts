/**
 * @module inspect/across-slots
 * Inspects every text slot of a request, and also the seam between consecutive text slots, so a
 * value split over two messages (`… mail john.doe` | `@example.com please`) is still found.
 *
 * Approach: for each pair of consecutive `text` slots, the last `SEAM_WINDOW` characters of the
 * first and the first `SEAM_WINDOW` of the second are joined directly (`john.doe` + `@example.com`)
 * and inspected; when digits meet digits they are also joined with one space (`4111 1111` +
 * `1111 1111`, a split between card groups). Only findings that cross the seam are kept; each is
 * split into its two parts, one finding per slot, both with the finding's type and score, so the
 * decision counts the type and redaction replaces both parts. A crossing finding whose part
 * overlaps a finding already in its slot is dropped: the join misread a value found on its own
 * (`a@b.com.` + `echo…` is not `a@b.com.echo`), and a slot's findings stay disjoint. A seam is skipped when a message ends a sentence with `?` or `!`, and
 * JSON slots (tool arguments) are never joined: their text is code, not prose a user splits.
 *
 * Cost: usually one extra inspection of at most 2×SEAM_WINDOW characters per pair of consecutive
 * text slots (two when digits meet). Known limits: a value longer than the window on either side,
 * or split over three slots, is found only if its parts are found on their own; joining unrelated
 * messages can in principle create a false finding (digits at the end of one message and the start
 * of the next that together pass a checksum).
 */
import type { Inspector } from './engine.ts';
import type { Finding } from './types.ts';

/** Characters taken from each side of a seam: more than either half of a real e-mail, card or ID. */
export const SEAM_WINDOW = 128;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

export interface SlotText {
  text: string;
  kind: 'text' | 'json';
}

/**
 * Findings per slot (same order as `slots`), including the parts of values that cross a seam.
 * Throws whatever the inspector throws (the pipeline decides fail-open or closed).
 */
export function inspectSlots(inspector: Inspector, slots: readonly SlotText[]): Finding[][] {
  const perSlot = slots.map((s) => inspector.inspect(s.text));
  for (let i = 0; i + 1 < slots.length; i++) {
    const a = slots[i]!;
    const b = slots[i + 1]!;
    if (a.kind !== 'text' || b.kind !== 'text' || a.text.length === 0 || b.text.length === 0) continue;
    const last = a.text.charCodeAt(a.text.length - 1);
    if (last === 0x3f /* ? */ || last === 0x21 /* ! */) continue;
    const tailStart = Math.max(0, a.text.length - SEAM_WINDOW);
    const tail = a.text.slice(tailStart);
    const head = b.text.slice(0, SEAM_WINDOW);
    const joiners = isDigit(last) && isDigit(b.text.charCodeAt(0)) ? ['', ' '] : [''];
    for (const joiner of joiners) {
      const seam = tail.length;
      const headStart = seam + joiner.length;
      for (const f of inspector.inspect(tail + joiner + head)) {
        // Crossing: starts in the tail and ends in the head (a finding inside one side is already known).
        if (!(f.start < seam && f.end > headStart)) continue;
        const partA: Finding = { ...f, start: tailStart + f.start, end: a.text.length };
        const partB: Finding = { ...f, start: 0, end: f.end - headStart };
        // A crossing reading that runs into a value already found on either side is the join
        // misreading that value (`a@b.com.` + `echo…` is not the address `a@b.com.echo`).
        if (overlapsAny(perSlot[i]!, partA) || overlapsAny(perSlot[i + 1]!, partB)) continue;
        insertSorted(perSlot[i]!, partA);
        insertSorted(perSlot[i + 1]!, partB);
      }
    }
  }
  return perSlot;
}

const overlapsAny = (findings: readonly Finding[], part: Finding) => findings.some((f) => f.start < part.end && part.start < f.end);

/** Inserts into a slot's start-sorted findings (the caller checked it overlaps none). */
function insertSorted(findings: Finding[], part: Finding): void {
  let i = findings.length;
  while (i > 0 && findings[i - 1]!.start > part.start) i--;
  findings.splice(i, 0, part);
}
