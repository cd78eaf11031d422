/** @module inspect/detectors/pii — the pii detectors, in the order the registry lists them. */
import type { Detector } from '../../types.ts';

export const PII_DETECTORS: readonly Detector[] = [];
