/**
 * @module policy-store/diff
 * A line diff for policy versions: the longest common subsequence of lines (after trimming the
 * common head and tail, so a one-line edit in a long file costs little), rendered as an edit
 * script and as a unified diff with context. Policies are small; inputs whose middle part would
 * need more than `MAX_CELLS` table cells are diffed as "all removed, all added" instead of
 * spending unbounded time or memory.
 */

export type DiffOp = ' ' | '-' | '+';

export interface DiffLine {
  op: DiffOp;
  text: string;
}

export const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * @example
 * diffLines('a\nb\n', 'a\nc\n') // [{op:' ',text:'a'},{op:'-',text:'b'},{op:'+',text:'c'}]
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  out.push(...middle(am, bm));
  out.push(...a.slice(a.length - tail).map((text): DiffLine => ({ op: ' ', text })));
  return out;
}

function middle(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_CELLS) {
    return [...a.map((text): DiffLine => ({ op: '-', text })), ...b.map((text): DiffLine => ({ op: '+', text }))];
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..], in one flat table.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) out.push({ op: '-', text: a[i++]! });
    else out.push({ op: '+', text: b[j++]! });
  }
  while (i < n) out.push({ op: '-', text: a[i++]! });
  while (j < m) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** Unified diff text (`---`/`+++` headers, `@@` hunks with `context` lines around changes). */
export function unifiedDiff(lines: readonly DiffLine[], fromLabel: string, toLabel: string, context = 3): string {
  const changed: number[] = [];
  lines.forEach((l, i) => {
    if (l.op !== ' ') changed.push(i);
  });
  if (changed.length === 0) return '';
  // Group changes whose context windows touch into hunks.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(lines.length, i + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else hunks.push([lo, hi]);
  }
  // Line numbers in the old and new file at each index.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const l of lines) {
    oldAt.push(o);
    newAt.push(n);
    if (l.op !== '+') o++;
    if (l.op !== '-') n++;
  }
  let out = `--- ${fromLabel}\n+++ ${toLabel}\n`;
  for (const [lo, hi] of hunks) {
    const part = lines.slice(lo, hi);
    const oldCount = part.filter((l) => l.op !== '+').length;
    const newCount = part.filter((l) => l.op !== '-').length;
    // Unified diff convention: an empty side starts at the line before.
    const oldStart = oldCount === 0 ? oldAt[lo]! - 1 : oldAt[lo]!;
    const newStart = newCount === 0 ? newAt[lo]! - 1 : newAt[lo]!;
    out += `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n`;
    for (const l of part) out += `${l.op}${l.text}\n`;
  }
  return out;
}
