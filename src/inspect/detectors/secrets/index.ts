/** @module inspect/detectors/secrets — the secrets detectors, in the order the registry lists them. */
import type { Detector } from '../../types.ts';
import { anthropicKey } from './anthropic.ts';
import { awsAccessKey } from './aws-access-key.ts';
import { awsSecretKey } from './aws-secret.ts';
import { cliCredentials } from './cli-credentials.ts';
import { dbUrl } from './db-url.ts';
import { genericSecret } from './generic.ts';
import { githubToken } from './github.ts';
import { googleApiKey } from './google-api.ts';
import { jwtToken } from './jwt.ts';
import { openaiKey } from './openai.ts';
import { passwordAssignment } from './password-assignment.ts';
import { privateKey } from './private-key.ts';
import { slackToken } from './slack.ts';
import { stripeKey } from './stripe.ts';
import { urlCredentials } from './url-credentials.ts';

// Specific vendor rules first; the generic rule last so that overlap resolution, which keeps
// the higher score, prefers a named vendor finding over the generic one for the same span.
export const SECRET_DETECTORS: readonly Detector[] = [
  privateKey,
  openaiKey,
  anthropicKey,
  awsAccessKey,
  awsSecretKey,
  githubToken,
  slackToken,
  stripeKey,
  googleApiKey,
  jwtToken,
  dbUrl,
  urlCredentials,
  cliCredentials,
  passwordAssignment,
  genericSecret,
];
