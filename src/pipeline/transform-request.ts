/**
 * @module pipeline/transform-request
 * For a `redact` decision: replaces the spans whose rule says redact, in every slot, through one
 * pseudonym session so the same value gets the same placeholder everywhere in the request.
 * Slots that must go upstream as written (`rewritable: false`) are never written back; the decide
 * stage has already escalated any request with a `redact` finding in one, and a last check
 * refuses the request should a replaced value still be in one.
 */
import type { RedactMethod } from '../config/policy-schema.ts';
import type { LoadedPolicy } from '../config/policy-load.ts';
import type { JsonObject, ParsedRequest } from '../dialects/types.ts';
import type { Dialect } from '../dialects/types.ts';
import type { PseudonymSession } from '../transform/pseudonymizer.ts';
import { isVeilError, VeilError } from '../util/errors.ts';
import type { Inspection } from './inspect-request.ts';

export async function redactRequest(
  dialect: Dialect,
  req: ParsedRequest,
  inspection: Inspection,
  policy: LoadedPolicy,
  session: PseudonymSession,
): Promise<JsonObject> {
  const rules = policy.doc.rules;
  // Bound, not a named arrow: under tsx (esbuild keep-names) an arrow built per request costs a `__name` call.
  const methodOf = methodIn.bind(null, rules);
  const hasFixed = req.slots.some((s) => s.rewritable === false);
  try {
    const texts: string[] = [];
    // Sequential, in document order: placeholder collision handling is then deterministic, so
    // the same history gives the same placeholders on every turn.
    for (const [i, slot] of req.slots.entries()) {
      if (slot.rewritable === false) continue;
      const spans = inspection.perSlot[i]!.filter((f) => rules[f.type]?.action === 'redact');
      texts.push(spans.length ? await session.apply(slot.text, spans, methodOf) : slot.text);
    }
    if (!hasFixed) return dialect.withTexts(req, sweepKnownValues(texts, session.reverse));
    if (req.slots.some((s) => s.rewritable === false && holdsAny(s.text, session.reverse))) {
      throw new VeilError('inspection_failed', 'Veil could not redact this request: a name or pattern it cannot rewrite holds a value it replaces elsewhere. It was not forwarded.');
    }
    return dialect.withTexts({ ...req, slots: req.slots.filter((s) => s.rewritable !== false) }, sweepKnownValues(texts, session.reverse));
  } catch (e) {
    if (isVeilError(e)) throw e;
    // Fail closed: never forward the original text because its replacement failed.
    throw new VeilError('inspection_failed', 'Veil could not redact this request, so it was not forwarded.');
  }
}

/** Whether `text` contains a value the sweep would replace (same length floor as the sweep). */
function holdsAny(text: string, reverse: ReadonlyMap<string, string>): boolean {
  for (const value of reverse.values()) if (value.length >= 2 && text.includes(value)) return true;
  return false;
}

function methodIn(rules: LoadedPolicy['doc']['rules'], type: string): RedactMethod {
  return rules[type]?.method ?? 'mask';
}

/**
 * Second pass: a value pseudonymized anywhere in the request is replaced everywhere, even where a
 * context-dependent detector missed it (a name found after "Dear" in one message, bare in the
 * next). Longest values first, so a value that contains another is replaced whole.
 */
export function sweepKnownValues(texts: string[], reverse: ReadonlyMap<string, string>): string[] {
  if (reverse.size === 0) return texts;
  const pairs = [...reverse].filter(([, value]) => value.length >= 2).sort((a, b) => b[1].length - a[1].length);
  return texts.map((text) => {
    let out = text;
    for (const [placeholder, value] of pairs) {
      if (out.includes(value)) out = out.split(value).join(placeholder);
    }
    return out;
  });
}
