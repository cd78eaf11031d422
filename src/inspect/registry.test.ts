import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BUILTIN_DETECTORS, builtinTypes } from './registry.ts';

describe('registry', () => {
  it('has unique detector ids and UPPER_SNAKE types', () => {
    const ids = BUILTIN_DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of builtinTypes()) expect(t).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('lists every built-in type from the detectors', () => {
    const types = builtinTypes();
    for (const d of BUILTIN_DETECTORS) for (const t of d.types) expect(types.has(t)).toBe(true);
  });

  it('every registered detector is documented in docs/detectors.md', () => {
    const doc = readFileSync(new URL('../../docs/detectors.md', import.meta.url), 'utf8');
    const missing = BUILTIN_DETECTORS.map((d) => d.id).filter((id) => !doc.includes('`' + id + '`'));
    expect(missing).toEqual([]);
  });
});
