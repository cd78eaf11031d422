import { describe, expect, it } from 'vitest';
import { SECRET_DETECTORS } from './index.ts';

describe('SECRET_DETECTORS', () => {
  it('has unique ids, declared types and lower-case keywords for every rule', () => {
    const ids = SECRET_DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of SECRET_DETECTORS) {
      expect(d.id.startsWith('secret.')).toBe(true);
      expect(d.types.every((t) => ['SECRET', 'PRIVATE_KEY', 'PASSWORD'].includes(t))).toBe(true);
      expect(d.keywords?.length).toBeGreaterThan(0);
      for (const k of d.keywords ?? []) expect(k).toBe(k.toLowerCase());
    }
  });

  it('reports nothing on ordinary prose, code and identifiers', () => {
    const text = [
      'Lorem ipsum dolor sit amet, consectetur adipiscing elit. The key insight is simple.',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b (HEAD -> main)',
      'request 550e8400-e29b-41d4-a716-446655440000 took 32ms',
      'img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="',
      'const token = await getToken(); const apiKey = process.env.API_KEY;',
      'Set OPENAI_API_KEY=sk-... and ANTHROPIC_API_KEY=<your-key> before running.',
      'password: ******** (hidden)',
    ].join('\n');
    for (const d of SECRET_DETECTORS) expect(d.detect(text, {}), d.id).toEqual([]);
  });
});
