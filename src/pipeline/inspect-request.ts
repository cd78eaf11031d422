/**
 * @module pipeline/inspect-request
 * Runs the policy's inspector over every text slot of a request. Fails closed: if the inspector
 * throws, the request is refused unless the policy explicitly sets `fail_open: true`.
 *
 * Slots that must go upstream as written (`rewritable: false`: a schema's property names and
 * patterns) are inspected one by one, not joined at seams (a name is not prose split over two
 * messages), and their findings carry the slot's `location` so the decide stage knows they cannot
 * be redacted. Such a slot is also searched for every value that a `redact` rule will replace
 * elsewhere in the request: the transform stage's sweep (`sweepKnownValues`) would replace it
 * there even where no detector fired, but cannot rewrite a name, so it must count as a finding.
 */
import type { LoadedPolicy } from '../config/policy-load.ts';
import type { FixedFinding } from '../decide/decide.ts';
import type { ParsedRequest, TextSlot } from '../dialects/types.ts';
import { inspectSlots } from '../inspect/across-slots.ts';
import type { Inspector } from '../inspect/engine.ts';
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
    return { perSlot: inspectAll(policy, req.slots), failedOpen: false };
  } catch (e) {
    // The error's message could quote input text; log only its type.
    log.log('error', 'inspection failed', { requestId, policy: policy.doc.id, error: (e as Error)?.name ?? 'unknown' });
    if (policy.doc.fail_open) return { perSlot: req.slots.map(() => []), failedOpen: true };
    throw new VeilError('inspection_failed', 'Veil could not inspect this request, so it was not forwarded (policy fails closed).');
  }
}

function inspectAll(policy: LoadedPolicy, slots: readonly TextSlot[]): Finding[][] {
  // Most requests carry no schema: one pass, as before.
  if (!slots.some((s) => s.rewritable === false)) return inspectSlots(policy.inspector, slots);
  const open = slots.filter((s) => s.rewritable !== false);
  const openFindings = inspectSlots(policy.inspector, open);
  const known = redactedValues(open, openFindings, policy.doc.rules);
  let k = 0;
  return slots.map((s) => (s.rewritable === false ? inspectFixed(policy.inspector, s.text, s.location, known) : openFindings[k++]!));
}

/** Value → the finding that will have it replaced, for every `redact` finding of the rewritable slots. */
function redactedValues(slots: readonly TextSlot[], perSlot: readonly Finding[][], rules: LoadedPolicy['doc']['rules']): Map<string, Finding> {
  const known = new Map<string, Finding>();
  perSlot.forEach((findings, i) => {
    for (const f of findings) {
      if (rules[f.type]?.action !== 'redact') continue;
      const value = slots[i]!.text.slice(f.start, f.end);
      // The sweep ignores one-character values too.
      if (value.length >= 2 && !known.has(value)) known.set(value, f);
    }
  });
  return known;
}

function inspectFixed(inspector: Inspector, text: string, location: string, known: ReadonlyMap<string, Finding>): FixedFinding[] {
  const clean = cleanNames(inspector, cleanFixedByInspector);
  let found: FixedFinding[] = [];
  if (!clean.has(text)) {
    found = inspector.inspect(text).map((f) => ({ ...f, location }));
    if (found.length === 0 && text.length <= MAX_CACHED_NAME) {
      if (clean.size >= MAX_CLEAN_FIXED) clean.clear();
      clean.add(text);
    }
  }
  for (const [value, f] of known) {
    const start = text.indexOf(value);
    if (start < 0) continue;
    const end = start + value.length;
    // Counted once: a detector that found it here already (same type) has made it a finding.
    if (!found.some((g) => g.type === f.type && g.start < end && start < g.end)) found.push({ ...f, start, end, location });
  }
  return found;
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
  const clean = cleanNames(policy.inspector, cleanByInspector);
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
 *
 * Schema names and patterns the same way: an agent sends the same tools on every turn, and
 * their property names would otherwise cost one inspection each per request. Only the detector
 * pass is skipped; the search for values redacted elsewhere in the request runs every time.
 */
const cleanByInspector = new WeakMap<object, Set<string>>();
const cleanFixedByInspector = new WeakMap<object, Set<string>>();
const MAX_CLEAN_NAMES = 256;
const MAX_CLEAN_FIXED = 4096;
const MAX_CACHED_NAME = 200;

function cleanNames(inspector: object, by: WeakMap<object, Set<string>>): Set<string> {
  let s = by.get(inspector);
  if (!s) by.set(inspector, (s = new Set()));
  return s;
}
