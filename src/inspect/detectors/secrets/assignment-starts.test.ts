import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignmentStarts, inAssignedName, isHorizontalSpace } from './assignment-starts.ts';
import { PATTERN } from './generic.ts';

/** Every position where the generic rule's regex matches (sticky): what the starts must cover. */
function matchPositions(text: string): number[] {
  const re = new RegExp(PATTERN.source, 'y');
  const out: number[] = [];
  for (let p = 0; p < text.length; p++) {
    re.lastIndex = p;
    if (re.test(text)) out.push(p);
  }
  return out;
}

const VALUE = 'aB3dE5gH7jK9mN1pQ';

describe('isHorizontalSpace', () => {
  it('is /[^\\S\\r\\n]/ on every UTF-16 code unit', () => {
    const re = /[^\S\r\n]/;
    for (let c = 0; c < 0x10000; c++) expect(isHorizontalSpace(c), c.toString(16)).toBe(re.test(String.fromCharCode(c)));
  });
});

describe('assignmentStarts', () => {
  it.each([
    [`api_key=${VALUE}`, [0]],
    [`  "client_secret" :  "${VALUE}"`, [3]],
    [`X-Api-Key: ${VALUE}`, [0, 2, 6]], // a name may also start after a `-`
    [`token => ${VALUE}`, [0]],
    [`key    =\u3000 \t\u00a0${VALUE}`, [0]], // four spaces on each side of the operator
    [`token := ${VALUE}`, [0]],
    [`Authorization: Bearer ${VALUE}`, [0]],
    [`auth=\t"Token  ${VALUE}"`, [0]],
  ])('lists the names before the operator in %j', (text, want) => {
    expect(assignmentStarts(text)).toEqual(want);
    for (const p of matchPositions(text)) expect(want).toContain(p);
  });

  it.each([
    [`key     = ${VALUE}`, 'five spaces before the operator'],
    [`key = short`, 'no room for a 16-character value'],
    [`key = "${VALUE.slice(0, 10)}" next_line_value_here`, 'a value broken by a quote'],
    [`key =\n${VALUE}`, 'a value on the next line'],
    [`.key=${VALUE}`, 'a name glued to a dot'],
    [`9key=${VALUE}`, 'a name opening with a digit'],
    [`= ${VALUE}`, 'no name'],
  ])('lists nothing for %j (%s)', (text) => {
    expect(assignmentStarts(text)).toEqual([]);
    expect(matchPositions(text)).toEqual([]);
  });

  it('keeps only the last 41 characters of a long name', () => {
    const text = `${'a'.repeat(50)}-${'b'.repeat(30)}=${VALUE}`;
    // The whole run is 81 characters; only the part after the `-` (30) fits in a name.
    expect(assignmentStarts(text)).toEqual([51]);
    expect(matchPositions(text)).toEqual([51]);
  });

  it('handles the text edges and lone surrogates', () => {
    expect(assignmentStarts('')).toEqual([]);
    expect(assignmentStarts('=')).toEqual([]);
    expect(assignmentStarts(':k')).toEqual([]);
    expect(assignmentStarts(`k=${VALUE.slice(0, 15)}`)).toEqual([]);
    expect(assignmentStarts(`k=${VALUE.slice(0, 16)}`)).toEqual([0]);
    expect(assignmentStarts(`\ud800key=${VALUE}\udc00`)).toEqual([1]);
  });

  it('reads only operators in the range it is given', () => {
    const text = `a=${VALUE}\nb=${VALUE}\nc=${VALUE}`;
    const line = VALUE.length + 3;
    expect(assignmentStarts(text, line, 2 * line - 1)).toEqual([line]);
  });

  it('covers every position where the rule can match (property)', () => {
    const piece = fc.constantFrom('key', 'api_KEY', 'a-b', 'x.y', '_', '9', ' ', '\t', '\u00a0', '\u3000', '\n', '"', "'", '`',
      '=', ':', '=>', ':=', '-', '.', 'Bearer ', 'token ', VALUE, 'zz/+~==', '\\', '가', '\ud83d\ude00');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        const starts = new Set(assignmentStarts(text));
        for (const p of matchPositions(text)) expect(starts.has(p), `${JSON.stringify(text)} @${p}`).toBe(true);
        const list = assignmentStarts(text);
        expect([...list].sort((a, b) => a - b)).toEqual(list);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('inAssignedName', () => {
  it.each([
    ['my_api_key = x', 3, true],
    ['my_api_key" : x', 3, true],
    ['apikey=x', 0, true],
    ['/api/v2', 1, false],
    ['api_key     = x', 0, false],
    [`api${'x'.repeat(40)}=x`, 0, false],
    [`api${'x'.repeat(38)}=x`, 0, true],
    ['api', 0, false],
  ])('%j at %d: %s', (text, at, want) => {
    expect(inAssignedName(text, at)).toBe(want);
  });
});
