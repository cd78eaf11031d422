/**
 * @module restore/test-arbitraries
 * fast-check generators shared by the restore tests: answers sprinkled with issued placeholders,
 * their tolerated manglings and near misses, and arbitrary chunkings of a text. Test-only.
 */
import fc from 'fast-check';

/** Values with JSON-special, regex-special, Hangul and emoji characters; two are prefixes of others. */
export const REVERSE: ReadonlyMap<string, string> = new Map([
  ['<EMAIL_K3F9A2>', 'kim"quote"@example.com'],
  ['<EMAIL_K3F9A2X>', 'back\\slash.*+?()[]{}$1@x.io'],
  ['<PERSON_7Q2M4X>', '김민준'],
  ['<PERSON_7Q2M4Y>', '김민준 👩🏽‍💻'],
  ['<KR_RRN_AB12CD>', '900101-1234567\n\u2028'],
]);

function mangle(k: string, how: number): string {
  switch (how) {
    case 0:
    case 1:
      return k;
    case 2:
      return k.toLowerCase();
    case 3:
      return k.slice(1, -1);
    case 4:
      return k.replace('_', '_ ');
    case 5:
      return k.replace('<', '< ').replace('>', ' >');
    case 6:
      return k.slice(0, -2) + '>';
    case 7:
      return k.slice(0, -1);
    case 8:
      return k.slice(0, 3);
    default:
      return '<' + k;
  }
}

/** A model answer: placeholders (exact or mangled) among prose and near-miss fragments. */
export function answer(reverse: ReadonlyMap<string, string> = REVERSE): fc.Arbitrary<string> {
  const keys = [...reverse.keys()];
  const piece = fc.oneof(
    fc.tuple(fc.constantFrom(...keys), fc.nat(9)).map(([k, h]) => mangle(k, h)),
    fc.constantFrom('Hello ', 'a', 'E', 'P', '<', '>', '<EM', '<<EMAIL_1>', '<b>', ' ', '_', '에게', '😀', '\n', '"', '\\', 'x9'),
  );
  return fc.array(piece, { maxLength: 24 }).map((ps) => ps.join(''));
}

/** Split `text` into chunks of the given sizes (cycled); sizes of 1 give one-char chunks. */
export function chunk(text: string, sizes: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    const n = Math.max(1, sizes.length === 0 ? 1 : sizes[k % sizes.length]!);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

export const chunkSizes: fc.Arbitrary<number[]> = fc.oneof(
  fc.constant([1] as number[]),
  fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }),
);

/** JSON documents whose strings carry placeholders; sometimes `<` and `E` written as \u escapes. */
export const jsonDoc: fc.Arbitrary<string> = fc
  .tuple(
    fc.dictionary(
      answer(),
      fc.oneof(answer(), fc.integer(), fc.array(answer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), answer(), { maxKeys: 2 })),
      { maxKeys: 4 },
    ),
    fc.constantFrom(0, 2),
    fc.boolean(),
  )
  .map(([obj, indent, esc]) => {
    const s = JSON.stringify(obj, null, indent);
    return esc ? s.replace(/</g, '\\u003c').replace(/E/g, '\\u0045') : s;
  });
