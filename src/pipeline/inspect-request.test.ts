import { describe, expect, it } from 'vitest';
import type { LoadedPolicy } from '../config/policy-load.ts';
import type { Finding } from '../inspect/types.ts';
import { silentLogger } from '../util/log.ts';
import { rejectSensitiveModelName } from './inspect-request.ts';

/** A policy whose inspector finds an EMAIL wherever '@' appears and counts its calls. */
function policy(opts: { throws?: boolean } = {}) {
  const calls: string[] = [];
  const inspector = {
    types: new Set(['EMAIL']),
    inspect(text: string): Finding[] {
      calls.push(text);
      if (opts.throws) throw new Error('boom');
      const at = text.indexOf('@');
      return at < 0 ? [] : [{ type: 'EMAIL', start: 0, end: text.length, score: 1, detector: 'test' }];
    },
  };
  const p = { doc: { id: 'p', fail_open: false }, hash: 'h', source: '', inspector, outputInspector: inspector } as unknown as LoadedPolicy;
  return { p, calls };
}

describe('rejectSensitiveModelName', () => {
  it('inspects a clean name once per policy version, then trusts it', () => {
    const { p, calls } = policy();
    for (let i = 0; i < 5; i++) rejectSensitiveModelName('gpt-4o-mini', p, silentLogger, 'r');
    expect(calls).toEqual(['gpt-4o-mini']);
    // A new policy version has a new inspector: inspected again.
    const next = policy();
    rejectSensitiveModelName('gpt-4o-mini', next.p, silentLogger, 'r');
    expect(next.calls).toEqual(['gpt-4o-mini']);
  });

  it('refuses a sensitive name every time, naming the type and never the value', () => {
    const { p, calls } = policy();
    for (let i = 0; i < 3; i++) {
      expect(() => rejectSensitiveModelName('jane@corp.example', p, silentLogger, 'r')).toThrow(/EMAIL/);
      try {
        rejectSensitiveModelName('jane@corp.example', p, silentLogger, 'r');
      } catch (e) {
        expect(String((e as Error).message)).not.toContain('jane');
      }
    }
    expect(calls.length).toBe(6);
  });

  it('fails closed when the inspector throws, and remembers nothing from the failure', () => {
    const { p, calls } = policy({ throws: true });
    expect(() => rejectSensitiveModelName('gpt-4o', p, silentLogger, 'r')).toThrow(expect.objectContaining({ code: 'inspection_failed' }));
    expect(() => rejectSensitiveModelName('gpt-4o', p, silentLogger, 'r')).toThrow(expect.objectContaining({ code: 'inspection_failed' }));
    expect(calls.length).toBe(2);
  });

  it('stays bounded: past its size the memory starts over instead of growing', () => {
    const { p, calls } = policy();
    for (let i = 0; i < 300; i++) rejectSensitiveModelName(`model-${i}`, p, silentLogger, 'r');
    calls.length = 0;
    rejectSensitiveModelName('model-0', p, silentLogger, 'r');
    rejectSensitiveModelName('model-299', p, silentLogger, 'r');
    // model-0 was forgotten when the set was cleared at 256; model-299 is still remembered.
    expect(calls).toEqual(['model-0']);
  });
});
