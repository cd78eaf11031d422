import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectSlots } from './across-slots.ts';
import { compileInspector } from './engine.ts';
import { needsNormalization, viewsForMatching } from './normalize.ts';

const inspector = compileInspector({
  rules: { EMAIL: { min_score: 0.5 }, KR_RRN: { min_score: 0.5 }, CREDIT_CARD: { min_score: 0.5 } },
  dictionaries: [],
  patterns: [],
});

const EMAIL = 'john.doe@example.com';
const RRN = '900101-1234568';
const CARD = '4111 1111 1111 1111';

describe('needsNormalization (fast path)', () => {
  it.each([
    ['plain ASCII', 'mail me at a@b.co, card 4111 1111 1111 1111'],
    ['Korean prose', '안녕하세요, 주민번호는 알려드릴 수 없습니다.'],
    ['numbers on separate lines with text between', 'total 12\nitems: 3'],
    ['accented Latin', 'café résumé naïve'],
  ])('is false for %s', (_n, text) => {
    expect(needsNormalization(text)).toBe(false);
    expect(viewsForMatching(text)).toEqual([]);
  });

  it.each([
    ['a zero-width space', 'a\u200b@b.co'],
    ['a full-width digit', '９00101'],
    ['NBSP', '4111\u00a01111'],
    ['a soft hyphen', '9001\u00ad01'],
    ['a line break between digits', '90010112\n34568'],
    ['a line break with spaces between digits', '4111 1111 \r\n 1111'],
    ['a math digit (surrogate pair)', '\u{1d7cf}23'],
  ])('is true for %s', (_n, text) => {
    expect(needsNormalization(text)).toBe(true);
    expect(viewsForMatching(text).length).toBeGreaterThan(0);
  });
});

describe('viewsForMatching', () => {
  it('maps full-width forms, drops format characters, maps exotic spaces, keeps the rest', () => {
    const [v] = viewsForMatching('메일 ｊｏｈｎ\u200d＠ｅｘａｍｐｌｅ。ｃｏｍ\u3000끝');
    expect(v!.text).toBe('메일 john@example.com 끝');
  });

  it('maps view spans back to the original span, covering dropped characters inside it', () => {
    const original = 'x j\u200bo＠b.co y';
    const [v] = viewsForMatching(original);
    expect(v!.text).toBe('x jo@b.co y');
    const [s, e] = v!.toOriginal(2, 9);
    expect(original.slice(s, e)).toBe('j\u200bo＠b.co');
  });

  it('offers both readings of a line break between digits', () => {
    const texts = viewsForMatching('4111 1111\n1111 1111').map((v) => v.text);
    expect(texts).toEqual(['4111 11111111 1111', '4111 1111 1111 1111']);
  });

  it('maps a surrogate-pair digit to one view character spanning two code units', () => {
    const original = 'n=\u{1d7cf}';
    const [v] = viewsForMatching(original);
    expect(v!.text).toBe('n=1');
    expect(v!.toOriginal(2, 3)).toEqual([2, 4]);
  });
});

