/** @module inspect/detectors/secrets — the secrets detectors, in the order the registry lists them. */
import type { Detector } from '../../types.ts';

export const SECRET_DETECTORS: readonly Detector[] = [];
