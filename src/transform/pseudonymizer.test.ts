import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedactMethod } from '../config/policy-schema.ts';
import type { Finding } from '../inspect/types.ts';
import { restoreText } from '../restore/restore-text.ts';
import { createKeyedDigest, type KeyedDigest } from './keyed-digest.ts';
import { base32 } from './placeholder.ts';
import { createPseudonymizer, normalizeSpans, pseudonymizerFromDigest } from './pseudonymizer.ts';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const pseudo = () => 'pseudonymize' as RedactMethod;
const PLACEHOLDER = /<[A-Z][A-Z0-9_]*_[0-9A-Z]{6,}>/g;

function finding(type: string, start: number, end: number): Finding {
  return { type, start, end, score: 1, detector: 'test' };
}

/** Builds a text from filler and planted values; returns the text and the findings of the values. */
function plant(fillers: string[], values: string[], picks: number[], typeOf: (v: number) => string) {
  let text = '';
  const findings: Finding[] = [];
  picks.forEach((vi, i) => {
    text += fillers[i % fillers.length];
    const v = values[vi % values.length]!;
    findings.push(finding(typeOf(vi % values.length), text.length, text.length + v.length));
    text += v;
  });
  return { text: text + (fillers[picks.length % fillers.length] ?? ''), findings };
}

// Filler never contains the marker characters every value carries, so "no planted value
// survives" is checkable by substring. Filler does contain near-miss placeholder fragments.
const filler = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', '\n', '<', '>', '_', 'EMAIL_', '<PERSON_', '1', ',', 'x', '<<'),
  maxLength: 12,
});
const marker = fc.constantFrom('@', '"', '\\', '.*', '+?', '()', '[]', '김민준', '😀', '${', '\\"');
const body = fc.string({ unit: fc.constantFrom('a', 'B', '9', '.', '-', '이', '👍🏽', ' ', '"', '\\', '$'), maxLength: 8 });
const baseValue = fc.tuple(body, marker, body).map(([a, m, b]) => a + m + b);
/** Values that are substrings of each other: a base and base-with-suffix variants. */
const values = fc
  .tuple(fc.uniqueArray(baseValue, { minLength: 1, maxLength: 6 }), fc.array(body, { maxLength: 3 }))
  .map(([bases, sufs]) => [...new Set([...bases, ...sufs.map((s, i) => bases[i % bases.length]! + s + '@')])]);
const TYPES = ['EMAIL', 'PERSON', 'KR_RRN'];

