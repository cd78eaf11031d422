/**
 * @module inspect/safe-regex/program
 * Compiles the syntax tree into a Thompson-NFA program (Pike VM instructions). Counted repetition
 * is expanded, so the program size is bounded before anything is allocated.
 */
import { SafeRegexError, type Assertion, type Node } from './parse.ts';

export const OP_CHAR = 0, OP_SPLIT = 1, OP_JMP = 2, OP_ASSERT = 3, OP_MATCH = 4;
export const ASSERT_CODE: Record<Assertion, number> = { start: 0, end: 1, word: 2, nonword: 3 };

/** Upper bound on program instructions; `(a{1000}){1000}` is refused instead of built. */
export const MAX_PROGRAM = 50_000;

export interface Program {
  op: Int32Array;
  /** CHAR: matcher index; SPLIT/JMP: first target; ASSERT: assertion code. */
  x: Int32Array;
  /** SPLIT: second target. */
  y: Int32Array;
  length: number;
}

/** Instructions needed for a node (saturating, so huge nests cannot overflow the estimate). */
function size(n: Node): number {
  switch (n.k) {
    case 'char': case 'assert': return 1;
    case 'empty': return 0;
    case 'cat': return n.items.reduce((s, it) => Math.min(s + size(it), 1e12), 0);
    case 'alt': return n.items.reduce((s, it) => Math.min(s + size(it) + 2, 1e12), 0);
    case 'rep': {
      const body = size(n.node);
      const copies = n.max === Infinity ? n.min + 1 : n.max;
      return Math.min(copies * (body + 2) + 2, 1e12);
    }
  }
}

export function compile(tree: Node): Program {
  if (size(tree) + 1 > MAX_PROGRAM) throw new SafeRegexError(`pattern is too large once repetitions are expanded (limit ${MAX_PROGRAM} steps)`);
  const op: number[] = [], x: number[] = [], y: number[] = [];
  const emit = (o: number, a = 0, b = 0): number => { op.push(o); x.push(a); y.push(b); return op.length - 1; };

  function gen(n: Node): void {
    switch (n.k) {
      case 'empty': return;
      case 'char': emit(OP_CHAR, n.m); return;
      case 'assert': emit(OP_ASSERT, ASSERT_CODE[n.a]); return;
      case 'cat': for (const it of n.items) gen(it); return;
      case 'alt': {
        const jumps: number[] = [];
        for (let k = 0; k < n.items.length; k++) {
          if (k < n.items.length - 1) {
            const split = emit(OP_SPLIT);
            x[split] = split + 1;
            gen(n.items[k]!);
            jumps.push(emit(OP_JMP));
            y[split] = op.length;
          } else gen(n.items[k]!);
        }
        for (const j of jumps) x[j] = op.length;
        return;
      }
      case 'rep': {
        for (let k = 0; k < n.min; k++) gen(n.node);
        if (n.max === Infinity) {
          const split = emit(OP_SPLIT);
          x[split] = split + 1;
          gen(n.node);
          emit(OP_JMP, split);
          y[split] = op.length;
        } else {
          const splits: number[] = [];
          for (let k = n.min; k < n.max; k++) {
            const split = emit(OP_SPLIT);
            x[split] = split + 1;
            splits.push(split);
            gen(n.node);
          }
          for (const s of splits) y[s] = op.length;
        }
        return;
      }
    }
  }
  gen(tree);
  emit(OP_MATCH);
  return { op: Int32Array.from(op), x: Int32Array.from(x), y: Int32Array.from(y), length: op.length };
}
