/**
 * @module test/support/keyword-ends
 * Calls a detector that sets `keywordPositions` the way the engine does — with a `TextScan` holding
 * the cue pass's recorded keyword ends — so its tests can compare that path with the detector run
 * alone (its own search). `capped` records with a cap of one end, to exercise the fallback a text
 * with more ends than the cap takes.
 */
import { compileCueScanner } from '../../src/inspect/cue-scan.ts';
import { TextScan } from '../../src/inspect/text-scan.ts';
import type { Detector, Finding } from '../../src/inspect/types.ts';

export function detectViaKeywordEnds(detector: Detector): (text: string, capped?: boolean) => Finding[] {
  const keywords = detector.keywords!;
  const recorded = new Map([[keywords, 0]]);
  const full = compileCueScanner([keywords], { record: 1 });
  const capped = compileCueScanner([keywords], { record: 1, cap: 1 });
  return (text, cap = false) =>
    detector.detect(text, { scan: new TextScan(text, (cap ? capped : full).scan(text), undefined, recorded) });
}
