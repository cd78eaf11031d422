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
