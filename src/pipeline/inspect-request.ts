/**
 * @module pipeline/inspect-request
 * Runs the policy's inspector over every text slot of a request. Fails closed: if the inspector
 * throws, the request is refused unless the policy explicitly sets `fail_open: true`.
 */
import type { LoadedPolicy } from '../config/policy-load.ts';
import type { ParsedRequest } from '../dialects/types.ts';
import { inspectSlots } from '../inspect/across-slots.ts';
import type { Finding } from '../inspect/types.ts';
import { VeilError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';

export interface Inspection {
  /** Findings per slot, same order as `req.slots`. */
  perSlot: Finding[][];
  /** True when inspection failed and the policy chose to fail open. */
  failedOpen: boolean;
}

export function inspectRequest(req: ParsedRequest, policy: LoadedPolicy, log: Logger, requestId: string): Inspection {
  try {
    // Seams between consecutive messages too: a value split over two messages is still found.
    return { perSlot: inspectSlots(policy.inspector, req.slots), failedOpen: false };
  } catch (e) {
    // The error's message could quote input text; log only its type.
    log.log('error', 'inspection failed', { requestId, policy: policy.doc.id, error: (e as Error)?.name ?? 'unknown' });
    if (policy.doc.fail_open) return { perSlot: req.slots.map(() => []), failedOpen: true };
    throw new VeilError('inspection_failed', 'Veil could not inspect this request, so it was not forwarded (policy fails closed).');
  }
}

/**
 * The output guard's inspector, with the same failure rule as the request: a throw refuses the
 * answer (never releases it unguarded) unless the policy fails open.
 */
export function answerInspector(policy: LoadedPolicy, log: Logger, requestId: string): (text: string) => Finding[] {
  return (text) => {
    try {
      return policy.outputInspector.inspect(text);
    } catch (e) {
      log.log('error', 'answer inspection failed', { requestId, policy: policy.doc.id, error: (e as Error)?.name ?? 'unknown' });
      if (policy.doc.fail_open) return [];
      throw new VeilError('inspection_failed', 'Veil could not inspect the answer, so it was withheld (policy fails closed).');
    }
  };
}

/**
 * Refuses a request whose model name holds something the policy detects (an e-mail, a card…):
 * the name is forwarded as is and written to the audit log, so it cannot be redacted — only
 * refused. Throws VeilError('invalid_request'), naming no value. Also fails closed if the
 * inspector throws, unless the policy fails open.
 */
export function rejectSensitiveModelName(model: string, policy: LoadedPolicy, log: Logger, requestId: string): void {
  const clean = cleanModelNames(policy.inspector);
  if (clean.has(model)) return;
  let findings: Finding[];
  try {
    findings = policy.inspector.inspect(model);
  } catch (e) {
    log.log('error', 'inspection failed', { requestId, policy: policy.doc.id, error: (e as Error)?.name ?? 'unknown' });
    if (policy.doc.fail_open) return;
    throw new VeilError('inspection_failed', 'Veil could not inspect this request, so it was not forwarded (policy fails closed).');
  }
  if (findings.length > 0) {
    throw new VeilError('invalid_request', `The model name contains data the policy treats as sensitive (${[...new Set(findings.map((f) => f.type))].join(', ')}); it was not forwarded.`);
  }
  if (model.length <= MAX_CACHED_NAME) {
    if (clean.size >= MAX_CLEAN_NAMES) clean.clear();
    clean.add(model);
  }
}

/**
 * Model names an inspector found nothing in. Clients send the same few names on every request
 * and an inspector is a pure function of its compiled policy, so a name is inspected once per
 * policy version instead of on every request. Keyed by the inspector object: a new policy
 * version compiles a new one and starts empty. Only clean names are kept; a name with a finding
 * is inspected (and refused) every time. Bounded: cleared when full, so a client cycling through
 * made-up names costs memory for at most `MAX_CLEAN_NAMES` of them.
 */
const cleanByInspector = new WeakMap<object, Set<string>>();
const MAX_CLEAN_NAMES = 256;
const MAX_CACHED_NAME = 200;

function cleanModelNames(inspector: object): Set<string> {
  let s = cleanByInspector.get(inspector);
  if (!s) cleanByInspector.set(inspector, (s = new Set()));
  return s;
}
