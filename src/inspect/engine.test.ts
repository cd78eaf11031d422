import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPattern, compileInspector, type InspectorSpec } from './engine.ts';
import type { Detector, Finding } from './types.ts';
import { builtinTypes } from './registry.ts';

/** A test detector that reports every occurrence of `word` with a fixed score. */
function wordDetector(id: string, type: string, word: string, score: number, keywords?: string[]): Detector & { calls: number } {
  const d = {
    id,
    types: [type],
    keywords,
    calls: 0,
    detect(text: string): Finding[] {
      d.calls++;
      const out: Finding[] = [];
      for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
        out.push({ type, start: i, end: i + word.length, score, detector: id });
      }
      return out;
    },
  };
  return d;
}

const spec = (rules: Record<string, number>, extra: Partial<InspectorSpec> = {}): InspectorSpec => ({
  rules: Object.fromEntries(Object.entries(rules).map(([t, m]) => [t, { min_score: m }])),
  dictionaries: [],
  patterns: [],
  ...extra,
});

describe('compileInspector', () => {
  it('runs only detectors whose type has a rule', () => {
    const a = wordDetector('a', 'A', 'foo', 0.9);
    const b = wordDetector('b', 'B', 'foo', 0.9);
    const ins = compileInspector(spec({ A: 0 }), [a, b]);
    const f = ins.inspect('x foo y');
    expect(f.map((x) => x.detector)).toEqual(['a']);
    expect(b.calls).toBe(0);
    expect([...ins.types]).toEqual(['A']);
  });

  it('filters by min_score per type', () => {
    const ins = compileInspector(spec({ A: 0.5, B: 0.95 }), [wordDetector('a', 'A', 'foo', 0.6), wordDetector('b', 'B', 'bar', 0.9)]);
    expect(ins.inspect('foo bar').map((x) => x.type)).toEqual(['A']);
  });

  it('skips a detector whose keywords do not occur (case-insensitively)', () => {
    const d = wordDetector('k', 'K', 'tok', 0.9, ['secret']);
    const ins = compileInspector(spec({ K: 0 }), [d]);
    expect(ins.inspect('tok tok')).toEqual([]);
    expect(d.calls).toBe(0);
    expect(ins.inspect('SECRET tok')).toHaveLength(1);
    expect(d.calls).toBe(1);
  });

  it('gates each detector by its own keywords when gated, ungated and hinted detectors mix', () => {
    // The cue pass gets only the lists that can hit (keyword lists, then hint lists), so each
    // detector's gate must point at its own list, whatever stands before it.
    const hints = ['zebra'];
    let hinted: boolean | undefined;
    const dets: (Detector & { calls: number })[] = [];
    for (let i = 0; i < 40; i++) {
      const keywords = i % 3 === 0 ? undefined : i % 3 === 1 ? [] : [`kw${i}x`];
      dets.push(wordDetector(`d${i}`, `T${i}`, 'foo', 0.9, keywords));
    }
    const withHints: Detector = { id: 'h', types: ['H'], hints, detect: (_text, ctx) => { hinted = ctx.scan?.hinted(hints); return []; } };
    const ins = compileInspector(spec(Object.fromEntries([...dets.map((d) => [d.types[0]!, 0] as const), ['H', 0]])), [...dets, withHints]);
    ins.inspect('foo KW20X zebra');
    expect(dets.filter((d) => d.calls > 0).map((d) => d.id)).toEqual(dets.filter((_, i) => i % 3 !== 2 || i === 20).map((d) => d.id));
    expect(hinted).toBe(true);
    ins.inspect('foo kw5x');
    expect(dets[5]!.calls).toBe(1);
    expect(dets[20]!.calls).toBe(1);
    expect(hinted).toBe(false);
  });

  it('resolves overlaps: higher score, then longer, then earlier detector', () => {
    const hi = wordDetector('hi', 'A', 'bcd', 0.9);
    const lo = wordDetector('lo', 'B', 'abcde', 0.5);
    expect(compileInspector(spec({ A: 0, B: 0 }), [lo, hi]).inspect('abcdef')).toEqual([
      { type: 'A', start: 1, end: 4, score: 0.9, detector: 'hi' },
    ]);
    const short = wordDetector('short', 'A', 'bc', 0.7);
    const long = wordDetector('long', 'B', 'abcd', 0.7);
    expect(compileInspector(spec({ A: 0, B: 0 }), [short, long]).inspect('abcd').map((f) => f.detector)).toEqual(['long']);
    const first = wordDetector('first', 'A', 'abc', 0.7);
    const second = wordDetector('second', 'B', 'abc', 0.7);
    expect(compileInspector(spec({ A: 0, B: 0 }), [second, first]).inspect('abc').map((f) => f.detector)).toEqual(['second']);
  });

  it('keeps non-overlapping neighbours on both sides of a winner and sorts by start', () => {
    const mid = wordDetector('mid', 'A', 'cd', 0.9);
    const left = wordDetector('left', 'B', 'ab', 0.5);
    const right = wordDetector('right', 'B', 'ef', 0.5);
    const wide = wordDetector('wide', 'C', 'bcde', 0.6);
    const f = compileInspector(spec({ A: 0, B: 0, C: 0 }), [wide, right, left, mid]).inspect('abcdef');
    expect(f.map((x) => [x.detector, x.start, x.end])).toEqual([['left', 0, 2], ['mid', 2, 4], ['right', 4, 6]]);
  });

  it('drops a below-threshold finding before it can hide a passing one', () => {
    const weak = wordDetector('weak', 'A', 'abcdef', 0.3);
    const ok = wordDetector('ok', 'B', 'cd', 0.6);
    expect(compileInspector(spec({ A: 0.5, B: 0.5 }), [weak, ok]).inspect('abcdef').map((f) => f.detector)).toEqual(['ok']);
  });

  it('ignores malformed findings and findings of types without a rule', () => {
    const bad: Detector = {
      id: 'bad', types: ['A', 'Z'],
      detect: (t) => [
        { type: 'A', start: -1, end: 2, score: 1, detector: 'bad' },
        { type: 'A', start: 3, end: 3, score: 1, detector: 'bad' },
        { type: 'A', start: 0, end: t.length + 5, score: 1, detector: 'bad' },
        { type: 'A', start: 0, end: 1, score: Number.NaN, detector: 'bad' },
        { type: 'Z', start: 0, end: 1, score: 1, detector: 'bad' },
        { type: 'A', start: 1, end: 2, score: 1, detector: 'bad' },
      ],
    };
    expect(compileInspector(spec({ A: 0 }), [bad]).inspect('hello').map((f) => [f.start, f.end])).toEqual([[1, 2]]);
  });

  it('reports a failing detector by id only, never with its message', () => {
    const boom: Detector = { id: 'boom', types: ['A'], detect: (t) => { throw new Error(`leak ${t}`); } };
    expect(() => compileInspector(spec({ A: 0 }), [boom]).inspect('my-secret')).toThrowError(/detector 'boom' failed/);
    try { compileInspector(spec({ A: 0 }), [boom]).inspect('my-secret'); } catch (e) {
      expect(String(e)).not.toContain('my-secret');
    }
  });

  it('adds dictionaries only when their type has a rule', () => {
    const dicts = [{ name: 'clients', type: 'CLIENT', terms: ['삼성전자'] }];
    expect(compileInspector(spec({}, { dictionaries: dicts }), []).inspect('삼성전자는')).toEqual([]);
    expect(compileInspector(spec({ CLIENT: 0.5 }, { dictionaries: dicts }), []).inspect('삼성전자는')).toEqual([
      { type: 'CLIENT', start: 0, end: 4, score: 1, detector: 'dictionary.clients' },
    ]);
  });

  it('rejects an unusable dictionary by name', () => {
    expect(() => compileInspector(spec({ C: 0 }, { dictionaries: [{ name: 'empty', type: 'C', terms: [''] }] }), [])).toThrowError(/dictionary 'empty'/);
  });

  it('runs custom patterns on the linear-time engine, and refuses bad ones by name', () => {
    const patterns = [{ name: 'emp', type: 'EMPLOYEE_ID', regex: 'EMP-\\d{6}', flags: 'i', score: 0.8 }];
    const ins = compileInspector(spec({ EMPLOYEE_ID: 0.5 }, { patterns }), []);
    expect(ins.inspect('ask emp-123456 now')).toEqual([{ type: 'EMPLOYEE_ID', start: 4, end: 14, score: 0.8, detector: 'pattern.emp' }]);
    expect(compileInspector(spec({ EMPLOYEE_ID: 0.9 }, { patterns }), []).inspect('emp-123456')).toEqual([]);
    expect(() => compileInspector(spec({ X: 0 }, { patterns: [{ name: 'br', type: 'X', regex: '(a)\\1', flags: '', score: 1 }] }), [])).toThrowError(/pattern 'br'.*backreferences/);
    const evil = compileInspector(spec({ X: 0 }, { patterns: [{ name: 'evil', type: 'X', regex: '(a+)+$', flags: '', score: 1 }] }), []);
    const t0 = performance.now();
    expect(evil.inspect('a'.repeat(100_000) + '!')).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('checkPattern validates without throwing', () => {
    expect(checkPattern('PRJ-[A-Z]+', 'i')).toBeNull();
    expect(checkPattern('(?=x)', '')).toMatch(/lookaround/);
    expect(checkPattern('[', '')).toMatch(/not a valid/);
  });

  it('never throws and returns sorted disjoint findings on arbitrary text', () => {
    const ins = compileInspector(spec({ A: 0, B: 0 }, { dictionaries: [{ name: 'd', type: 'B', terms: ['ab', 'b', 'abc', '가나'] }] }), [
      wordDetector('a', 'A', 'bc', 0.9),
    ]);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '가', '나', '\u0000', '\ud800', '\udc00') }), (s) => {
        const f = ins.inspect(s);
        for (let i = 0; i < f.length; i++) {
          expect(f[i]!.start).toBeLessThan(f[i]!.end);
          if (i > 0) expect(f[i - 1]!.end).toBeLessThanOrEqual(f[i]!.start);
        }
      }),
    );
  });

  it('with every built-in type enabled, never throws on hostile input (property + 1 MB line)', () => {
    const rules = Object.fromEntries([...builtinTypes()].map((t) => [t, 0]));
    const ins = compileInspector(spec(rules));
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => { ins.inspect(s); }), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('0', '1', '-', '@', '.', ' ', 'a', '가', '\ud800', '\u0000', '=', ':', '"'), maxLength: 300 }), (s) => { ins.inspect(s); }), { numRuns: 300 });
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    expect(() => ins.inspect(deep)).not.toThrow();
    const line = ('x'.repeat(1000) + '\ud800\u0000 010-1234-5678 ').repeat(1000);
    const t0 = performance.now();
    expect(() => ins.inspect(line)).not.toThrow();
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('detector hints (cue pass reports words without gating)', () => {
  it('person.en finds through the engine exactly what it finds on its own, whatever the case of its needles', async () => {
    const { personEn } = await import('./detectors/people/person-en.ts');
    const ins = compileInspector({ rules: { PERSON: { min_score: 0 } }, dictionaries: [], patterns: [] }, [personEn]);
    const words = fc.constantFrom('my name is', 'My Name is', 'NAME:', 'name:', 'call me', 'CALL ME', 'Call me', 'lena', 'Lena Andersson', 'Dr.', ' ', '\n', ',', 'filename', 'Hi', 'Maria');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 12 }), (parts) => {
        const text = parts.join(' ');
        const alone = personEn.detect(text, {}).map((f) => [f.start, f.end, f.score]);
        const viaEngine = ins.inspect(text).map((f) => [f.start, f.end, f.score]);
        expect(viaEngine).toEqual(alone);
      }),
      { numRuns: 600 },
    );
  });

  it('TextScan.hinted answers from the cue pass, ignoring ASCII case, and only for the lists it knows', async () => {
    const { compileCueScanner } = await import('./cue-scan.ts');
    const { TextScan } = await import('./text-scan.ts');
    const hints = ['name', 'll me'];
    const scanner = compileCueScanner([undefined, hints]);
    const map = new Map([[hints, 1]]);
    const at = (t: string): boolean | undefined => new TextScan(t, scanner.scan(t), map).hinted(hints);
    expect(at('x FileName y')).toBe(true);
    expect(at('please CALL ME')).toBe(true);
    expect(at('call  me, nam e')).toBe(false);
    expect(new TextScan('name').hinted(hints)).toBeUndefined();
    expect(new TextScan('name', scanner.scan('name'), map).hinted(['name'])).toBeUndefined();
  });

  it('hands recording detectors their keyword ends, and keeps every gate and the overlap order', () => {
    // Recording lists go first in the cue pass; each detector must still find its own gate, its
    // own ends, and rank by its place in the catalogue.
    const seen = new Map<string, readonly number[] | undefined>();
    const recording = (id: string, keywords: string[], score: number): Detector => ({
      id, types: ['R'], keywords, keywordPositions: true,
      detect(text, ctx) {
        const ends = ctx.scan?.keywordEnds(keywords);
        seen.set(id, ends);
        return (ends ?? []).map((e) => ({ type: 'R', start: e - keywords[0]!.length, end: e, score, detector: id }));
      },
    });
    const plain = wordDetector('p', 'R', 'xyz', 0.9, ['xyz']);
    const ungated = wordDetector('u', 'R', 'abc', 0.9);
    const dets = [plain, recording('r1', ['abc'], 0.9), ungated, recording('r2', ['xyz'], 0.9), recording('r3', ['none'], 0.9)];
    const ins = compileInspector(spec({ R: 0 }), dets);
    const found = ins.inspect('ABC xyz abc');
    expect(seen.get('r1')).toEqual([3, 11]);
    expect(seen.get('r2')).toEqual([7]);
    expect(seen.has('r3')).toBe(false);
    // Equal scores and lengths: the detector listed earlier wins each span.
    expect(found.map((f) => [f.start, f.detector])).toEqual([[0, 'r1'], [4, 'p'], [8, 'r1']]);
    expect(plain.calls).toBe(1);
    expect(ungated.calls).toBe(1);
  });

  it('TextScan.keywordEnds answers from the cue pass only for the lists it recorded', async () => {
    const { compileCueScanner } = await import('./cue-scan.ts');
    const { TextScan } = await import('./text-scan.ts');
    const recorded = ['로', '길'];
    const other = ['key'];
    const scanner = compileCueScanner([recorded, other], { record: 1 });
    const map = new Map([[recorded, 0]]);
    const at = (t: string, list: readonly string[]): readonly number[] | undefined => new TextScan(t, scanner.scan(t), undefined, map).keywordEnds(list);
    expect(at('테헤란로 1길', recorded)).toEqual([4, 7]);
    expect(at('no road here', recorded)).toEqual([]);
    expect(at('key', other)).toBeUndefined();
    expect(at('로', ['로', '길'])).toBeUndefined();
    expect(new TextScan('테헤란로').keywordEnds(recorded)).toBeUndefined();
    const capped = compileCueScanner([recorded], { record: 1, cap: 1 });
    expect(new TextScan('로로', capped.scan('로로'), undefined, map).keywordEnds(recorded)).toBeUndefined();
  });
});
