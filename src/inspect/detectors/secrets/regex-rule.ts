/**
 * @module inspect/detectors/secrets/regex-rule
 * Builds a {@link Detector} from one precompiled global regex and a scoring function, the
 * shape most gitleaks-style rules share. Kept separate so each rule file holds only its
 * pattern, its keywords and what makes a match believable.
 *
 * Linear time: every rule pattern starts with a negative look-behind for its own token
 * alphabet and uses bounded quantifiers only, so an attempt can begin only where a token
 * begins and each attempt reads a bounded number of characters.
 */
import type { Detector, Finding } from '../../types.ts';
import { isPlaceholder } from './placeholder.ts';

export interface RuleMatch {
  /** The regex match. Its group indices are not computed (most matches are judged and dropped). */
  readonly match: RegExpExecArray;
  readonly text: string;
}

export interface RegexRuleSpec {
  readonly id: string;
  readonly type: string;
  readonly keywords: readonly string[];
  /** Must carry the `g` and `d` flags. */
  readonly pattern: RegExp;
  /** Capture group whose span is reported; 0 (whole match) when omitted. */
  readonly group?: number;
  /** Score for a match, or `null` to drop it (placeholder, example key, low entropy...). */
  readonly score: (m: RuleMatch) => number | null;
  /**
   * Optional: the positions to try the pattern at, ascending, instead of letting the regex engine
   * try every position; found natively (`indexOf` of an operator, say), they cost a
   * fraction of a regex pass per character. They must include every position where a match
   * `score` accepts can begin and every position where a match covering such a position can
   * begin (extra positions are fine; leaving out another one changes nothing, as its match could
   * neither be reported nor hide a reported one).
   */
  readonly starts?: (text: string) => readonly number[];
}

/** A detector running `spec.pattern` over the text. `detect` never throws; building a rule with a pattern missing the `g`/`d` flags throws at module load (a programming error). */
export function regexRule(spec: RegexRuleSpec): Detector {
  if (!spec.pattern.global || !spec.pattern.hasIndices) {
    throw new Error(`rule ${spec.id}: pattern needs the g and d flags`);
  }
  const group = spec.group ?? 0;
  // Scanning with the `d` flag builds index arrays for every match, and most matches are judged
  // and dropped (`token_type: "Bearer"`, placeholders, low entropy). So the scan runs without it,
  // and only an accepted match with a group is read again, anchored at its start, with indices:
  // the same pattern from the same position matches the same way.
  const scanFlags = spec.pattern.flags.replace('d', '');
  const anchored = new RegExp(spec.pattern.source, spec.pattern.flags.replace('g', '') + 'y');
  const stickyFlags = scanFlags.replace('g', '') + 'y';
  return {
    id: spec.id,
    types: [spec.type],
    keywords: spec.keywords,
    detect(text: string): Finding[] {
      const out: Finding[] = [];
      const judge = (m: RegExpExecArray): void => {
        if (m[group] === undefined) return;
        const score = spec.score({ match: m, text });
        if (score === null) return;
        let span: readonly [number, number] | undefined = [m.index, m.index + m[0].length];
        if (group !== 0) {
          anchored.lastIndex = m.index;
          span = anchored.exec(text)?.indices?.[group];
          if (!span) return;
        }
        out.push({ type: spec.type, start: span[0], end: span[1], score, detector: spec.id });
      };
      try {
        if (spec.starts) {
          // The leftmost match at or past the last match's end is the first listed position
          // there that matches: what a global scan's next `exec` returns.
          const re = new RegExp(spec.pattern.source, stickyFlags);
          let floor = 0;
          for (const p of spec.starts(text)) {
            if (p < floor) continue;
            re.lastIndex = p;
            const m = re.exec(text);
            if (m === null) continue;
            floor = p + Math.max(m[0].length, 1);
            judge(m);
          }
        } else {
          // A private copy keeps lastIndex state local, so concurrent calls cannot interfere.
          const re = new RegExp(spec.pattern.source, scanFlags);
          for (let m = re.exec(text); m !== null; m = re.exec(text)) {
            if (m[0].length === 0) re.lastIndex++;
            judge(m);
          }
        }
      } catch {
        // Regex execution only fails on engine limits (e.g. stack); report what was found.
      }
      return out;
    },
  };
}

/** True when the token looks like a docs/sample value rather than a live one. */
export function looksLikeExample(token: string): boolean {
  // Words a random key essentially never contains (a 4-letter word in a 100-character base62
  // key has odds well below one in a million), but hand-written stand-ins always do.
  return isPlaceholder(token) || /example|sample|dummy|fake|placeholder|replace|your/i.test(token);
}
