/**
 * @module inspect/safe-regex/parse
 * Parses the supported regex subset into a small syntax tree. The pattern has already been
 * accepted by JavaScript's own parser (see `index.ts`), so this parser only needs to understand
 * valid syntax and to refuse the features a linear-time engine cannot offer (backreferences,
 * lookaround). Errors are `SafeRegexError`s whose messages name the construct, never user text.
 */
import type { CharMatcherTable } from './charset.ts';

export type Assertion = 'start' | 'end' | 'word' | 'nonword';

export type Node =
  | { k: 'char'; m: number }
  | { k: 'assert'; a: Assertion }
  | { k: 'cat'; items: Node[] }
  | { k: 'alt'; items: Node[] }
  | { k: 'rep'; node: Node; min: number; max: number }
  | { k: 'empty' };

/** Largest `{m,n}` bound accepted; keeps the compiled program small. */
export const MAX_REPEAT = 1000;

export class SafeRegexError extends Error {}

const HEX = /^[0-9a-fA-F]$/;

export function parse(src: string, flags: string, table: CharMatcherTable): Node {
  const unicode = flags.includes('u');
  let i = 0;

  const fail = (what: string): never => { throw new SafeRegexError(`${what} (at offset ${i})`); };

  function alternation(): Node {
    const items: Node[] = [sequence()];
    while (src[i] === '|') { i++; items.push(sequence()); }
    return items.length === 1 ? items[0]! : { k: 'alt', items };
  }

  function sequence(): Node {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const atomStart = i;
      const a = atom();
      const q = quantifier();
      if (q) {
        if (a.k === 'assert') { i = atomStart; fail('nothing to repeat before a quantifier'); }
        items.push({ k: 'rep', node: a, min: q[0], max: q[1] });
      } else items.push(a);
    }
    if (items.length === 0) return { k: 'empty' };
    return items.length === 1 ? items[0]! : { k: 'cat', items };
  }

  function quantifier(): [number, number] | null {
    const c = src[i];
    let q: [number, number] | null = null;
    if (c === '*') { q = [0, Infinity]; i++; }
    else if (c === '+') { q = [1, Infinity]; i++; }
    else if (c === '?') { q = [0, 1]; i++; }
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 24));
      if (!m) return null; // Annex B: a `{` that is not a quantifier is a literal
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) fail(`repetition bounds above ${MAX_REPEAT} are not supported`);
      q = [min, max];
      i += m[0].length;
    }
    // Lazy quantifiers match the same set of spans; the engine reports the longest anyway.
    if (q && src[i] === '?') i++;
    return q;
  }

  function atom(): Node {
    const c = src[i]!;
    if (c === '(') return group();
    if (c === '[') return klass();
    if (c === '.') { i++; return { k: 'char', m: table.fromSource('.') }; }
    if (c === '^') { i++; return { k: 'assert', a: 'start' }; }
    if (c === '$') { i++; return { k: 'assert', a: 'end' }; }
    if (c === '\\') return escape();
    if (c === '*' || c === '+' || c === '?') fail('nothing to repeat before a quantifier');
    return literalAt();
  }

  function literalAt(): Node {
    const cp = unicode ? src.codePointAt(i)! : src.charCodeAt(i);
    i += cp > 0xffff ? 2 : 1;
    return { k: 'char', m: table.literal(cp) };
  }

  function group(): Node {
    i++; // (
    if (src[i] === '?') {
      const next = src.slice(i, i + 3);
      if (next.startsWith('?:')) i += 2;
      else if (next === '?<=' || next === '?<!' || next.startsWith('?=') || next.startsWith('?!')) fail('lookaround assertions are not supported');
      else if (next.startsWith('?<')) {
        const end = src.indexOf('>', i);
        if (end < 0) fail('unterminated group name');
        i = end + 1;
      } else fail('unsupported group syntax');
    }
    const inner = alternation();
    if (src[i] !== ')') fail('unterminated group');
    i++;
    return inner;
  }

  function klass(): Node {
    const start = i;
    let j = i + 1;
    if (src[j] === '^') j++;
    while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
    if (j >= src.length) fail('unterminated character class');
    i = j + 1;
    return { k: 'char', m: table.fromSource(src.slice(start, i)) };
  }

  function escape(): Node {
    const start = i;
    const c = src[i + 1];
    if (c === undefined) fail('pattern ends with a backslash');
    if (c === 'b') { i += 2; return { k: 'assert', a: 'word' }; }
    if (c === 'B') { i += 2; return { k: 'assert', a: 'nonword' }; }
    if (c! >= '1' && c! <= '9') fail('backreferences are not supported');
    if (c === 'k' && (unicode || src[i + 2] === '<')) fail('named backreferences are not supported');
    if (c === '0' && src[i + 2] !== undefined && src[i + 2]! >= '0' && src[i + 2]! <= '9') fail('octal escapes are not supported');
    let len = 2;
    if (c === 'x' && HEX.test(src[i + 2] ?? '') && HEX.test(src[i + 3] ?? '')) len = 4;
    else if (c === 'u') {
      if (unicode && src[i + 2] === '{') {
        const end = src.indexOf('}', i);
        if (end < 0) fail('unterminated \\u{...} escape');
        len = end + 1 - i;
      } else if (/^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        len = 6;
        // Under `u` an escaped surrogate pair is one code point.
        if (unicode && /^\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(src.slice(i, i + 12))) len = 12;
      }
    } else if (c === 'c' && /^[A-Za-z]$/.test(src[i + 2] ?? '')) len = 3;
    else if ((c === 'p' || c === 'P') && unicode) {
      const end = src.indexOf('}', i);
      if (end < 0) fail('unterminated \\p{...} escape');
      len = end + 1 - i;
    }
    i = start + len;
    return { k: 'char', m: table.fromSource(`[${src.slice(start, i)}]`) };
  }

  const tree = alternation();
  if (i < src.length) fail('unbalanced parenthesis');
  return tree;
}
