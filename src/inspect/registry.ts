/**
 * @module inspect/registry
 * The built-in detector catalogue: every detector Veil ships, in one list. The order matters only
 * as the last tie-breaker when two findings overlap with equal score and length (earlier wins).
 * Which of them run is decided per policy by `engine.ts` (a detector runs iff a rule names one of
 * its types).
 */
import type { Detector } from './types.ts';
import { PII_DETECTORS } from './detectors/pii/index.ts';
import { SECRET_DETECTORS } from './detectors/secrets/index.ts';
import { PEOPLE_DETECTORS } from './detectors/people/index.ts';

export const BUILTIN_DETECTORS: readonly Detector[] = [
  ...SECRET_DETECTORS,
  ...PII_DETECTORS,
  ...PEOPLE_DETECTORS,
];

/** Every entity type some built-in detector can emit (policy loading uses it to flag typos). */
export function builtinTypes(): Set<string> {
  const out = new Set<string>();
  for (const d of BUILTIN_DETECTORS) for (const t of d.types) out.add(t);
  return out;
}
