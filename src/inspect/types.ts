/**
 * @module inspect/types
 * The contract every detector implements. Detectors are pure: text in, findings out.
 * They never throw for any input and never keep the matched value anywhere but in the
 * offsets they return (the value itself is only ever read by the transform stage).
 */
import type { TextScan } from './text-scan.ts';

/** One sensitive span. Offsets are JavaScript string indices (UTF-16 code units), end exclusive. */
export interface Finding {
  /** Entity type in UPPER_SNAKE, e.g. `EMAIL`, `KR_RRN`, `SECRET`. Placeholders are named after it. */
  type: string;
  start: number;
  end: number;
  /** Confidence 0..1 (Presidio model: pattern base score, raised by validators and context words). */
  score: number;
  /** Id of the detector that produced it, e.g. `email`, `secret.openai`. */
  detector: string;
}

export interface DetectContext {
  /** Company dictionaries and custom patterns come from the policy; built-in detectors ignore this. */
  readonly policyId?: string;
  /**
   * Work shared by all detectors on this text (lower-cased copy, number clusters), computed
   * lazily once per `inspect` call by the engine. Absent when a detector is called on its own;
   * detectors then build their own with `scanOf(text, ctx)`.
   */
  readonly scan?: TextScan;
}

export interface Detector {
  /** Stable id, referenced in findings and docs. */
  readonly id: string;
  /** Entity types this detector can emit. A policy rule for any of them switches the detector on. */
  readonly types: readonly string[];
  /**
   * Optional cheap prefilter: if set and none of these (lower-case) substrings occurs in the
   * lower-cased text, `detect` is skipped. Keeps the many secret rules cheap on ordinary prose.
   */
  readonly keywords?: readonly string[];
  /**
   * Optional words (lower-case) whose presence the engine's cue pass reports without gating the
   * detector: `ctx.scan.hinted(hints)` is false when none occurs (case-insensitively), so the
   * detector can skip its own search for them. Pass this very array to `hinted`.
   */
  readonly hints?: readonly string[];
  /**
   * Set by a detector that searches the text for its own `keywords` again (a title syllable, an
   * address suffix, a key prefix): the engine's cue pass then records where they end, and
   * `ctx.scan.keywordEnds(keywords)` (this very array) hands the positions over. Absent them
   * (`undefined`: detector called on its own, or too many), the detector searches as it would without.
   */
  readonly keywordPositions?: boolean;
  detect(text: string, ctx: DetectContext): Finding[];
}
