import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, splitLines, unifiedDiff } from './diff.ts';

/** Applying the script's kept and added lines must give `after`; kept and removed give `before`. */
function sides(lines: ReturnType<typeof diffLines>) {
  return {
    before: lines.filter((l) => l.op !== '+').map((l) => l.text),
    after: lines.filter((l) => l.op !== '-').map((l) => l.text),
  };
}

describe('line diff', () => {
  it('marks one changed line and keeps the rest', () => {
    const d = diffLines('a\nb\nc\n', 'a\nB\nc\n');
    expect(d).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
    ]);
  });

  it('is minimal (LCS): an insertion in the middle removes nothing', () => {
    const d = diffLines('x\ny\nz\n', 'x\nnew\ny\nz\n');
    expect(d.filter((l) => l.op === '-')).toEqual([]);
    expect(d.filter((l) => l.op === '+')).toEqual([{ op: '+', text: 'new' }]);
  });

  it('always reproduces both sides (property)', () => {
    const doc = fc.array(fc.constantFrom('a', 'b', 'c', 'rules:', '  X: 1', ''), { maxLength: 30 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        const s = sides(diffLines(a, b));
        expect(s.before).toEqual(splitLines(a));
        expect(s.after).toEqual(splitLines(b));
      }),
      { numRuns: 300 },
    );
  });

  it('renders unified hunks with 3 lines of context and correct ranges', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const after = before.replace('l10\n', 'L10\n');
    const u = unifiedDiff(diffLines(before, after), 'p@1', 'p@2');
    expect(u).toBe('--- p@1\n+++ p@2\n@@ -7,7 +7,7 @@\n l7\n l8\n l9\n-l10\n+L10\n l11\n l12\n l13\n');
    expect(unifiedDiff(diffLines(before, before), 'a', 'b')).toBe('');
  });

  it('separates distant changes into two hunks and handles empty sides', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l2\n', 'X\n').replace('l27', 'Y');
    expect(unifiedDiff(diffLines(before, after), 'a', 'b').match(/^@@/gm)).toHaveLength(2);
    expect(unifiedDiff(diffLines('', 'a\nb\n'), 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  it('stays bounded on large unrelated inputs', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 5000 }, (_, i) => `b${i}`).join('\n');
    const t = performance.now();
    const d = diffLines(a, b);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(sides(d).after).toHaveLength(5000);
  });
});
