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
  return {
    id: spec.id,
    types: [spec.type],
    keywords: spec.keywords,
    detect(text: string): Finding[] {
      const out: Finding[] = [];
      // A private copy keeps lastIndex state local, so concurrent calls cannot interfere.
      const re = new RegExp(spec.pattern.source, scanFlags);
      try {
        for (let m = re.exec(text); m !== null; m = re.exec(text)) {
          if (m[0].length === 0) re.lastIndex++;
          if (m[group] === undefined) continue;
          const score = spec.score({ match: m, text });
          if (score === null) continue;
          let span: readonly [number, number] | undefined = [m.index, m.index + m[0].length];
          if (group !== 0) {
            anchored.lastIndex = m.index;
            span = anchored.exec(text)?.indices?.[group];
            if (!span) continue;
          }
          out.push({ type: spec.type, start: span[0], end: span[1], score, detector: spec.id });
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
