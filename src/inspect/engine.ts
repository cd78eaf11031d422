/**
 * @module inspect/engine
 * Turns a policy's detection part (rules, dictionaries, custom patterns) into an `Inspector`: the
 * one function the pipeline calls on every text. It picks the detectors the policy switches on,
 * reads each text once for the cues they share (`cue-scan.ts`: every detector's keyword
 * prefilter and, for detectors that ask, where their keywords end; the number clusters; the
 * disguise hints), runs the detectors whose keywords occurred, drops findings under each type's
 * minimum score and resolves overlaps so every character belongs to at most one finding.
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
import { compileCueScanner, type Cues } from './cue-scan.ts';

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

  // Every detector's keyword prefilter, the number clusters and the disguise hints, found for all
  // of them in one pass per text. Dictionaries and custom patterns need none of it: an inspector
  // made of those alone skips the pass.
  // Only the lists that can hit go to the cue pass (about twenty of the seventy keyword and hint
  // slots): V8 allocates a typed array over 64 bytes outside its heap, and the pass's `hits` for
  // all seventy cost as much as scanning a short text.
  const cueLists: (readonly string[])[] = [];
  /** Per detector: its keyword list's index in the cue pass's hits, -1 if it is not gated. */
  const hitAt = detectors.map(() => -1);
  // Lists whose keyword ends the pass records come first: the pass records for the first few.
  /** Each recording detector's keyword list, by identity, to its list in the cue pass. */
  const recordLists = new Map<readonly string[], number>();
  for (const [order, d] of detectors.entries()) {
    if (d.keywordPositions !== true || !hasKeywords(d)) continue;
    hitAt[order] = cueLists.push(d.keywords!) - 1;
    recordLists.set(d.keywords!, hitAt[order]!);
  }
  const record = cueLists.length;
  for (const [order, d] of detectors.entries()) if (hitAt[order] === -1 && hasKeywords(d)) hitAt[order] = cueLists.push(d.keywords!) - 1;
  /** Each detector's hint list, by identity, to its list in the cue pass. */
  const hintLists = new Map<readonly string[], number>();
  for (const d of detectors) {
    if (d.hints !== undefined && d.hints.length > 0 && !hintLists.has(d.hints)) hintLists.set(d.hints, cueLists.push(d.hints) - 1);
  }
  const cueScanner = hitAt.some((h) => h >= 0) || detectors.some((d) => builtins.includes(d))
    ? compileCueScanner(cueLists, { record })
    : undefined;
  const types = new Set<string>();
  for (const d of detectors) for (const t of d.types) if (minScore.has(t)) types.add(t);

  /** Runs every active detector on `text` (the original or a view of it) into `out`, in original offsets. */
  function collect(text: string, view: NormalizedView | null, out: Ranked[]): Cues | undefined {
    const cues = cueScanner?.scan(text);
    const ctx = { scan: new TextScan(text, cues, hintLists, recordLists) };
    const hits = cues?.hits;
    for (let order = 0; order < detectors.length; order++) {
      const detector = detectors[order]!;
      const at = hitAt[order]!;
      if (hits !== undefined && at >= 0 && hits[at] === 0) continue;
      let found: Finding[];
      try {
        found = detector.detect(text, ctx);
      } catch {
        // A detector bug must not leak the text via its message; the pipeline decides
        // fail-open/closed from this error, so name only the detector.
        throw new Error(`detector '${detector.id}' failed`);
      }
      for (const f of found) {
        const min = minScore.get(f.type);
        if (min === undefined || !(f.score >= min)) continue;
        if (!(Number.isInteger(f.start) && Number.isInteger(f.end) && f.start >= 0 && f.end <= text.length && f.start < f.end)) continue;
        if (view) {
          const [start, end] = view.toOriginal(f.start, f.end);
          out.push({ f: { ...f, start, end }, order });
        } else out.push({ f, order });
      }
    }
    return cues;
  }

  return {
    types,
    inspect(text: string): Finding[] {
      if (text.length === 0 || detectors.length === 0) return [];
      const candidates: Ranked[] = [];
      const cues = collect(text, null, candidates);
      // Disguised values (zero-width, full-width, exotic spaces, wrapped numbers): detectors also
      // run on each normalized view, and its findings are mapped back to the original offsets.
      // `mayNeedNormalization` is a cheap superset check that spares ordinary text the precise one.
      if (mayNeedNormalization(text, cues)) {
        for (const view of viewsForMatching(text, cues !== undefined && !cues.outside)) collect(view.text, view, candidates);
      }
      return resolveOverlaps(candidates);
    },
  };
}

interface Ranked { f: Finding; order: number }

/** A detector gated by keywords: at least one non-empty keyword (an empty list gates nothing). */
function hasKeywords(d: Detector): boolean {
  return d.keywords !== undefined && d.keywords.some((k) => k.length > 0);
}

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
  // Most texts yield no finding or one; neither needs a sort.
  if (candidates.length === 0) return [];
  if (candidates.length === 1) return [{ ...candidates[0]!.f }];
  // `candidates` belongs to this one `inspect` call, so it is sorted in place (no copies).
  candidates.sort(byStart);
  let overlap = false;
  for (let i = 1; i < candidates.length; i++) {
    if (candidates[i]!.f.start < candidates[i - 1]!.f.end) { overlap = true; break; }
  }
  if (!overlap) return candidates.map((r) => ({ ...r.f }));

  const ranked = candidates.sort(better);
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

/** Earlier start first; among equal starts, the better one first. */
function byStart(a: Ranked, b: Ranked): number {
  return a.f.start - b.f.start || better(a, b);
}