describe('pseudonymizer round trip', () => {
  it('apply then restoreText gives the original back and no planted value survives', async () => {
    const p = await createPseudonymizer({ secret: SECRET, scope: 'team-a' });
    await fc.assert(
      fc.asyncProperty(
        fc.array(filler, { minLength: 1, maxLength: 6 }),
        values,
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        async (fillers, vals, picks) => {
          const { text, findings } = plant(fillers, vals, picks, (v) => TYPES[v % 3]!);
          const s = p.session();
          const out = await s.apply(text, findings, pseudo);
          for (const v of vals) {
            if (picks.some((k) => vals[k % vals.length] === v)) expect(out.includes(v)).toBe(false);
          }
          expect(restoreText(out, s.reverse)).toBe(text);
          // Same value → one placeholder; different values → different placeholders.
          const used = new Set(picks.map((k) => k % vals.length));
          expect(s.size).toBe(used.size);
          expect(new Set(s.reverse.values()).size).toBe(used.size);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('uses the same placeholder for a value in every apply() of a session', async () => {
    const s = (await createPseudonymizer({ secret: SECRET, scope: 't' })).session();
    const v = 'kim@example.com';
    const a = await s.apply(`to ${v}`, [finding('EMAIL', 3, 3 + v.length)], pseudo);
    const b = await s.apply(`${v}!`, [finding('EMAIL', 0, v.length)], pseudo);
    expect(a.slice(3)).toBe(b.slice(0, -1));
    expect(a.slice(3)).toMatch(/^<EMAIL_[0-9A-Z]{6}>$/);
    expect(s.size).toBe(1);
  });
});

describe('stability across requests', () => {
  const vals = Array.from({ length: 30 }, (_, i) => `user${i}@example.com`);
  async function placeholders(secret: string, scope: string): Promise<string[]> {
    const s = (await createPseudonymizer({ secret, scope })).session();
    const out: string[] = [];
    for (const v of vals) out.push(await s.apply(v, [finding('EMAIL', 0, v.length)], pseudo));
    return out;
  }

  it('same secret and scope → same placeholders in a new session (next conversation turn)', async () => {
    expect(await placeholders(SECRET, 'team-a')).toEqual(await placeholders(SECRET, 'team-a'));
  });

  it('a different scope or secret gives unrelated placeholders', async () => {
    const a = await placeholders(SECRET, 'team-a');
    const b = await placeholders(SECRET, 'team-b');
    const c = await placeholders(SECRET + 'x', 'team-a');
    expect(a.filter((x, i) => x === b[i])).toEqual([]);
    expect(a.filter((x, i) => x === c[i])).toEqual([]);
  });

  it('never gives two different values one placeholder, even with many values', async () => {
    const p = await createPseudonymizer({ secret: SECRET, scope: 'team-a' });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 50, maxLength: 400 }), async (vs) => {
        const s = p.session();
        const text = vs.join('');
        let at = 0;
        const fs = vs.map((v) => finding('PERSON', at, (at += v.length)));
        const out = await s.apply(text, fs, pseudo);
        expect(s.size).toBe(vs.length);
        expect(out.match(PLACEHOLDER)).toHaveLength(vs.length);
        expect(new Set(out.match(PLACEHOLDER)).size).toBe(vs.length);
      }),
      { numRuns: 15 },
    );
  });
});

/** The session's two digest paths: an async-only digest (digests first) and a synchronous one (on demand). */
const DIGEST_MODES = ['async', 'sync'] as const;

/** Digest stub: the tag is whatever Crockford string the test asks for, per value. */
function stubDigest(tagOf: (value: string) => string, mode: (typeof DIGEST_MODES)[number] = 'async'): KeyedDigest {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytesOf = (value: string) => {
    const chars = tagOf(value).padEnd(52, '0');
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 256; i++) {
      const bit = (alphabet.indexOf(chars[Math.floor(i / 5)]!) >> (4 - (i % 5))) & 1;
      bytes[i >> 3]! |= bit << (7 - (i & 7));
    }
    return bytes;
  };
  const d: KeyedDigest = { digest: async (_purpose, _scope, _type, value) => bytesOf(value) };
  if (mode === 'sync') d.digestSync = (_purpose, _scope, _type, value) => bytesOf(value);
  return d;
}

describe('sync and async digests', () => {
  it('give identical placeholders, hashes and reverse maps over several applies', async () => {
    const real = await createKeyedDigest(SECRET);
    const asyncOnly: KeyedDigest = { digest: (...a) => real.digest(...a) };
    const methods: RedactMethod[] = ['pseudonymize', 'hash', 'mask'];
    const word = fc.stringMatching(/^[a-zA-Z@. 가-힣]{1,8}$/);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.tuple(word, fc.nat(2), fc.constantFrom('EMAIL', 'PERSON')), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }), async (turns) => {
        const a = pseudonymizerFromDigest(real, 'team').session();
        const b = pseudonymizerFromDigest(asyncOnly, 'team').session();
        for (const parts of turns) {
          let text = '';
          const fs: Finding[] = [];
          const method = new Map<string, RedactMethod>();
          for (const [w, m, type] of parts) {
            const t = `${type}${m}`;
            method.set(t, methods[m]!);
            fs.push(finding(t, text.length, text.length + w.length));
            text += `${w} | `;
          }
          const methodOf = (t: string) => method.get(t) ?? 'mask';
          expect(await a.apply(text, fs, methodOf)).toBe(await b.apply(text, fs, methodOf));
        }
        expect([...a.reverse]).toEqual([...b.reverse]);
      }),
      { numRuns: 100 },
    );
  });
});

