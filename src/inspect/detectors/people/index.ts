/** @module inspect/detectors/people — the people detectors, in the order the registry lists them. */
import type { Detector } from '../../types.ts';
import { addressKr } from './address-kr.ts';
import { addressUs } from './address-us.ts';
import { personEn } from './person-en.ts';
import { personKo } from './person-ko.ts';

export const PEOPLE_DETECTORS: readonly Detector[] = [personKo, personEn, addressKr, addressUs];