describe('the engine finds disguised values in the original text', () => {
  it.each([
    ['zero-width chars in an email', `mail j\u200bohn.doe@exa\u2060mple.com now`, 'EMAIL'],
    ['a full-width at sign', 'mail john.doe＠example.com now', 'EMAIL'],
    ['full-width digits in an RRN', 'RRN ９００１０１－１２３４５６８ ok', 'KR_RRN'],
    ['NBSP card groups', 'card 4111\u00a01111\u00a01111\u00a01111 ok', 'CREDIT_CARD'],
    ['ideographic spaces in a card', 'card 4111\u30001111\u30001111\u30001111', 'CREDIT_CARD'],
    ['thin spaces in a card', 'card 4111\u20091111\u202f1111\u20001111', 'CREDIT_CARD'],
    ['a soft hyphen in an RRN', 'id 900101\u00ad-1234568', 'KR_RRN'],
    ['a BOM in an RRN', 'id 9001\ufeff01-1234568', 'KR_RRN'],
    ['a wrapped RRN', 'id 900101-123\n4568 end', 'KR_RRN'],
    ['a wrapped card', 'card 4111 1111\n1111 1111 end', 'CREDIT_CARD'],
  ])('%s', (_n, text, type) => {
    const found = inspector.inspect(text);
    const f = found.find((x) => x.type === type);
    expect(f, JSON.stringify(found)).toBeDefined();
    // The span covers the whole disguised value (its first and last meaningful characters).
    const span = text.slice(f!.start, f!.end);
    expect(span.replace(/[^0-9a-z@.\uff10-\uff19\uff20\uff41-\uff5a]/gi, '').length).toBeGreaterThan(10);
    expect(/^[\s\u200b-\u200f\u2060\ufeff]/.test(span)).toBe(false);
  });

  it('leaves plain findings untouched (same offsets as before normalization existed)', () => {
    const text = `a ${EMAIL} b ${RRN} c ${CARD}`;
    const found = inspector.inspect(text);
    expect(found.map((f) => text.slice(f.start, f.end))).toEqual([EMAIL, RRN, CARD]);
  });
});

// ---- property: random disguises never hide a planted value -----------------------------------

const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u00ad'];
const SPACES = ['\u00a0', '\u2000', '\u2002', '\u2005', '\u2009', '\u200a', '\u202f', '\u3000'];

const fullWidth = (c: string) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c);

/** Disguises `value`: each char may go full-width, get a zero-width char after it, spaces swapped. */
const disguise = (value: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }),
      fc.array(fc.option(fc.constantFrom(...ZERO_WIDTH), { freq: 3 }), { minLength: value.length, maxLength: value.length }),
      fc.constantFrom(...SPACES, ' '),
    )
    .map(([wide, zw, space]) => {
      let out = '';
      for (let i = 0; i < value.length; i++) {
        let c = value[i]!;
        if (c === ' ') c = space;
        else if (wide[i]) c = fullWidth(c);
        out += c;
        // Never after the last character: a trailing invisible char is outside the value anyway.
        if (i < value.length - 1 && zw[i]) out += zw[i];
      }
      return out;
    });

const filler = fc.constantFrom('', 'Please check ', '확인 부탁드립니다: ', 'note - ', 'x ');
const planted = fc.constantFrom(
  { value: EMAIL, type: 'EMAIL' },
  { value: 'kim.minsu@corp.co.kr', type: 'EMAIL' },
  { value: RRN, type: 'KR_RRN' },
  { value: CARD, type: 'CREDIT_CARD' },
);

describe('property: disguised values are found and their spans cover the original value', () => {
  it('email / RRN / card, randomly disguised, in random surroundings', () => {
    fc.assert(
      fc.property(planted.chain((p) => fc.tuple(fc.constant(p), disguise(p.value), filler, filler)), ([p, disguised, before, after]) => {
        const text = `${before}${disguised} ${after}`;
        const start = before.length;
        const end = start + disguised.length;
        const f = inspector.inspect(text).find((x) => x.type === p.type && x.start <= start && x.end >= end);
        expect(f, `${p.type} not covered in ${JSON.stringify(text)}`).toBeDefined();
        // And no wider than the planted value plus its surroundings' separators.
        expect(f!.start).toBeGreaterThanOrEqual(start - 1);
        expect(f!.end).toBeLessThanOrEqual(end + 1);
      }),
      { numRuns: 400 },
    );
  });
});

