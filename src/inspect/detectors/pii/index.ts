/**
 * @module inspect/detectors/pii — the structured PII detectors, in the order the registry lists
 * them. Adding one is a new file in this folder plus one line here. Order matters only as the
 * engine's last tie-breaker (equal score and length), so more specific detectors come first.
 */
import type { Detector } from '../../types.ts';
import { emailDetector } from './email.ts';
import { ibanDetector } from './iban.ts';
import { creditCardDetector } from './credit-card.ts';
import { krRrnDetector } from './kr-rrn.ts';
import { krFrnDetector } from './kr-frn.ts';
import { krCrnDetector } from './kr-crn.ts';
import { krBrnDetector } from './kr-brn.ts';
import { krDriverLicenseDetector } from './kr-driver-license.ts';
import { krPassportDetector } from './kr-passport.ts';
import { krHealthInsuranceDetector } from './kr-health-insurance.ts';
import { krBankAccountDetector } from './kr-bank-account.ts';
import { usSsnDetector } from './us-ssn.ts';
import { krPhoneDetector } from './phone-kr.ts';
import { nanpPhoneDetector } from './phone-nanp.ts';
import { intlPhoneDetector } from './phone-intl.ts';
import { ipAddressDetector } from './ip-address.ts';

export const PII_DETECTORS: readonly Detector[] = [
  emailDetector,
  ibanDetector,
  creditCardDetector,
  krRrnDetector,
  krFrnDetector,
  krCrnDetector,
  krBrnDetector,
  krDriverLicenseDetector,
  krPassportDetector,
  krHealthInsuranceDetector,
  krBankAccountDetector,
  usSsnDetector,
  krPhoneDetector,
  nanpPhoneDetector,
  intlPhoneDetector,
  ipAddressDetector,
];
