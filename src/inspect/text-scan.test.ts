import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clusterNeed, execAt, scanNumbers, scanNumberStarts, TextScan, type ClusterNeed } from './text-scan.ts';
import { compileCueScanner } from './cue-scan.ts';
import { gluedToNeighbour, scanAll } from './detectors/pii/scan.ts';
import { scanNearAnchors } from './detectors/people/anchored-scan.ts';

/**
 * Accepted [start, end) spans under a number detector's rules: glued matches and matches with
 * fewer digits/dots than the detector's declared need are retried one further.
 */
function spans(run: (visit: (m: RegExpExecArray) => number | void) => void, text: string, need: ClusterNeed): [number, number][] {
  const out: [number, number][] = [];
  run((m) => {
    const end = m.index + m[0].length;
    if (gluedToNeighbour(text, m.index, end)) return m.index + 1;
    const digits = m[0].replace(/\D/g, '').length;
    const dots = m[0].split('.').length - 1;
    if (digits < need.digits || dots < (need.dots ?? 0)) return m.index + 1;
    out.push([m.index, end]);
    return end;
  });
  return out;
}

const numberish = fc
  .array(fc.constantFrom('0', '1', '2', '5', '9', '9', '3', ' ', '-', '.', '(', ')', '+', 'a', 'x', '가', '\n', '\u2013'), { maxLength: 60 })
  .map((a) => a.join(''));