describe('values split across two messages (inspectSlots)', () => {
  const slot = (text: string) => ({ text, kind: 'text' as const });

  it('an email split at the @ is found in both parts', () => {
    const slots = [slot('write to john.doe'), slot('@example.com thanks')];
    const per = inspectSlots(inspector, slots);
    expect(per[0]!.map((f) => [f.type, slots[0]!.text.slice(f.start, f.end)])).toEqual([['EMAIL', 'john.doe']]);
    expect(per[1]!.map((f) => [f.type, slots[1]!.text.slice(f.start, f.end)])).toEqual([['EMAIL', '@example.com']]);
  });

  it('a card split between groups (read with a space) and an RRN split mid-digits', () => {
    const card = inspectSlots(inspector, [slot('my card: 4111 1111'), slot('1111 1111')]);
    expect(card.map((s) => s.map((f) => f.type))).toEqual([['CREDIT_CARD'], ['CREDIT_CARD']]);
    const rrn = inspectSlots(inspector, [slot('id 900101-12'), slot('34568')]);
    expect(rrn.map((s) => s.map((f) => f.type))).toEqual([['KR_RRN'], ['KR_RRN']]);
  });

  it('a value found on its own is not re-read across the seam (a@b.com. + echo… is no a@b.com.echo)', () => {
    const slots = [slot(`Please write to ${EMAIL}.`), slot(`echo: Please write to ${EMAIL}.`)];
    const per = inspectSlots(inspector, slots);
    expect(per.map((s, i) => s.map((f) => slots[i]!.text.slice(f.start, f.end)))).toEqual([[EMAIL], [EMAIL]]);
  });

  it('does not join JSON slots, and keeps per-slot findings when nothing crosses the seam', () => {
    expect(inspectSlots(inspector, [slot('john.doe'), { text: '@example.com', kind: 'json' }]).flat()).toEqual([]);
    const per = inspectSlots(inspector, [slot(`a ${EMAIL}`), slot(`${RRN} b`)]);
    expect(per.map((s) => s.map((f) => f.type))).toEqual([['EMAIL'], ['KR_RRN']]);
  });
});

describe('view offsets (pieces instead of per-character tables)', () => {
  /**
   * The per-character mapping the views used to build, kept as the oracle: each view unit maps to
   * the original code point it came from (a kept surrogate pair maps both halves to the pair).
   */
  function referenceSpans(text: string, viewText: string, toOriginal: (s: number, e: number) => [number, number]): void {
    for (let start = 0; start <= viewText.length; start++) {
      for (let end = start; end <= Math.min(viewText.length, start + 6); end++) {
        const [s, e] = toOriginal(start, end);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(text.length);
        expect(s).toBeLessThanOrEqual(e);
      }
    }
  }
  const piece = fc.constantFrom('0', '7', '12', ' ', '\t', '\n', '\r', '\r\n', 'a', '가', '-', '\u200b', '\uff10', '\u00a0', '\u2013', '\ud83c\udf89', '\ud835\udfce', '\ud800', '…');

  it('maps a kept surrogate pair as one code point and dropped characters inside a span', () => {
    const [v] = viewsForMatching('x\u200b\ud83c\udf89９');
    expect(v!.text).toBe('x\ud83c\udf899');
    expect(v!.toOriginal(1, 2)).toEqual([2, 4]);
    expect(v!.toOriginal(2, 3)).toEqual([2, 4]);
    expect(v!.toOriginal(0, 4)).toEqual([0, 5]);
    expect(v!.toOriginal(4, 4)).toEqual([5, 5]);
  });

  it('gives spans inside the original for any text', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 24 }).map((a) => a.join('')), (text) => {
      for (const v of viewsForMatching(text)) referenceSpans(text, v.text, (s, e) => v.toOriginal(s, e));
    }), { numRuns: 500 });
  });

  it('finds the same views natively for text of ASCII and Hangul only', () => {
    const plain = fc.constantFrom('0', '7', '12', ' ', '\t', '\n', '\r', '\r\n', 'a', '가', '-');
    fc.assert(fc.property(fc.array(plain, { maxLength: 24 }).map((a) => a.join('')), (text) => {
      const slow = viewsForMatching(text);
      const fast = viewsForMatching(text, true);
      expect(fast.map((v) => v.text)).toEqual(slow.map((v) => v.text));
      fast.forEach((v, k) => {
        for (let s = 0; s <= v.text.length; s++) for (let e = s; e <= v.text.length; e++) expect(v.toOriginal(s, e)).toEqual(slow[k]!.toOriginal(s, e));
      });
    }), { numRuns: 1000 });
  });
});
