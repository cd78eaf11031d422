import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restoreJsonText } from './restore-json.ts';
import { restoreText } from './restore-text.ts';
import { jsonDoc, REVERSE } from './test-arbitraries.ts';

/** Oracle: parse, restore every string (keys too) with restoreText, compare parsed values. */
function deepRestore(v: unknown): unknown {
  if (typeof v === 'string') return restoreText(v, REVERSE);
  if (Array.isArray(v)) return v.map(deepRestore);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [restoreText(k, REVERSE), deepRestore(x)]));
  }
  return v;
}

describe('restoreJsonText', () => {
  it('keeps valid JSON valid and restores exactly what restoreText does inside each string', () => {
    fc.assert(
      fc.property(jsonDoc, (doc) => {
        const out = restoreJsonText(doc, REVERSE);
        expect(JSON.parse(out)).toEqual(deepRestore(JSON.parse(doc)));
      }),
      { numRuns: 800 },
    );
  });

  it('escapes quotes, backslashes, newlines and U+2028 in restored values', () => {
    const doc = '{"a":"<EMAIL_K3F9A2>","b":"x EMAIL_K3F9A2X y","c":"<kr_rrn_ab12cd>"}';
    const out = restoreJsonText(doc, REVERSE);
    expect(out).toContain('kim\\"quote\\"@example.com');
    expect(out).toContain('back\\\\slash');
    expect(JSON.parse(out)).toEqual({
      a: 'kim"quote"@example.com',
      b: 'x back\\slash.*+?()[]{}$1@x.io y',
      c: '900101-1234567\n\u2028',
    });
  });

  it('keeps every byte it does not restore (formatting, escapes, number spelling)', () => {
    const doc = '{ "n" : 1.50e3, "s":"\\u00e9\\n<PERSON_7Q2M4X>" }';
    expect(restoreJsonText(doc, REVERSE)).toBe('{ "n" : 1.50e3, "s":"\\u00e9\\n김민준" }');
  });

  it('treats an escape before a bare placeholder as a boundary, as the parsed string would', () => {
    expect(JSON.parse(restoreJsonText('["a\\nPERSON_7Q2M4X"]', REVERSE))).toEqual(['a\n김민준']);
  });

  it('falls back to a JSON-escaping restore when the text is not valid JSON', () => {
    expect(restoreJsonText('{"to": "<EMAIL_K3F9A2>", "x": tru', REVERSE)).toBe('{"to": "kim\\"quote\\"@example.com", "x": tru');
    expect(restoreJsonText('{"to": <EMAIL_K3F9A2> }', REVERSE)).toBe('{"to": kim\\"quote\\"@example.com }');
    expect(restoreJsonText('["<EMAIL_K3F9A2>\\u00', REVERSE)).toBe('["kim\\"quote\\"@example.com\\u00');
    expect(restoreJsonText('["\\u12x <EMAIL_K3F9A2>"]', REVERSE)).toBe('["\\u12x kim\\"quote\\"@example.com"]');
  });

  it('leaves mask and hash placeholders and unknown tags alone', () => {
    const doc = '{"a":"<EMAIL_MASKED>","b":"<EMAIL_h:3f9a2c1d>","c":"<EMAIL_ZZZZZZ>"}';
    expect(restoreJsonText(doc, REVERSE)).toBe(doc);
  });
});
