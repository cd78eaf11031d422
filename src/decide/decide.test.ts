import { describe, expect, it } from 'vitest';
import { decide, describeBlock, type FixedFinding } from './decide.ts';
import type { Finding } from '../inspect/types.ts';

const f = (type: string): Finding => ({ type, start: 0, end: 1, score: 1, detector: 't' });
const policy = {
  rules: {
    EMAIL: { action: 'redact', method: 'pseudonymize', min_score: 0.5 },
    KR_RRN: { action: 'local', method: 'pseudonymize', min_score: 0.5 },
    PRIVATE_KEY: { action: 'block', method: 'pseudonymize', min_score: 0.5 },
    IP_ADDRESS: { action: 'allow', method: 'pseudonymize', min_score: 0.5 },
  },
} as const;

describe('decide', () => {
  it('allows a request with no findings', () => {
    expect(decide([], policy)).toEqual({ action: 'allow', fired: [], counts: {} });
  });
  it('picks the strictest action: block > local > redact > allow', () => {
    expect(decide([f('EMAIL'), f('IP_ADDRESS')], policy).action).toBe('redact');
    expect(decide([f('EMAIL'), f('KR_RRN')], policy).action).toBe('local');
    expect(decide([f('KR_RRN'), f('PRIVATE_KEY'), f('EMAIL')], policy).action).toBe('block');
  });
  it('counts per type and orders fired rules strictest first', () => {
    const d = decide([f('EMAIL'), f('EMAIL'), f('PRIVATE_KEY')], policy);
    expect(d.counts).toEqual({ EMAIL: 2, PRIVATE_KEY: 1 });
    expect(d.fired.map((x) => x.type)).toEqual(['PRIVATE_KEY', 'EMAIL']);
  });
  it('describes a block by rule name and count only', () => {
    const msg = describeBlock(decide([f('PRIVATE_KEY')], policy), 'default');
    expect(msg).toContain("policy 'default'");
    expect(msg).toContain('PRIVATE_KEY (1)');
  });
});

describe('decide: findings in strings that cannot be rewritten', () => {
  const pinned = (type: string, location = 'a tool schema property name'): FixedFinding => ({ ...f(type), location });
  const noLocal = { rules: { EMAIL: policy.rules.EMAIL, PRIVATE_KEY: policy.rules.PRIVATE_KEY, IP_ADDRESS: policy.rules.IP_ADDRESS } };

  it('escalates a redact to local when the policy keeps some data on-premises', () => {
    const d = decide([f('EMAIL'), pinned('EMAIL')], policy);
    expect(d.action).toBe('local');
    expect(d.unredactable).toEqual([{ location: 'a tool schema property name', type: 'EMAIL', count: 1 }]);
    // The audit still counts every finding, both places.
    expect(d.counts).toEqual({ EMAIL: 2 });
  });

  it('escalates to block when the policy has no local rule, and the message names place and type, never a value', () => {
    const d = decide([pinned('EMAIL'), pinned('EMAIL'), pinned('EMAIL', 'a structured-output schema pattern')], noLocal);
    expect(d.action).toBe('block');
    expect(d.counts).toEqual({ EMAIL: 3 });
    const msg = describeBlock(d, 'strict');
    expect(msg).toContain("policy 'strict'");
    expect(msg).toContain('a tool schema property name contains EMAIL (2)');
    expect(msg).toContain('a structured-output schema pattern contains EMAIL (1)');
    expect(msg).not.toContain('rule  matched');
  });

  it('changes nothing for allow rules, or when the request is already local or blocked', () => {
    expect(decide([pinned('IP_ADDRESS')], noLocal)).toEqual({ action: 'allow', fired: [{ type: 'IP_ADDRESS', action: 'allow', count: 1 }], counts: { IP_ADDRESS: 1 } });
    expect(decide([pinned('EMAIL'), f('KR_RRN')], policy).action).toBe('local');
    const blocked = decide([pinned('EMAIL'), f('PRIVATE_KEY')], noLocal);
    expect(blocked.action).toBe('block');
    // A rule that blocks is named, as for any block.
    expect(describeBlock(blocked, 'strict')).toContain('rule PRIVATE_KEY (1) matched');
  });

  it('redacts as before when the rewritable text alone has findings', () => {
    expect(decide([f('EMAIL'), pinned('IP_ADDRESS')], noLocal)).toMatchObject({ action: 'redact', counts: { EMAIL: 1, IP_ADDRESS: 1 } });
    expect(decide([f('EMAIL')], noLocal).unredactable).toBeUndefined();
  });
});
