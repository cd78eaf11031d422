/**
 * @module pipeline/transform-request
 * For a `redact` decision: replaces the spans whose rule says redact, in every slot, through one
 * pseudonym session so the same value gets the same placeholder everywhere in the request.
 */
import type { LoadedPolicy } from '../config/policy-load.ts';
import type { JsonObject, ParsedRequest } from '../dialects/types.ts';
import type { Dialect } from '../dialects/types.ts';
import type { PseudonymSession } from '../transform/pseudonymizer.ts';
import { VeilError } from '../util/errors.ts';
import type { Inspection } from './inspect-request.ts';

export async function redactRequest(
  dialect: Dialect,
  req: ParsedRequest,
  inspection: Inspection,
  policy: LoadedPolicy,
  session: PseudonymSession,
): Promise<JsonObject> {
  const rules = policy.doc.rules;
  const methodOf = (type: string) => rules[type]?.method ?? 'mask';
  try {
    const texts: string[] = [];
    // Sequential, in document order: placeholder collision handling is then deterministic, so
    // the same history gives the same placeholders on every turn.
    for (const [i, slot] of req.slots.entries()) {
      const spans = inspection.perSlot[i]!.filter((f) => rules[f.type]?.action === 'redact');
      texts.push(spans.length ? await session.apply(slot.text, spans, methodOf) : slot.text);
    }
    return dialect.withTexts(req, texts);
  } catch {
    // Fail closed: never forward the original text because its replacement failed.
    throw new VeilError('inspection_failed', 'Veil could not redact this request, so it was not forwarded.');
  }
}
