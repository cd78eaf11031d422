import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, scan, type Match } from './placeholder-matcher.ts';
import { restoreJsonText } from './restore-json.ts';
import { restoreText } from './restore-text.ts';
import { StreamRestorer } from './stream-restorer.ts';
import { answer, chunk, chunkSizes, jsonDoc, REVERSE } from './test-arbitraries.ts';

function streamed(text: string, sizes: readonly number[], json = false): string {
  const r = new StreamRestorer(REVERSE, { json });
  return chunk(text, sizes).map((c) => r.push(c)).join('') + r.flush();
}


/**
 * Streams `text` in `sizes` pieces: after every push the hold is exactly the suffix the scanner
 * cannot decide yet (the shortest possible), and the output equals the non-streamed restore.
 */
function expectShortestHold(m: ReturnType<typeof compile>, text: string, sizes: number[]): void {
  const r = new StreamRestorer(REVERSE);
  let seen = '';
  let out = '';
  for (const c of chunk(text, sizes)) {
    out += r.push(c);
    seen += c;
    expect(r.held).toBe(seen.length - scan(m, seen, -1, false, []));
  }
  expect(out + r.flush()).toBe(restoreText(text, REVERSE));
}
describe('StreamRestorer, text', () => {
  it('equals restoreText of the whole text for every chunking', () => {
    fc.assert(
      fc.property(answer(), chunkSizes, (text, sizes) => {
        expect(streamed(text, sizes)).toBe(restoreText(text, REVERSE));
      }),
      { numRuns: 2000 },
    );
  });

  it('restores at every split point of a placeholder', () => {
    const text = 'Hi <EMAIL_K3F9A2>, PERSON_7Q2M4X에게 <email_ k3f9a2x>.';
    const whole = restoreText(text, REVERSE);
    expect(whole).toBe(`Hi ${REVERSE.get('<EMAIL_K3F9A2>')}, 김민준에게 ${REVERSE.get('<EMAIL_K3F9A2X>')}.`);
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        const r = new StreamRestorer(REVERSE);
        const out = r.push(text.slice(0, a)) + r.push(text.slice(a, b)) + r.push(text.slice(b)) + r.flush();
        expect(out).toBe(whole);
      }
    }
  });

  it('holds back only the suffix that could still become a placeholder', () => {
    const r = new StreamRestorer(REVERSE);
    expect(r.push('Hello <E')).toBe('Hello ');
    expect(r.push('MA')).toBe('');
    expect(r.push('IL_K3F9A2')).toBe('');
    expect(r.push('>!')).toBe(`${REVERSE.get('<EMAIL_K3F9A2>')}!`);
    expect(r.held).toBe(0);

    const x = new StreamRestorer(REVERSE);
    expect(x.push('Hello <X')).toBe('Hello <X');
    expect(x.push('<')).toBe('');
    expect(x.push('b>')).toBe('<b>');
    expect(x.push('Hello <')).toBe('Hello ');
    expect(x.push('<')).toBe('<');
    expect(x.push('EMX')).toBe('<EMX');
    // Bare form: an upper-case E after a space could start EMAIL_…, lower-case e cannot.
    expect(x.push(' E')).toBe(' ');
    expect(x.push('ach e')).toBe('Each e');
  });

  it('never holds more than the longest placeholder plus tolerated spaces, and what it holds is viable', () => {
    const keys = [...REVERSE.keys()];
    const m = compile(keys);
    const completions = keys.flatMap((k) =>
      Array.from({ length: k.length + 1 }, (_, j) => [k.slice(j), k.slice(j).toLowerCase(), `${k.slice(j, -1)} `, `${k.slice(j, -1)} >`, ` ${k.slice(j)}`]).flat(),
    );
    fc.assert(
      fc.property(answer(), chunkSizes, (text, sizes) => {
        const r = new StreamRestorer(REVERSE);
        let seen = '';
        for (const c of chunk(text, sizes)) {
          r.push(c);
          seen += c;
          expect(r.held).toBeLessThanOrEqual(r.maxHold);
          if (r.held === 0) continue;
          const h = seen.slice(seen.length - r.held);
          const prev = seen.length > r.held ? seen.charCodeAt(seen.length - r.held - 1) : -1;
          const viable = completions.some((comp) => {
            const ms: Match[] = [];
            scan(m, h + comp, prev, true, ms);
            return ms.length > 0 && ms[0]!.start === 0;
          });
          expect(viable, JSON.stringify(h)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('holds exactly the suffix the scanner cannot decide yet, after every push', () => {
    // Stronger than "viable": the hold is the shortest one (everything decided is released at
    // once) whichever path a push takes (released whole, held candidate carried on, rescanned).
    const m = compile(REVERSE.keys());
    fc.assert(
      fc.property(answer(), chunkSizes, (text, sizes) => expectShortestHold(m, text, sizes)),
      { numRuns: 1500 },
    );
  });

  it('restores every placeholder form split at every pair of points, and leaves near misses', () => {
    // Type names with '_' (KR_RRN), held candidates that fail late while another one starts
    // inside the held text, a bare match ending exactly where a piece ends, word chars after it.
    const texts = [
      'a <KR_RRN_AB12CD> b',
      '<kr_rrn_ ab12cd >.',
      'KR_RRN_AB12CD에게',
      'x<KR_RRN_AB12CD!',
      '<<EMAIL_K3F9A2>',
      '< E EMAIL_K3F9A2 ',
      '<E<PERSON_7Q2M4X>',
      '<EMAIL_K3F9A2X> <EMAIL_K3F9A2>',
      'PERSON_7Q2M4XPERSON_7Q2M4X PERSON_7Q2M4X_x PERSON_7Q2M4X',
      '< < EMAIL_  K3F9A2>',
      '<KR_RRN_AB12C> KR_RRN_ EMAIL_K3F9A',
      'E\nEMAIL_K3F9A2\n',
    ];
    for (const text of texts) {
      const whole = restoreText(text, REVERSE);
      for (let a = 0; a <= text.length; a++) {
        for (let b = a; b <= text.length; b++) {
          const r = new StreamRestorer(REVERSE);
          const out = r.push(text.slice(0, a)) + r.push(text.slice(a, b)) + r.push(text.slice(b)) + r.flush();
          expect(out, `${JSON.stringify(text)} at ${a},${b}`).toBe(whole);
        }
      }
      expect(streamed(text, [1])).toBe(whole);
    }
    expect(restoreText(texts[2]!, REVERSE)).toBe(`${REVERSE.get('<KR_RRN_AB12CD>')}에게`);
    expect(restoreText(texts[3]!, REVERSE)).toBe(`x<${REVERSE.get('<KR_RRN_AB12CD>')}!`);
    expect(restoreText(texts[8]!, REVERSE)).toBe(`PERSON_7Q2M4XPERSON_7Q2M4X PERSON_7Q2M4X_x 김민준`);
  });

  it('decides a held candidate from the next piece without waiting for more', () => {
    const r = new StreamRestorer(REVERSE);
    expect(r.push('say <')).toBe('say ');
    expect(r.push(' ')).toBe('');
    expect(r.push('e')).toBe('');
    expect(r.push('X ')).toBe('< eX ');
    expect(r.push('KR_RRN_AB12CD')).toBe('');
    expect(r.push('')).toBe('');
    expect(r.push('-')).toBe(`${REVERSE.get('<KR_RRN_AB12CD>')}-`);
    // After a word character a bare placeholder cannot start: released at once.
    expect(r.push('xKR_RRN_AB12CD')).toBe('xKR_RRN_AB12CD');
    expect(r.push('<KR_RRN_AB12CD')).toBe('');
    // The bracketed candidate fails at `!`; the bare one inside what was held matches.
    expect(r.push('!')).toBe(`<${REVERSE.get('<KR_RRN_AB12CD>')}!`);
    expect(r.held).toBe(0);
  });

  it('long pieces without `_` look only at their tail, and still hold exactly what is undecided', () => {
    const m = compile(REVERSE.keys());
    expect(m.maxHead).toBe(9); // `<`, two spaces, PERSON
    const prose = 'Dear team, please forward the report to Eve and Peter by Monday. ';
    // Undecided tails up to the longest one; one character too long, or a near miss, is text.
    const tails = ['<', '<  PERSON', '< PERSON', 'PERSON', ' PERSO', '<kr', ' KR', '<  e', '<   PERSON', 'xPERSON', '<PERSONA', '<KRR', 'E'];
    for (const tail of tails) {
      for (const pad of [0, 1, 30, 40]) {
        const piece = prose.slice(0, pad) + tail;
        const r = new StreamRestorer(REVERSE);
        const out = r.push(piece);
        expect(r.held, JSON.stringify(piece)).toBe(piece.length - scan(m, piece, -1, false, []));
        expect(out + r.push('_7Q2M4X>.') + r.flush()).toBe(restoreText(`${piece}_7Q2M4X>.`, REVERSE));
      }
    }
    fc.assert(
      fc.property(fc.array(answer(), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 20, max: 90 }), { minLength: 1, maxLength: 6 }), (parts, sizes) => {
        expectShortestHold(m, parts.join(' and the rest of the sentence '), sizes);
      }),
      { numRuns: 800 },
    );
  });

  it('is a pass-through when nothing was issued', () => {
    const r = new StreamRestorer(new Map());
    expect(r.push('Hello <E')).toBe('Hello <E');
    expect(r.push('MAIL_K3F9A2>')).toBe('MAIL_K3F9A2>');
    expect(r.flush()).toBe('');
  });
});

describe('StreamRestorer, json', () => {
  it('equals restoreJsonText of the whole text for every chunking, valid or partial', () => {
    fc.assert(
      fc.property(jsonDoc, fc.nat(), fc.boolean(), chunkSizes, (doc, cut, truncate, sizes) => {
        const text = truncate ? doc.slice(0, cut % (doc.length + 1)) : doc;
        expect(streamed(text, sizes, true)).toBe(restoreJsonText(text, REVERSE));
      }),
      { numRuns: 1000 },
    );
  });

  it('restores a placeholder split at every point, escaping the value', () => {
    const doc = '{"to":"<EMAIL_K3F9A2>","cc":["PERSON_7Q2M4X"],"n":"\\u003cKR_RRN_AB12CD>"}';
    const whole = restoreJsonText(doc, REVERSE);
    expect(JSON.parse(whole)).toEqual({ to: REVERSE.get('<EMAIL_K3F9A2>'), cc: ['김민준'], n: REVERSE.get('<KR_RRN_AB12CD>') });
    for (let a = 0; a <= doc.length; a++) {
      const r = new StreamRestorer(REVERSE, { json: true });
      expect(r.push(doc.slice(0, a)) + r.push(doc.slice(a)) + r.flush()).toBe(whole);
    }
  });
});
