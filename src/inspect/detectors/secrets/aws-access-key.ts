/**
 * @module inspect/detectors/secrets/aws-access-key
 * AWS access key ids: `AKIA` (long-term), `ASIA` (STS temporary), `ABIA`, `ACCA` + 16 upper-case
 * base32-ish characters. After gitleaks `aws.go` (see SOURCES.md).
 *
 * Documentation keys such as `AKIAIOSFODNN7EXAMPLE` are dropped, not scored low: they are
 * public and masking them would only hide the example from the model.
 *
 * Every key begins with one of its four keywords, so where the engine's cue pass found them
 * (`keywordPositions`) the pattern is tried there only, instead of over the whole text ("Asia"
 * lets many texts through the keyword gate).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { scanOf } from '../../text-scan.ts';
import { shannonEntropy } from './entropy.ts';
import { regexRule, type RegexRuleSpec } from './regex-rule.ts';

const PATTERN = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/dg;
/** The pattern anchored at a keyword's start; it also confirms the case the cue pass folded. */
const AT = new RegExp(PATTERN.source, 'y');
/** All four are four characters long: a key starts four units before a keyword's end. */
const KEYWORDS: readonly string[] = ['akia', 'asia', 'abia', 'acca'];

const SPEC: RegexRuleSpec = {
  id: 'secret.aws_access_key',
  type: 'SECRET',
  keywords: KEYWORDS,
  pattern: PATTERN,
  score({ match }) {
    const token = match[0];
    if (token.endsWith('EXAMPLE')) return null;
    // Low entropy means a mask such as AKIAXXXXXXXXXXXXXXXX (0 bits). Sixteen random characters
    // average ~3.5 bits but fall under 3 about once in 280 (100,000 draws; lowest 2.41), so the
    // floor sits at 2.2, still above patterned masks like AKIA0000111122223333 (2 bits).
    if (shannonEntropy(token, 4) < 2.2) return null;
    // The id alone grants nothing without its secret, but it identifies the account.
    return /[0-9]/.test(token.slice(4)) ? 0.95 : 0.85;
  },
};

/** The plain rule: a scan of the whole text, for a text the cue pass did not read. */
const wholeText = regexRule(SPEC);

export const awsAccessKey: Detector = {
  ...wholeText,
  keywordPositions: true,
  detect(text: string, ctx?: DetectContext): Finding[] {
    const ends = scanOf(text, ctx).keywordEnds(KEYWORDS);
    if (ends === undefined) return wholeText.detect(text, ctx ?? {});
    const out: Finding[] = [];
    try {
      // The first listed start at or past the last match's end that matches is what a global
      // scan's next `exec` returns; every match starts at a keyword, so at a listed start.
      let floor = 0;
      for (let k = 0; k < ends.length; k++) {
        const p = ends[k]! - 4;
        if (p < floor) continue;
        AT.lastIndex = p;
        const m = AT.exec(text);
        if (m === null) continue;
        floor = p + m[0].length;
        const score = SPEC.score({ match: m, text });
        if (score !== null) out.push({ type: SPEC.type, start: p, end: floor, score, detector: SPEC.id });
      }
    } catch {
      // Regex execution only fails on engine limits; report what was found.
    }
    return out;
  },
};
