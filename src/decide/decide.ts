/**
 * @module decide/decide
 * Findings + policy → one decision for the request. Pure. The strictest action of any rule that
 * fired wins (block > local > redact > allow), so adding a rule can only make a request safer.
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

export interface Decision {
  action: Action;
  /** Every type that fired, strictest first; names rules, never values. */
  fired: FiredRule[];
  /** Entity type → count, for the audit record. */
  counts: Record<string, number>;
}

export function decide(findings: Iterable<Finding>, policy: Pick<PolicyDoc, 'rules'>): Decision {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.type] = (counts[f.type] ?? 0) + 1;
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
  return { action, fired, counts };
}

/** Human text for a block, naming the rule(s) — never the matched values. */
export function describeBlock(decision: Decision, policyId: string): string {
  const rules = decision.fired.filter((f) => f.action === 'block').map((f) => `${f.type} (${f.count})`);
  return `Request blocked by Veil policy '${policyId}': rule ${rules.join(', ')} matched. Remove the sensitive data and retry.`;
}
