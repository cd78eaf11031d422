/**
 * @module inspect/engine
 * Turns a policy's detection part (rules, dictionaries, custom patterns) into an `Inspector`: the
 * one function the pipeline calls on every text. It picks the detectors the policy switches on,
 * runs them behind a keyword prefilter, drops findings under each type's minimum score and
 * resolves overlaps so every character belongs to at most one finding.
 *
 * Overlap rule: among overlapping findings the higher score wins, then the longer span, then the
 * detector listed earlier (built-ins in registry order, then dictionaries, then custom patterns).
 * Findings below `min_score` are dropped before overlaps are resolved, so a weak guess can never
 * hide a confident one.
 *
 * Disguises (zero-width characters, full-width digits, exotic spaces, numbers wrapped over lines)
 * are undone by `normalize.ts`: when a text has any, detectors also run on its normalized views and
 * those findings are mapped back to original offsets before overlaps are resolved.
 */
import type { Detector, Finding } from './types.ts';
import { BUILTIN_DETECTORS } from './registry.ts';
import { compileDictionary } from './dictionary.ts';
import { compileSafeRegex, checkSafeRegex } from './safe-regex/index.ts';
import { viewsForMatching, type NormalizedView } from './normalize.ts';
import { mayNeedNormalization } from './disguise-guard.ts';
import { TextScan } from './text-scan.ts';

export interface InspectorSpec {
  /** entity type -> minimum score; a detector runs iff one of its types is listed */
  rules: Record<string, { min_score: number }>;
  dictionaries: { name: string; type: string; terms: string[] }[];
  patterns: { name: string; type: string; regex: string; flags: string; score: number }[];
}

export interface Inspector {
  inspect(text: string): Finding[];
  /** Entity types this inspector can report: rule types emitted by at least one active detector. */
  readonly types: ReadonlySet<string>;
}

/** Pattern validation for policy loading: returns null if OK, else a message (never a text value). */
export function checkPattern(regex: string, flags: string): string | null {
  return checkSafeRegex(regex, flags);
}

/** A custom policy pattern as a detector, run by the linear-time engine in `safe-regex/`. */
function patternDetector(p: InspectorSpec['patterns'][number]): Detector {
  const problem = checkSafeRegex(p.regex, p.flags);
  if (problem !== null) throw new Error(`pattern '${p.name}': ${problem}`);
  const re = compileSafeRegex(p.regex, p.flags);
  const id = `pattern.${p.name}`;
  const type = p.type;
  const score = p.score;
  return {
    id,
    types: [type],
    detect(text: string): Finding[] {
      const out: Finding[] = [];
      for (const [start, end] of re.matchAll(text)) {
        if (end > start) out.push({ type, start, end, score, detector: id });
      }
      return out;
    },
  };
}

interface Active { detector: Detector; order: number; keywords: KeywordTest | undefined }
type KeywordTest = (text: string) => boolean;

const escapeRegex = (k: string): string => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * A detector's keyword prefilter as native regex scans that stop at the first hit, where
 * lower-casing the text and calling `includes` once per keyword cost a full pass per keyword.
 * ASCII keywords and the others (Hangul) get separate regexes: one alternation mixing both was
 * seven times slower than the two apart. Case-insensitive, as the lower-cased comparison was.
 */
function keywordTest(keywords: readonly string[] | undefined): KeywordTest | undefined {
  const ks = (keywords ?? []).filter((k) => k.length > 0).map((k) => k.toLowerCase());
  if (ks.length === 0) return undefined;
  const ascii = ks.filter((k) => /^[\x00-\x7f]*$/.test(k));
  const other = ks.filter((k) => !/^[\x00-\x7f]*$/.test(k));
  const a = ascii.length > 0 ? new RegExp(ascii.map(escapeRegex).join('|'), 'i') : null;
  const o = other.length > 0 ? new RegExp(other.map(escapeRegex).join('|'), 'i') : null;
  return (text) => (a !== null && a.test(text)) || (o !== null && o.test(text));
}

/**
 * Throws a plain Error naming the bad pattern/dictionary (never a value) if the spec is unusable.
 * @example
 *   const ins = compileInspector({ rules: { EMAIL: { min_score: 0.5 } }, dictionaries: [], patterns: [] });
 *   ins.inspect('mail me at a@b.co'); // [{ type: 'EMAIL', start: 11, end: 17, ... }]
 */
