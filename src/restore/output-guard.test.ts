import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../inspect/types.ts';
import { guardText, StreamOutputGuard } from './output-guard.ts';
import { chunk, chunkSizes } from './test-arbitraries.ts';

/** Stand-in for the detection engine: OpenAI-style keys. */
function inspect(text: string): Finding[] {
  return [...text.matchAll(/sk-[A-Za-z0-9]{20,}/g)].map((m) => ({
    type: 'SECRET',
    start: m.index,
    end: m.index + m[0].length,
    score: 0.9,
    detector: 'secret.test',
  }));
}

function streamed(text: string, sizes: readonly number[], holdBack: number): string {
  const g = new StreamOutputGuard(inspect, { holdBack });
  return chunk(text, sizes).map((c) => g.push(c)).join('') + g.flush();
}

const secret = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom('a', 'Z', '7', 'q', 'K'), minLength: min, maxLength: max }).map((s) => `sk-${s}`);
const prose = fc.string({ unit: fc.constantFrom('a', ' ', '\n', 's', 'k', '-', '.', '가', '😀'), maxLength: 40 });

describe('guardText', () => {
  it('masks every finding and keeps the rest', () => {
    const key = `sk-${'A1'.repeat(12)}`;
    expect(guardText(`use ${key} and ${key}.`, inspect)).toBe('use <SECRET_MASKED> and <SECRET_MASKED>.');
    expect(guardText('no secrets, sk-short', inspect)).toBe('no secrets, sk-short');
  });
});

describe('StreamOutputGuard', () => {
  it('equals guardText of the whole answer for every chunking when secrets fit the window', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(prose, secret(20, 60)), { maxLength: 6 }), prose, chunkSizes, fc.constantFrom(64, 100, 512), (parts, tail, sizes, hold) => {
        const text = parts.map(([p, s]) => `${p} ${s} `).join('') + tail;
        const out = streamed(text, sizes, hold);
        expect(out).toBe(guardText(text, inspect));
        for (const [, s] of parts) expect(out.includes(s.slice(0, 23))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('releases up to the last whitespace: only the unfinished word waits', () => {
    const g = new StreamOutputGuard(inspect, { holdBack: 16 });
    expect(g.push('Hello wor')).toBe('Hello ');
    expect(g.push('ld, and ')).toBe('world, and ');
    expect(g.push('sk-')).toBe('');
    expect(g.flush()).toBe('sk-');
  });

  it('holds an open PEM block until its END line', () => {
    const g = new StreamOutputGuard(inspect, { holdBack: 64 });
    expect(g.push('key:\n-----BEGIN PRIVATE KEY-----\nMIIB ')).toBe('key:\n');
    expect(g.push('AAAA\n-----END PRIVATE KEY----- done')).toBe('-----BEGIN PRIVATE KEY-----\nMIIB AAAA\n-----END PRIVATE KEY----- ');
  });

  it('bounds what it holds: a token longer than 8 × holdBack is released', () => {
    const g = new StreamOutputGuard(inspect, { holdBack: 4 });
    expect(g.push('x'.repeat(40))).toBe('x'.repeat(8));
    expect(g.flush()).toBe('x'.repeat(32));
  });

  it('masks a secret cut by the release point once, including the part released later', () => {
    const key = `sk-${'Q'.repeat(40)}`;
    const text = `x ${key} y`;
    // The window must cover what the inspector needs to recognise a key (23 chars here).
    for (const hold of [24, 30, 43]) {
      for (const sizes of [[1], [3], [7, 2]]) {
        expect(streamed(text, sizes, hold)).toBe('x <SECRET_MASKED> y');
      }
    }
  });

  it('masks the start of a secret longer than the window even when its tail cannot be recognised', () => {
    const key = `sk-${'abc123'.repeat(40)}`; // 243 chars, window 32
    const out = streamed(`k=${key}!`, [5], 32);
    expect(out.startsWith('k=<SECRET_MASKED>')).toBe(true);
    expect(out.includes(key.slice(0, 60))).toBe(false);
  });
});
