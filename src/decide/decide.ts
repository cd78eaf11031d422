/**
 * @module decide/decide
 * Findings + policy → one decision for the request. Pure. The strictest action of any rule that
 * fired wins (block > local > redact > allow), so adding a rule can only make a request safer.
 *
 * A finding can sit where redaction cannot reach: a string that must go upstream exactly as
 * written (a tool schema's property name or `pattern`, `TextSlot.rewritable: false`), marked by
 * its `location`. If its rule says `redact`, the request cannot be redacted, so a `redact`
 * decision escalates: to `local` when the policy keeps some data on-premises (it has a `local`
 * rule, so the organisation runs a local model for it), otherwise to `block`, whose message
 * names the location and type. Rules that say `allow` are unaffected; `local` and `block` never
 * send the request upstream anyway.
 *
 * @example
 * decide([{ type: 'EMAIL', ... }], policy.doc) // → { action: 'redact', fired: [{ type: 'EMAIL', action: 'redact', count: 1 }] }
 */
import { ACTION_RANK, type Action, type PolicyDoc } from '../config/policy-schema.ts';
import type { Finding } from '../inspect/types.ts';

export interface FiredRule {
  type: string;
  action: Action;
  count: number;
}

/** A finding in a string the request must carry as written; `location` names the place, never the value. */
export interface FixedFinding extends Finding {
  location: string;
}

/** Redact findings that could not be redacted, per location and type. */
export interface Unredactable {
  location: string;
  type: string;
  count: number;
}

export interface Decision {
  action: Action;
  /** Every type that fired, strictest first; names rules, never values. */
  fired: FiredRule[];
  /** Entity type → count, for the audit record. */
  counts: Record<string, number>;
  /** Set when a `redact` escalated because of these (see the module comment). */
  unredactable?: Unredactable[];
}

const isFixed = (f: Finding): f is FixedFinding => typeof (f as Partial<FixedFinding>).location === 'string';

export function decide(findings: Iterable<Finding>, policy: Pick<PolicyDoc, 'rules'>): Decision {
  const counts: Record<string, number> = {};
  let pinned: Map<string, Unredactable> | null = null;
  for (const f of findings) {
    counts[f.type] = (counts[f.type] ?? 0) + 1;
    if (isFixed(f) && policy.rules[f.type]?.action === 'redact') {
      const key = `${f.location}\0${f.type}`;
      const u = (pinned ??= new Map()).get(key);
      if (u) u.count++;
      else pinned.set(key, { location: f.location, type: f.type, count: 1 });
    }
  }
  const fired: FiredRule[] = [];
  let action: Action = 'allow';
  for (const [type, count] of Object.entries(counts)) {
    const rule = policy.rules[type];
    // A finding with no rule cannot occur for built-ins (detectors run only for ruled types),
    // but treat it as allow rather than guessing.
    const a: Action = rule?.action ?? 'allow';
    fired.push({ type, action: a, count });
    if (ACTION_RANK[a] > ACTION_RANK[action]) action = a;
  }
  fired.sort((x, y) => ACTION_RANK[y.action] - ACTION_RANK[x.action] || x.type.localeCompare(y.type));
  if (action !== 'redact' || pinned === null) return { action, fired, counts };
  const keepsLocal = Object.values(policy.rules).some((r) => r.action === 'local');
  return { action: keepsLocal ? 'local' : 'block', fired, counts, unredactable: [...pinned.values()] };
}

/** Human text for a block, naming the rule(s) or the place — never the matched values. */
export function describeBlock(decision: Decision, policyId: string): string {
  const rules = decision.fired.filter((f) => f.action === 'block').map((f) => `${f.type} (${f.count})`);
  if (rules.length === 0 && decision.unredactable) {
    const where = decision.unredactable.map((u) => `${u.location} contains ${u.type} (${u.count})`).join('; ');
    return `Request blocked by Veil policy '${policyId}': ${where}. The policy redacts that type, but Veil cannot rewrite a name or pattern without changing what it means, so nothing was sent. Rename or remove it and retry.`;
  }
  return `Request blocked by Veil policy '${policyId}': rule ${rules.join(', ')} matched. Remove the sensitive data and retry.`;
}