describe.each(DIGEST_MODES)('collision handling (%s digest)', (mode) => {
  it('base32 encodes most significant bits first', () => {
    expect(base32(new Uint8Array([0xff, 0, 0, 0, 0]))).toBe('ZW000000');
  });

  it('extends the later value deterministically; the first keeps its short tag', async () => {
    const tags: Record<string, string> = { alice: 'ABCDEF', dave: 'ABCDEF1', bob: 'ABCDEF2', carol: 'ABCDEF1X' };
    const p = pseudonymizerFromDigest(stubDigest((v) => tags[v]!, mode), 's');
    const s = p.session();
    const text = 'alice dave bob carol';
    const fs = [finding('PERSON', 0, 5), finding('PERSON', 6, 10), finding('PERSON', 11, 14), finding('PERSON', 15, 20)];
    const out = await s.apply(text, fs, pseudo);
    // carol shares 7 chars with dave, who shares 6 with alice: each extends just enough.
    expect(out).toBe('<PERSON_ABCDEF> <PERSON_ABCDEF1> <PERSON_ABCDEF2> <PERSON_ABCDEF1X>');
    expect(restoreText(out, s.reverse)).toBe(text);
    // Same first-seen order in the next turn → same placeholders.
    const again = await p.session().apply(text, fs, pseudo);
    expect(again).toBe(out);
  });

  it('stays unique when every extension of an identical digest is taken (counter suffix)', async () => {
    const s = pseudonymizerFromDigest(stubDigest(() => 'QQQQQQ', mode), 's').session();
    const vals = Array.from({ length: 49 }, (_, i) => `v${i}`);
    const text = vals.join(' ');
    let at = 0;
    const fs = vals.map((v) => {
      const f = finding('PERSON', at, at + v.length);
      at += v.length + 1;
      return f;
    });
    const out = await s.apply(text, fs, pseudo);
    const phs = out.split(' ');
    expect(new Set(phs).size).toBe(49);
    expect(phs[0]).toBe('<PERSON_QQQQQQ>');
    expect(phs[47]!.length).toBeGreaterThan('<PERSON_>'.length + 52);
    expect(restoreText(out, s.reverse)).toBe(text);
  });

  it('never issues the reserved MASKED tag', async () => {
    const s = pseudonymizerFromDigest(stubDigest(() => 'MASKEDX', mode), 's').session();
    expect(await s.apply('v', [finding('EMAIL', 0, 1)], pseudo)).toBe('<EMAIL_MASKEDX>');
  });
});

describe('mask and hash', () => {
  const methodOf = (t: string): RedactMethod => (t === 'EMAIL' ? 'mask' : t === 'PERSON' ? 'hash' : 'pseudonymize');

  it('masks one-way and never puts masked values in the reverse map', async () => {
    const s = (await createPseudonymizer({ secret: SECRET, scope: 't' })).session();
    const out = await s.apply('a@b.co', [finding('EMAIL', 0, 6)], methodOf);
    expect(out).toBe('<EMAIL_MASKED>');
    expect(s.size).toBe(0);
    expect(restoreText(out, s.reverse)).toBe(out);
  });

  it('hashes with a keyed, normalised digest that is stable and never restored', async () => {
    const p = await createPseudonymizer({ secret: SECRET, scope: 't' });
    const s1 = p.session();
    const s2 = p.session();
    const a = await s1.apply('Kim  Minjun', [finding('PERSON', 0, 11)], methodOf);
    const b = await s2.apply(' kim minjun', [finding('PERSON', 0, 11)], methodOf);
    const c = await s2.apply('Lee', [finding('PERSON', 0, 3)], methodOf);
    expect(a).toMatch(/^<PERSON_h:[0-9a-f]{8}>$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(s1.size + s2.size).toBe(0);
    const other = await (await createPseudonymizer({ secret: SECRET, scope: 'u' })).session().apply('Kim Minjun', [finding('PERSON', 0, 10)], methodOf);
    expect(other).not.toBe(a);
  });

  it('mixes methods in one text and restores only the pseudonyms', async () => {
    const s = (await createPseudonymizer({ secret: SECRET, scope: 't' })).session();
    const text = 'x@y.z Kim 900101-1234567';
    const out = await s.apply(text, [finding('EMAIL', 0, 5), finding('PERSON', 6, 9), finding('KR_RRN', 10, 24)], methodOf);
    const restored = restoreText(out, s.reverse);
    expect(restored).toMatch(/^<EMAIL_MASKED> <PERSON_h:[0-9a-f]{8}> 900101-1234567$/);
  });
});

describe('normalizeSpans', () => {
  it('sorts, clamps, drops empty spans and merges overlaps into their union', () => {
    const spans = normalizeSpans(
      [finding('B', 8, 12), finding('A', 2, 6), finding('C', 5, 9), finding('D', 3, 3), finding('E', 18, 99)],
      20,
    );
    expect(spans).toEqual([
      { type: 'A', start: 2, end: 12 },
      { type: 'E', start: 18, end: 20 },
    ]);
  });

  it('replaces the union of overlapping findings so no part leaks', async () => {
    const s = (await createPseudonymizer({ secret: SECRET, scope: 't' })).session();
    const out = await s.apply('call 010-1234-5678 now', [finding('PHONE', 9, 18), finding('PHONE', 5, 13)], pseudo);
    expect(out).toMatch(/^call <PHONE_[0-9A-Z]{6}> now$/);
    expect(restoreText(out, s.reverse)).toBe('call 010-1234-5678 now');
  });
});
