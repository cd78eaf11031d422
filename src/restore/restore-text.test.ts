import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restoreText } from './restore-text.ts';

const reverse = new Map([
  ['<EMAIL_K3F9A2>', 'kim@example.com'],
  ['<EMAIL_K3F9A2X>', 'lee@example.com'],
  ['<PERSON_7Q2M4X>', '김민준'],
  ['<KR_RRN_AB12CD>', '900101-1234567'],
]);

describe('restoreText', () => {
  it('restores exact placeholders, adjacent and repeated', () => {
    expect(restoreText('To <EMAIL_K3F9A2>,<EMAIL_K3F9A2X><PERSON_7Q2M4X>님 <EMAIL_K3F9A2>', reverse)).toBe(
      'To kim@example.com,lee@example.com김민준님 kim@example.com',
    );
  });

  it.each([
    ['changed case', '<email_k3f9a2>', 'kim@example.com'],
    ['mixed case', '<Email_K3f9A2>', 'kim@example.com'],
    ['space after underscore', '<EMAIL_ K3F9A2>', 'kim@example.com'],
    ['spaces inside brackets', '< EMAIL_K3F9A2 >', 'kim@example.com'],
    ['missing brackets', 'see EMAIL_K3F9A2.', 'see kim@example.com.'],
    ['missing closing bracket', '(<EMAIL_K3F9A2 )', '(<kim@example.com )'],
    ['bare before a Korean particle', 'PERSON_7Q2M4X에게', '김민준에게'],
    ['type with underscore', 'RRN: <kr_rrn_ab12cd>', 'RRN: 900101-1234567'],
    ['the longer of two prefix-related tags', '<EMAIL_K3F9A2X>', 'lee@example.com'],
  ])('tolerates %s', (_name, input, expected) => {
    expect(restoreText(input, reverse)).toBe(expected);
  });

  it.each([
    ['three spaces', '< EMAIL_ K3F9A2 >'],
    ['lower-case without brackets', 'email_k3f9a2'],
    ['a word char before a bare one', 'xEMAIL_K3F9A2'],
    ['a word char after a bare one', 'EMAIL_K3F9A2Y'],
    ['a tag never issued', '<EMAIL_K3F9A3>'],
    ['a tag one char short', '<EMAIL_K3F9A>'],
    ['a tag one char long', '<EMAIL_K3F9A2XY>'],
    ['the wrong type', '<PERSON_K3F9A2>'],
    ['a mask', '<EMAIL_MASKED>'],
    ['a hash', '<EMAIL_h:3f9a2c1d>'],
    ['a bare one glued to an underscore', '<EMAIL_K3F9A2_x>'],
  ])('leaves %s as written', (_name, input) => {
    expect(restoreText(input, reverse)).toBe(input);
  });

  it('is the identity for an empty map and ignores keys it does not understand', () => {
    expect(restoreText('<EMAIL_K3F9A2>', new Map())).toBe('<EMAIL_K3F9A2>');
    expect(restoreText('[PERSON_1] <x>', new Map([['[PERSON_1]', 'a'], ['<x>', 'b']]))).toBe('[PERSON_1] <x>');
  });

  it('sees keys added to a map after an earlier restore (compiled-matcher cache)', () => {
    const m = new Map([['<EMAIL_AAAAAA>', 'a']]);
    expect(restoreText('<EMAIL_BBBBBB>', m)).toBe('<EMAIL_BBBBBB>');
    m.set('<EMAIL_BBBBBB>', 'b');
    expect(restoreText('<EMAIL_BBBBBB>', m)).toBe('b');
  });

  it('matches an independent statement of the tolerance rule on random text', () => {
    const keys = [...reverse.keys()];
    const cores = new Set(keys.map((k) => k.slice(1, -1)));
    // Oracle: at each position, `<…>` up to the first `>` whose content is word chars plus at
    // most 2 spaces and, upper-cased without spaces, is a key; else a maximal word run that is
    // exactly a key and starts after a non-word char.
    const oracle = (t: string): string => {
      let out = '';
      for (let i = 0; i < t.length; ) {
        if (t[i] === '<') {
          const j = t.indexOf('>', i + 1);
          const inner = j < 0 ? '' : t.slice(i + 1, j);
          if (j >= 0 && /^[A-Za-z0-9_ ]*$/.test(inner) && (inner.match(/ /g) ?? []).length <= 2) {
            const core = inner.replace(/ /g, '').toUpperCase();
            if (cores.has(core)) {
              out += reverse.get(`<${core}>`);
              i = j + 1;
              continue;
            }
          }
        } else if (i === 0 || !/[A-Za-z0-9_]/.test(t[i - 1]!)) {
          const run = /^[A-Za-z0-9_]+/.exec(t.slice(i))?.[0];
          if (run && cores.has(run)) {
            out += reverse.get(`<${run}>`);
            i += run.length;
            continue;
          }
        }
        out += t[i++];
      }
      return out;
    };
    const mangle = (k: string, how: number): string => {
      switch (how) {
        case 0: return k;
        case 1: return k.toLowerCase();
        case 2: return k.slice(1, -1);
        case 3: return k.replace('_', '_ ');
        case 4: return k.replace('<', '< ').replace('>', ' >');
        case 5: return k.replace('<', '<  ').replace('>', ' >');
        case 6: return k.slice(0, -2) + '>';
        case 7: return k.slice(0, -1);
        default: return k.slice(1);
      }
    };
    const piece = fc.oneof(
      fc.tuple(fc.constantFrom(...keys), fc.nat(8)).map(([k, h]) => mangle(k, h)),
      fc.constantFrom('a', 'Z', '_', ' ', '<', '>', '<<', '에게', '😀', '\n', '"', 'EMAIL', 'X', '9'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (ps) => {
        const t = ps.join('');
        expect(restoreText(t, reverse)).toBe(oracle(t));
      }),
      { numRuns: 1500 },
    );
  });
});
