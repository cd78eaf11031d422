import { describe, expect, it } from 'vitest';
import { requestIds } from './request-id.ts';

describe('requestIds', () => {
  it('gives req_ + 24 hex digits, all distinct across several pool refills', () => {
    const next = requestIds();
    const ids = Array.from({ length: 2000 }, next);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws fresh bytes for every id (no two generators agree)', () => {
    const a = requestIds();
    const b = requestIds();
    expect(a()).not.toBe(b());
  });
});
