import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileInspector } from '../inspect/engine.ts';
import type { Finding } from '../inspect/types.ts';
import { guardText, OUTPUT_CONTEXT, StreamOutputGuard, type OutputInspector } from './output-guard.ts';
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

function streamed(text: string, sizes: readonly number[], holdBack: number, ins: OutputInspector = inspect): string {
  const g = new StreamOutputGuard(ins, { holdBack });
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

/** The output inspector a policy builds (credential types only), as the pipeline runs it. */
const engine = compileInspector({
  rules: { SECRET: { min_score: 0.5 }, PRIVATE_KEY: { min_score: 0.5 }, PASSWORD: { min_score: 0.5 } },
  dictionaries: [],
  patterns: [],
});
const realInspect: OutputInspector = (text) => engine.inspect(text);

/** Random characters from `alphabet`, from a seed: fast-check's own strings favour low-entropy runs, which detectors rightly ignore. */
function randomChars(seed: number, n: number, alphabet: string): string {
  let a = seed >>> 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    out += alphabet[a % alphabet.length];
  }
  return out;
}
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A planted credential: the text written into the answer, and the part that must never come out. */
const planted: fc.Arbitrary<{ text: string; value: string }> = fc
  .tuple(fc.nat(), fc.constantFrom('openai', 'github', 'aws', 'generic', 'password', 'pem'))
  .map(([seed, kind]) => {
    switch (kind) {
      case 'openai': {
        const v = `sk-proj-${randomChars(seed, 48, B62)}`;
        return { text: v, value: v };
      }
      case 'github': {
        const v = `ghp_${randomChars(seed, 36, B62)}`;
        return { text: v, value: v };
      }
      case 'aws': {
        const v = `AKIA${randomChars(seed, 16, 'ABCDEFGHJKLMNPQRSTUVWZ234567')}`;
        return { text: v, value: v };
      }
      case 'generic': {
        const v = randomChars(seed, 32, B62);
        return { text: `api_key = "${v}"`, value: v };
      }
      case 'password': {
        const v = `${randomChars(seed, 10, B62)}!7#`;
        return { text: `password: ${v}`, value: v };
      }
      default: {
        const body = randomChars(seed, 64, `${B62}+/`);
        const v = `${body.slice(0, 32)}\n${body.slice(32)}`;
        return { text: `-----BEGIN PRIVATE KEY-----\n${v}\n-----END PRIVATE KEY-----`, value: v };
      }
    }
  });
// No bare `password` among the words: `password is password: x` reads as a password `password:`
// in the whole text too (a detector limit, not a streaming one) and would trip the leak check.
const words = fc.array(fc.constantFrom('The', 'key', 'token', 'is', 'here:', 'secret', 'api', '감사합니다', '😀', '-', '"', 'sk-', 'use'), { maxLength: 30 });
const gap = fc.constantFrom(' ', '\n', '  ', ' \n');

describe('StreamOutputGuard with the real credential detectors', () => {
  it('streams exactly what guardText gives for the whole answer, for every chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(words, gap, planted, gap), { minLength: 1, maxLength: 5 }),
        words,
        chunkSizes,
        fc.constantFrom(64, 512),
        (parts, tail, sizes, hold) => {
          const text = parts.map(([w, g1, p, g2]) => `${w.join(' ')}${g1}${p.text}${g2}`).join('') + tail.join(' ');
          const whole = guardText(text, realInspect);
          expect(streamed(text, sizes, hold, realInspect)).toBe(whole);
          for (const [, , p] of parts) expect(whole.includes(p.value)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('still reads a label sent long before the value, up to the context it re-reads', () => {
    const value = 'Zq8vN2kLp4Rt7Wx9';
    // The label and the value arrive in separate chunks after a long released preamble.
    const text = `${'word '.repeat(200)}api_key = "${value}" ok`;
    const g = new StreamOutputGuard(realInspect, { holdBack: 512 });
    const out = [text.slice(0, 1010), text.slice(1010, 1014), text.slice(1014)].map((c) => g.push(c)).join('') + g.flush();
    expect(out).toBe(guardText(text, realInspect));
    expect(out.includes(value)).toBe(false);
  });

  it('inspects only the context and the new text at each release, not the whole window', () => {
    const seen: number[] = [];
    const counting: OutputInspector = (t) => {
      seen.push(t.length);
      return inspect(t);
    };
    const g = new StreamOutputGuard(counting, { holdBack: 512 });
    for (let i = 0; i < 400; i++) g.push('word ');
    g.flush();
    // Past the start every window is the re-read context (whole tokens) plus the new word.
    expect(Math.max(...seen.slice(100))).toBeLessThanOrEqual(OUTPUT_CONTEXT + 'word '.length * 2);
  });
});
