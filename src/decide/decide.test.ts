import { describe, expect, it } from 'vitest';
import { decide, describeBlock } from './decide.ts';
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
