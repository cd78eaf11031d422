import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestingExceeds, readJsonBody } from './body.ts';

const req = (body: string) => new Request('http://x/', { method: 'POST', body });

describe('nestingExceeds', () => {
  it('counts brackets outside strings only, escapes included', () => {
    expect(nestingExceeds('[[[1]]]', 3)).toBe(false);
    expect(nestingExceeds('[[[[1]]]]', 3)).toBe(true);
    expect(nestingExceeds('{"a":"[[[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(nestingExceeds('[{"a":[{}]}]', 4)).toBe(false);
    expect(nestingExceeds('[{"a":[{}]}]', 3)).toBe(true);
  });
});

describe('readJsonBody', () => {
  it('refuses nesting beyond MAX_JSON_DEPTH as invalid_json, accepts it at the limit', async () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    await expect(readJsonBody(req(deep(MAX_JSON_DEPTH)), 1 << 20)).resolves.toBeDefined();
    await expect(readJsonBody(req(deep(MAX_JSON_DEPTH + 1)), 1 << 20)).rejects.toMatchObject({ code: 'invalid_json' });
    await expect(readJsonBody(req(deep(100_000)), 1 << 20)).rejects.toMatchObject({ code: 'invalid_json' });
  });
});

describe('nestingExceeds with few openers (the indexOf shortcut)', () => {
  it('answers like the full scan whether the openers are many, few, or inside strings', () => {
    const fullScan = (text: string, max: number) => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '[' || c === '{') {
          if (++depth > max) return true;
        } else if (c === ']' || c === '}') depth--;
      }
      return false;
    };
    const cases = [
      '{"a":[1,2,{"b":[3]}]}',
      '[[[[' + '1' + ']]]]',
      '{"s":"[[[[[[[[[[[["}',
      '[{},{},{},{},{},{}]',
      '{'.repeat(6) + '}'.repeat(6),
      '[' + '"x",'.repeat(50) + '[[[1]]]]',
    ];
    for (const text of cases) for (const max of [0, 1, 2, 3, 4, 5, 6, 10]) expect(nestingExceeds(text, max), `${text} @${max}`).toBe(fullScan(text, max));
  });
});