describe('scanNumbers', () => {
  it('finds exactly what a full scan finds, for number regexes of every shape', () => {
    const regexes = [
      /\d{3}([ -]?)\d{2}\1\d{4}/g, // SSN
      /\d(?:[ -]?\d){11,22}/g, // card candidate
      /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g, // IPv4
      /(\+[1-9]\d{0,2}[ .-]?)?(\(\d{1,5}\)[ .-]?)?(\d{1,15}(?:[ .-]\d{1,15}){1,7}|\d{7,15})/g, // phone chain
      /\d{6}([-\u2013 ]?)\d{7}/g, // 13-digit IDs
      /\d{3}([- ]?)\d{2}\1\d{5}/g, // BRN
      /(\+1[ .-]?|(?:00)?1[ .-])?(?:(\([2-9]\d\d\))[ .-]?|([2-9]\d\d)([ .-]))\d{3}([ .-])\d{4}/g, // NANP
      /\d{2,14}(?:[- ]\d{2,8}){0,4}/g, // bank account candidate
    ];
    // The first-group rules the detectors declare for these regexes (see each detector).
    const needs: ClusterNeed[] = [
      { digits: 9, firstGroup: (n) => n === 3 || n >= 9 },
      { digits: 12 },
      { digits: 4, dots: 3, firstGroup: (n) => n <= 3 },
      { digits: 7, firstGroup: (n) => n <= 15 },
      { digits: 13, firstGroup: (n) => n === 6 || n >= 13 },
      { digits: 10, firstGroup: (n) => n === 3 || n >= 10 },
      { digits: 10, firstGroup: (n) => n === 1 || n === 3 },
      { digits: 10, firstGroup: (n) => n >= 2 && n <= 14 },
    ];
    fc.assert(
      fc.property(numberish, (text) => {
        regexes.forEach((re, k) => {
          const need = needs[k]!;
          const full = spans((v) => scanAll(re, text, v), text, need);
          const fast = spans((v) => scanNumbers(re, text, { scan: new TextScan(text) }, need, v), text, need);
          expect(fast).toEqual(full);
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('clusters count digits and dots and list only unglued starts', () => {
    const [c] = new TextScan('ip 10.0.0.1, x12 34').numberClusters();
    expect(c).toMatchObject({ start: 3, digits: 5, dots: 3 });
    expect(c!.starts).toEqual([3, 6, 8, 10]);
  });

  it('records per start the digits and dots left and the length of its first digit group', () => {
    const [c] = new TextScan('tel +82 (0)10-1234-5678.').numberClusters();
    expect(c!.starts.map((p) => 'tel +82 (0)10-1234-5678.'.charAt(p))).toEqual(['+', '8', '(', '0', '1', '1', '5']);
    expect(c!.firstGroup).toEqual([0, 2, 0, 1, 2, 4, 4]);
    expect(c!.tailDigits).toEqual([13, 13, 11, 11, 10, 8, 4]);
    expect(c!.tailDots).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('gives every cluster the same start tables whatever order its clusters are first read in', () => {
    // Rows of one text's clusters share one array, appended as each cluster is first read.
    const reference = (text: string, start: number, end: number): number[][] => {
      const isWord = (c: string): boolean => /[0-9A-Za-z_]/.test(c);
      const rows: number[][] = [];
      for (let i = start; i < end; i++) {
        const c = text.charAt(i);
        if (!/[0-9+(]/.test(c) || (i > 0 && isWord(text.charAt(i - 1)))) continue;
        const rest = text.slice(i, end);
        const run = /^\d+/.exec(rest)?.[0].length ?? 0;
        rows.push([i, rest.replace(/\D/g, '').length, rest.split('.').length - 1, run]);
      }
      return rows;
    };
    fc.assert(
      fc.property(numberish, fc.boolean(), (text, reversed) => {
        const clusters = [...new TextScan(text).numberClusters()];
        for (const c of reversed ? [...clusters].reverse() : clusters) {
          const rows = c.starts.map((p, k) => [p, c.tailDigits[k]!, c.tailDots[k]!, c.firstGroup[k]!]);
          expect(rows).toEqual(reference(text, c.start, c.end));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('skips starts whose first group the detector rules out, and only those', () => {
    const text = 'a 88213 200 37 b 555-234-5678';
    const tried: number[] = [];
    const re = /\d+/g;
    scanNumbers(re, text, undefined, { digits: 1, firstGroup: (n) => n === 3 }, (m) => { tried.push(m.index); return m.index + 1; });
    expect(tried.map((p) => text.slice(p, p + 3))).toEqual(['200', '555', '234']);
  });
});

describe('shared cluster walk (clusterNeed)', () => {
  // The detectors' needs, registered here as copies so this file's registry holds them.
  const NEEDS: ClusterNeed[] = [
    { digits: 9, firstGroup: (n) => n === 3 || n >= 9 },
    { digits: 12 },
    { digits: 4, dots: 3, firstGroup: (n) => n <= 3 },
    { digits: 7, firstGroup: (n) => n <= 15 },
    { digits: 13, firstGroup: (n) => n === 6 || n >= 13 },
    { digits: 10, firstGroup: (n) => n === 1 || n === 3 },
    { digits: 10, firstGroup: (n) => n >= 2 && n <= 14 },
    { digits: 12, first: '12', firstGroup: (n) => n === 2 || n >= 12 },
    { digits: 9, first: '0+(', firstGroup: (n) => (n >= 2 && n <= 4) || n >= 9 },
    { digits: 8, first: '1', firstGroup: (n) => n === 4 || n >= 8 },
  ];
  const registered = NEEDS.map((n) => clusterNeed({ ...n }));
  // Long digit runs and real shapes too: the `first` needs only answer at starts with many digits left.
  const digitHeavy = fc
    .array(fc.constantFrom('0', '1', '1', '2', '3', '5', '9', '0', '1', ' ', '-', '.', '(', ')', '+', 'a'), { maxLength: 80 })
    .map((a) => a.join(''));
  const shapes = fc
    .array(fc.constantFrom('010-1234-5678', '1588-1234', '12-34-567890-12', '+82 (0)10-1234-5678', '192.168.0.1', '900101-1234567', ' ', 'x'), { maxLength: 6 })
    .map((a) => a.join(''));
  const texts = fc.oneof(numberish, digitHeavy, shapes);

  /** Naive: every listed start of every cluster, asked the need's questions one by one. */
  function naiveStarts(text: string, need: ClusterNeed): number[] {
    const out: number[] = [];
    for (const c of new TextScan(text).numberClusters()) {
      c.starts.forEach((p, k) => {
        if (c.tailDigits[k]! < need.digits || c.tailDots[k]! < (need.dots ?? 0)) return;
        if (need.first !== undefined && !need.first.includes(text.charAt(p))) return;
        const g = c.firstGroup[k]!;
        if (need.firstGroup !== undefined && g > 0 && !need.firstGroup(g)) return;
        out.push(p);
      });
    }
    return out;
  }

  it('lists for each registered need exactly the starts its own checks accept', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const scan = new TextScan(text);
        registered.forEach((need) => expect(scan.startsFor(need)).toEqual(naiveStarts(text, need)));
      }),
      { numRuns: 1500 },
    );
  });

  it('scanNumbers tries and accepts the same matches with a shared need as with its own walk', () => {
    const re = /\d(?:[ .()+-]{0,2}\d){3,16}/g;
    fc.assert(
      fc.property(texts, fc.nat(3), (text, retry) => {
        registered.forEach((need, k) => {
          const own = { ...NEEDS[k]! }; // unregistered: the per-detector walk
          const run = (n: ClusterNeed): number[] => {
            const tried: number[] = [];
            scanNumbers(re, text, { scan: new TextScan(text) }, n, (m) => {
              tried.push(m.index, m[0].length);
              // Accept some, retry one further others, as detectors do.
              return (m.index + m[0].length) % 4 === retry ? m.index + 1 : undefined;
            });
            return tried;
          };
          expect(run(need)).toEqual(run(own));
        });
      }),
      { numRuns: 800 },
    );
  });

  it('lists the same starts from the cue pass\'s clusters as from its own scan', () => {
    const scanner = compileCueScanner([]);
    fc.assert(
      fc.property(texts, (text) => {
        const withCues = new TextScan(text, scanner.scan(text));
        const own = new TextScan(text);
        expect(withCues.clusterBounds()).toEqual(own.clusterBounds());
        registered.forEach((need) => expect(withCues.startsFor(need)).toEqual(naiveStarts(text, need)));
      }),
      { numRuns: 800 },
    );
  });

  it('scanNumberStarts with a hand reader tries and accepts what scanNumbers does with the regex', () => {
    const re = /\d(?:[ .()+-]{0,2}\d){3,16}/g;
    fc.assert(
      fc.property(texts, fc.nat(3), (text, retry) => {
        registered.forEach((need, k) => {
          for (const n of [need, { ...NEEDS[k]! }]) {
            const viaRegex: number[] = [];
            scanNumbers(re, text, { scan: new TextScan(text) }, n, (m) => {
              viaRegex.push(m.index, m[0].length);
              return (m.index + m[0].length) % 4 === retry ? m.index + 1 : undefined;
            });
            const byHand: number[] = [];
            scanNumberStarts(text, { scan: new TextScan(text) }, n, (p) => {
              const m = execAt(re, text, p);
              if (m === null) return -1;
              byHand.push(p, m[0].length);
              return (p + m[0].length) % 4 === retry ? p + 1 : p + m[0].length;
            });
            expect(byHand).toEqual(viaRegex);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('leaves out, for a need with gluedChain, exactly the starts of plain chains glued on the right', () => {
    const chains: [ClusterNeed, RegExp][] = [
      [{ digits: 7, firstGroup: (n) => n <= 15, gluedChain: { separators: ' .-', maxRuns: Infinity, minRun: 1, except: 'xXeE' } }, /^\d+(?:[ .-]\d+)*$/],
      [{ digits: 10, firstGroup: (n) => n >= 2 && n <= 14, gluedChain: { separators: '- ', maxRuns: 5, minRun: 2, except: '' } }, /^\d+(?:[- ]\d{2,}){0,4}$/],
    ];
    const withChains = chains.map(([need]) => clusterNeed(need));
    const glued = fc
      .array(fc.constantFrom('2024-03-12', '88213 200 37', '1 22 333', '12.34.56.78', '555-1234', '+1 555', 'T', 'x', 'ms', '_', ' ', '가', '-', '9'), { maxLength: 8 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(texts, glued), (text) => {
        const scan = new TextScan(text);
        withChains.forEach((need, k) => {
          const [plain, except] = [chains[k]![1], need.gluedChain!.except];
          const dropped = new Set<number>();
          for (const c of scan.numberClusters()) {
            const after = text.charAt(c.end);
            if (/^[A-Za-z_]$/.test(after) && !except.includes(after) && plain.test(text.slice(c.start, c.end))) c.starts.forEach((p) => dropped.add(p));
          }
          expect(scan.startsFor(need)).toEqual(naiveStarts(text, need).filter((p) => !dropped.has(p)));
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('leaves unshared a need the table cannot answer exactly, which still scans correctly', () => {
    const odd = [
      clusterNeed({ digits: 4, firstGroup: (n) => n === 20 }), // answer changes past 16
      clusterNeed({ digits: 4, first: '35' }), // tells 3 from 5
      clusterNeed({ digits: 17 }),
    ];
    const text = 'a 12345678901234567890 b 3456 5678 (12) 34';
    for (const need of odd) {
      const scan = new TextScan(text);
      expect(scan.startsFor(need)).toBeUndefined();
      const got: number[] = [];
      scanNumbers(/\d+/g, text, { scan }, need, (m) => { got.push(m.index); });
      expect(got).toEqual(naiveStarts(text, need).filter((p) => /\d/.test(text.charAt(p))));
    }
  });
});

describe('scanNearAnchors', () => {
  it('finds exactly what a global scan finds', () => {
    const full = /(?<![a-z])[a-z]{1,6} ?[a-z]{0,3}로 ?\d{1,3}/g;
    const spec = {
      anchor: /로 ?\d/g,
      before: 12,
      canStart: (t: string, p: number) => /[a-z]/.test(t.charAt(p)) && !/[a-z]/.test(t.charAt(p - 1)),
      sticky: new RegExp(full.source, 'y'),
    };
    const text = fc.array(fc.constantFrom('a', 'b', '로', ' ', '1', '2', '.'), { maxLength: 50 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const want: [number, number][] = [];
        for (const m of t.matchAll(full)) want.push([m.index, m.index + m[0].length]);
        const got: [number, number][] = [];
        scanNearAnchors(t, spec, (m) => got.push([m.index, m.index + m[0].length]));
        expect(got).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });
});
