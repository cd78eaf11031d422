import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressKr } from './address-kr.ts';
import { detectViaKeywordEnds } from '../../../../test/support/keyword-ends.ts';

const found = (text: string): string[] => addressKr.detect(text, {}).map((f) => text.slice(f.start, f.end));

describe('address.kr', () => {
  it.each([
    ['주소: 서울특별시 강남구 테헤란로 152, 101동 1203호 입니다', '서울특별시 강남구 테헤란로 152, 101동 1203호'],
    ['경기도 성남시 분당구 판교역로 235 에이치스퀘어', '경기도 성남시 분당구 판교역로 235'],
    ['강남구 테헤란로10길 5로 오세요', '강남구 테헤란로10길 5'],
    ['충청남도 천안시 동남구 목천읍 충절로 1600', '충청남도 천안시 동남구 목천읍 충절로 1600'],
    ['서울시 중구 세종대로 110 (태평로1가)', '서울시 중구 세종대로 110 (태평로1가)'],
    ['서울 강남구 역삼동 737', '서울 강남구 역삼동 737'],
    ['부산광역시 해운대구 우동 1408번지', '부산광역시 해운대구 우동 1408번지'],
    ['배송지는 역삼동 123-45번지입니다', '역삼동 123-45번지'],
    ['경북 울릉군 울릉읍 도동리 산 1-2', '경북 울릉군 울릉읍 도동리 산 1-2'],
  ])('finds %j', (text, address) => {
    expect(found(text)).toEqual([address]);
  });

  it('reports ADDRESS with offsets', () => {
    const text = '택배는 서울특별시 강남구 테헤란로 152로';
    const [f] = addressKr.detect(text, {});
    expect(f).toMatchObject({ type: 'ADDRESS', detector: 'address.kr', start: 4 });
    expect(text.slice(f?.start, f?.end)).toBe('서울특별시 강남구 테헤란로 152');
  });

  it.each([
    '이번 주 3동 회의',
    '2024년 3월 5일',
    '강남역 2번 출구에서 만나요',
    '서울에 갑니다',
    '테헤란로 맛집 추천',
    '101동 1203호',
  ])('ignores %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('is fast and safe on 1 MB hostile input', () => {
    for (const unit of ['서울 ', '강남구 ', '가나다라마바사 ', '역삼동 1', '서울특별시 강남구 테헤란로 ']) {
      const text = unit.repeat(Math.ceil((1 << 20) / unit.length));
      const t0 = performance.now();
      addressKr.detect(text, {});
      expect(performance.now() - t0, unit).toBeLessThan(3000);
    }
  });

  it('finds addresses only in texts holding one of its keywords (the engine skips the others)', () => {
    const keys = addressKr.keywords ?? [];
    const piece = fc.constantFrom('서울특별시', '강남구', '테헤란로', '152', ' ', '역삼동', '737', '산', '번지', '읍', '면', '리', '길', '가', '3동', '101호', ', ', '경기도', '수원시', '-', '12');
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
      const text = parts.join('');
      if (addressKr.detect(text, {}).length > 0) expect(keys.some((k) => text.includes(k))).toBe(true);
    }), { numRuns: 3000 });
  });
});

describe('address.kr with the cue pass\'s keyword ends', () => {
  /** As the engine calls it: the cue pass recorded where the anchor syllables end. */
  const viaCues = detectViaKeywordEnds(addressKr);

  it('asks for the positions and finds exactly what its own anchor search finds', () => {
    expect(addressKr.keywordPositions).toBe(true);
    // Every kind of gap between a syllable and its number: plain spaces (told by hand), other
    // spaces, 산, line breaks, and too many spaces (left to the anchor regex).
    const piece = fc.constantFrom(
      '서울특별시', '강남구', '테헤란로', '152', ' ', '  ', '   ', '\t', '\u00a0', '\u3000', '\n', '\r', '역삼동', '737', '산', '번지',
      '읍', '면', '리', '길', '가', '3동', '101호', ', ', '경기도', '수원시', '-', '12', '1', 'a', '.', '\ud800', '\u{1f600}', '10길',
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      const alone = addressKr.detect(text, {});
      expect(viaCues(text)).toEqual(alone);
      expect(viaCues(text, true)).toEqual(alone);
    }), { numRuns: 4000 });
  });

  it('confirms anchors at the end of the text and across every gap the anchor allows', () => {
    for (const text of [
      '역삼동', '역삼동 ', '역삼동 1', '역삼동  123-45', '역삼동   123-45', '역삼동\t123-45번지', '도동리 산 1-2', '도동리산1-2', '도동리  산  1-2',
      '도동리 산', '역삼동\u00a0737번지', '역삼동\n737번지', '서울 강남구 역삼동 737', '서울특별시 강남구 테헤란로 152',
    ]) {
      expect(viaCues(text), text).toEqual(addressKr.detect(text, {}));
    }
    expect(viaCues('배송지는 역삼동 123-45번지입니다')).toHaveLength(1);
  });
});
