/**
 * @module inspect/detectors/pii/window-words
 * Does a short window of text, lower-cased, contain one of a list of context words? The answer
 * `text.slice(from, to).toLowerCase()` plus one `includes` per word would give, at a fraction of
 * the cost: the number detectors ask it for every candidate, with lists of up to forty words,
 * and almost always the answer is no.
 *
 * How: one read of the window folds its code units into a 64-bit character signature (which
 * characters occur, hashed into 64 buckets); a word can only occur if every bucket of its own
 * signature is set, so most words are ruled out by two bit tests and only the few left are
 * searched for in the lower-cased window. The signature is exact about lower-casing: ASCII letters
 * and Hangul (which `toLowerCase` leaves alone) are folded as they are read; a window holding any
 * other unit is lower-cased by `toLowerCase` first and signed from that.
 */

/** Signature bit per lower-cased ASCII unit: `a`–`z` one bucket each, the rest share six. */
const ASCII_BIT = new Int32Array(128);
for (let c = 0; c < 128; c++) {
  const low = c >= 65 && c <= 90 ? c + 32 : c;
  ASCII_BIT[c] = 1 << (low >= 97 && low <= 122 ? low - 97 : 26 + (low % 6));
}

/** Bucket of a unit outside ASCII, in the signature's high word. */
const highBit = (c: number): number => 1 << (c & 31);

const isHangul = (c: number): boolean => (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x3131 && c <= 0x318e);

/** The last signature computed (module state: no object per window). */
let sigLo = 0;
let sigHi = 0;

function signLowered(low: string): void {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < low.length; i++) {
    const c = low.charCodeAt(i);
    if (c < 128) lo |= ASCII_BIT[c]!;
    else hi |= highBit(c);
  }
  sigLo = lo;
  sigHi = hi;
}

/**
 * Signs `text[from, to)` lower-cased into `sigLo`/`sigHi`. Returns the lower-cased window when
 * it had to make it (a unit `toLowerCase` might change or expand), else undefined.
 */
function sign(text: string, from: number, to: number): string | undefined {
  let lo = 0;
  let hi = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) lo |= ASCII_BIT[c]!;
    else if (isHangul(c)) hi |= highBit(c);
    else {
      const low = text.slice(from, to).toLowerCase();
      signLowered(low);
      return low;
    }
  }
  sigLo = lo;
  sigHi = hi;
  return undefined;
}

/** A word list with each word's signature, made once per list (lists are module constants). */
interface Signed {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

const signedLists = new WeakMap<readonly string[], Signed>();

function signed(words: readonly string[]): Signed {
  let s = signedLists.get(words);
  if (s === undefined) {
    const lo = new Int32Array(words.length);
    const hi = new Int32Array(words.length);
    words.forEach((w, k) => {
      signLowered(w);
      lo[k] = sigLo;
      hi[k] = sigHi;
    });
    s = { lo, hi };
    signedLists.set(words, s);
  }
  return s;
}

/**
 * True if `text.slice(from, to).toLowerCase()` contains one of `words` (lower-case, as all
 * context lists are).
 */
export function windowHasWord(text: string, from: number, to: number, words: readonly string[]): boolean {
  const { lo, hi } = signed(words);
  let low = sign(text, from, to);
  const wlo = sigLo;
  const whi = sigHi;
  for (let k = 0; k < words.length; k++) {
    if ((lo[k]! & ~wlo) !== 0 || (hi[k]! & ~whi) !== 0) continue;
    low ??= text.slice(from, to).toLowerCase();
    if (low.includes(words[k]!)) return true;
  }
  return false;
}

/**
 * The last occurrence of any of `words` in `text.slice(from, to).toLowerCase()`: its index in that
 * lower-cased window (-1 if none) and the word's length; on a tie the longer word wins. The
 * lower-cased window has the original's length unless it holds units `toLowerCase` expands, so
 * callers index the lower-cased window.
 */
export function windowLastWord(text: string, from: number, to: number, words: readonly string[]): [number, number] {
  const { lo, hi } = signed(words);
  let low = sign(text, from, to);
  const wlo = sigLo;
  const whi = sigHi;
  let at = -1;
  let len = 0;
  for (let k = 0; k < words.length; k++) {
    if ((lo[k]! & ~wlo) !== 0 || (hi[k]! & ~whi) !== 0) continue;
    low ??= text.slice(from, to).toLowerCase();
    const w = words[k]!;
    const i = low.lastIndexOf(w);
    if (i > at || (i === at && i >= 0 && w.length > len)) { at = i; len = w.length; }
  }
  return [at, len];
}