export function compileInspector(
  spec: InspectorSpec,
  /** The built-in catalogue; tests pass their own. */
  builtins: readonly Detector[] = BUILTIN_DETECTORS,
): Inspector {
  const minScore = new Map<string, number>();
  for (const [type, rule] of Object.entries(spec.rules)) minScore.set(type, rule.min_score);

  const detectors: Detector[] = [];
  for (const d of builtins) if (d.types.some((t) => minScore.has(t))) detectors.push(d);
  for (const dict of spec.dictionaries) {
    if (!minScore.has(dict.type)) continue;
    try {
      detectors.push(compileDictionary(dict));
    } catch {
      throw new Error(`dictionary '${dict.name}' is unusable: it needs at least one non-empty term`);
    }
  }
  for (const p of spec.patterns) {
    if (!minScore.has(p.type)) continue;
    detectors.push(patternDetector(p));
  }

  const active: Active[] = detectors.map((detector, order) => ({
    detector,
    order,
    keywords: keywordTest(detector.keywords),
  }));
  const types = new Set<string>();
  for (const d of detectors) for (const t of d.types) if (minScore.has(t)) types.add(t);

  /** Runs every active detector on `text` (the original or a view of it) into `out`, in original offsets. */
  function collect(text: string, view: NormalizedView | null, out: Ranked[]): void {
    // One shared scan per text: the number detectors find their candidates in one pass together.
    const ctx = { scan: new TextScan(text) };
    for (const a of active) {
      if (a.keywords && !a.keywords(text)) continue;
      let found: Finding[];
      try {
        found = a.detector.detect(text, ctx);
      } catch {
        // A detector bug must not leak the text via its message; the pipeline decides
        // fail-open/closed from this error, so name only the detector.
        throw new Error(`detector '${a.detector.id}' failed`);
      }
      for (const f of found) {
        const min = minScore.get(f.type);
        if (min === undefined || !(f.score >= min)) continue;
        if (!(Number.isInteger(f.start) && Number.isInteger(f.end) && f.start >= 0 && f.end <= text.length && f.start < f.end)) continue;
        if (view) {
          const [start, end] = view.toOriginal(f.start, f.end);
          out.push({ f: { ...f, start, end }, order: a.order });
        } else out.push({ f, order: a.order });
      }
    }
  }

  return {
    types,
    inspect(text: string): Finding[] {
      if (text.length === 0 || active.length === 0) return [];
      const candidates: Ranked[] = [];
      collect(text, null, candidates);
      // Disguised values (zero-width, full-width, exotic spaces, wrapped numbers): detectors also
      // run on each normalized view, and its findings are mapped back to the original offsets.
      // `mayNeedNormalization` is a cheap superset check that spares ordinary text the precise one.
      if (mayNeedNormalization(text)) for (const view of viewsForMatching(text)) collect(view.text, view, candidates);
      return resolveOverlaps(candidates);
    },
  };
}

interface Ranked { f: Finding; order: number }

/** Higher score, then longer span, then earlier detector, then earlier start. */
function better(a: Ranked, b: Ranked): number {
  return (
    b.f.score - a.f.score ||
    (b.f.end - b.f.start) - (a.f.end - a.f.start) ||
    a.order - b.order ||
    a.f.start - b.f.start
  );
}

/** One finding per span, sorted by start. Greedy by rank, O(n log n) plus the covered length. */
function resolveOverlaps(candidates: Ranked[]): Finding[] {
  if (candidates.length === 0) return [];
  const byStart = [...candidates].sort((a, b) => a.f.start - b.f.start || better(a, b));
  let overlap = false;
  for (let i = 1; i < byStart.length; i++) {
    if (byStart[i]!.f.start < byStart[i - 1]!.f.end) { overlap = true; break; }
  }
  if (!overlap) return byStart.map((r) => ({ ...r.f }));

  const ranked = [...candidates].sort(better);
  // Accepted spans are disjoint; keep them sorted by start and binary-search the neighbours.
  const accStart: number[] = [];
  const accEnd: number[] = [];
  const accepted: Finding[] = [];
  for (const r of ranked) {
    const { start, end } = r.f;
    let lo = 0, hi = accStart.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (accStart[mid]! < start) lo = mid + 1; else hi = mid; }
    // lo = first accepted span starting at or after `start`.
    if (lo < accStart.length && accStart[lo]! < end) continue;
    if (lo > 0 && accEnd[lo - 1]! > start) continue;
    accStart.splice(lo, 0, start);
    accEnd.splice(lo, 0, end);
    accepted.splice(lo, 0, { ...r.f });
  }
  return accepted;
}
