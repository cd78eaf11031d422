/** @module inspect/detectors/people — the people detectors, in the order the registry lists them. */
import type { Detector } from '../../types.ts';

export const PEOPLE_DETECTORS: readonly Detector[] = [];
