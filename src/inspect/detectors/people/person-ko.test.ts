import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { personKo } from './person-ko.ts';
import { NAME_LABELS, TITLES } from './korean-names.ts';
import { detectViaKeywordEnds } from '../../../../test/support/keyword-ends.ts';

const names = (text: string): string[] => personKo.detect(text, {}).map((f) => text.slice(f.start, f.end));

describe('person.ko', () => {
  it.each([
    ['김민수님 안녕하세요', '김민수'],
    ['이지은 과장님께 전달 부탁드립니다', '이지은'],
    ['박서준씨가 오셨어요', '박서준'],
    ['최유리 대리, 자료 확인 부탁해요', '최유리'],
    ['정하윤 환자 투약 기록', '정하윤'],
    ['한지민 고객님의 주문', '한지민'],
    ['윤서연 선생님 수업', '윤서연'],
    ['남궁민수 대표', '남궁민수'],
    ['제갈성 교수', '제갈성'],
    ['성명: 홍길동', '홍길동'],
    ['담당자 최유리 (내선 1234)', '최유리'],
    ['고객명：김영희', '김영희'],
    ['환자명: 정하윤, 나이 34', '정하윤'],
    ['제 이름은 김민수입니다', '김민수'],
    ['이름: 박지훈\n연락처: 010-0000-0000', '박지훈'],
  ])('finds the name only in %j', (text, name) => {
    expect(names(text)).toEqual([name]);
  });

  it('reports PERSON offsets and a higher score for labelled names', () => {
    const [labelled] = personKo.detect('성명: 홍길동', {});
    const [titled] = personKo.detect('홍길동 과장', {});
    expect(labelled).toMatchObject({ type: 'PERSON', start: 4, end: 7, detector: 'person.ko' });
    expect(titled).toMatchObject({ start: 0, end: 3 });
    expect(labelled?.score).toBeGreaterThan(titled?.score ?? 1);
  });

  it('finds several names in one message', () => {
    expect(names('김민수 과장님과 이지은 대리님이 참석합니다')).toEqual(['김민수', '이지은']);
  });

  it.each([
    '고객님 안녕하세요',
    '이번 과장님 회의는 취소',
    '정말 감사합니다',
    '김치 주세요',
    '마케팅 팀장 회의',
    '서비스 팀장님께',
    '지원 팀장 면담',
    '김과장님 보고서',
    '김 과장님',
    '선생님께서 말씀하셨다',
    '사장님 오셨어요',
    '이용자님 환영합니다',
    '우리 팀장님',
    '제가 과장님께 말씀드릴게요',
    '임금님 귀는 당나귀 귀',
    '담당자 정보 변경',
    '성명 기재 후 제출',
    '이번 주 김민수',
  ])('ignores %j', (text) => {
    expect(names(text)).toEqual([]);
  });

  // The cue scan looks for a few key syllables and checks the words holding them: every title
  // and every label must still be found, glued or spaced, at the start, middle and end.
  it.each(TITLES.map((t) => [t]))('finds a name before the title %s', (title) => {
    for (const sep of ['', ' ']) {
      expect(names(`김민수${sep}${title}`), sep).toEqual(['김민수']);
      expect(names(`회의에서 이지은${sep}${title}, 안녕`), sep).toEqual(['이지은']);
    }
  });

  it.each(NAME_LABELS.map((l) => [l]))('finds a name after the label %s', (label) => {
    expect(names(`${label}: 홍길동`)).toEqual(['홍길동']);
    expect(names(`(${label} 홍길동)`)).toEqual(['홍길동']);
  });

  it('tries every start a name before a title can have', () => {
    expect(names('남궁민수 님')).toEqual(['남궁민수']); // 2 + 2 syllables and a space: 5 before the title
    expect(names('김민님')).toEqual(['김민']); // 1 + 1: 2 before the title
    expect(names('x김민수 대리')).toEqual(['김민수']);
    expect(names('가김민수 대리')).toEqual([]); // glued to a preceding syllable
    expect(names('님 씨 군 양 과장')).toEqual([]);
  });

  it('finds key syllables at both ends of the text and beside non-Hangul units', () => {
    expect(names('\u{1f600}김민수님')).toEqual(['김민수']);
    expect(names('김민수 님\ud800')).toEqual(['김민수']);
    expect(names('\udc00성명:홍길동')).toEqual(['홍길동']);
    expect(names('abc김민수씨')).toEqual(['김민수']);
    expect(names('님')).toEqual([]);
    expect(names('')).toEqual([]);
  });

  it('is fast and safe on 1 MB hostile input', () => {
    for (const unit of ['김민수 ', '김', '성명: 김', '김민수님', '가나다라']) {
      const text = unit.repeat(Math.ceil((1 << 20) / unit.length));
      const t0 = performance.now();
      personKo.detect(text, {});
      expect(performance.now() - t0).toBeLessThan(3000);
    }
    expect(() => personKo.detect('\ud800김민수님\u0000', {})).not.toThrow();
  });

  it('lists keywords (the engine prefilter) that every title and label holds one of', () => {
    const keys = personKo.keywords ?? [];
    for (const word of [...TITLES, ...NAME_LABELS]) expect(keys.some((k) => word.includes(k)), word).toBe(true);
  });

  it('finds nothing in a text holding none of its keywords', () => {
    const keys = personKo.keywords ?? [];
    const piece = fc.constantFrom(...TITLES, ...NAME_LABELS, '김', '민수', '이', '지은', ' ', ':', '님', '박서준', '홍길동', '입니다', '\n', 'a');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const text = parts.join('');
      if (keys.some((k) => text.includes(k))) return;
      expect(personKo.detect(text, {})).toEqual([]);
    }), { numRuns: 2000 });
  });
});

describe('person.ko with the cue pass\'s keyword ends', () => {
  /** As the engine calls it: the cue pass recorded where the key syllables end. */
  const viaCues = detectViaKeywordEnds(personKo);

  it('asks for the positions and finds exactly what its own walk finds', () => {
    expect(personKo.keywordPositions).toBe(true);
    const piece = fc.constantFrom(
      ...TITLES, ...NAME_LABELS, '김', '민수', '이', '지은', '남궁', ' ', '  ', ':', '：', '님', '씨', '박서준', '홍길동', '입니다',
      '\n', 'a', '1', '가', '\u{1f600}', '\ud800', '\udc00', '\u00a0', '은', '고객',
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
      const text = parts.join('');
      const alone = personKo.detect(text, {});
      expect(viaCues(text)).toEqual(alone);
      // Past the cap the detector walks the text itself.
      expect(viaCues(text, true)).toEqual(alone);
    }), { numRuns: 3000 });
  });

  it('reads keys at both ends of the text and beside surrogates from the recorded ends', () => {
    for (const text of ['\u{1f600}김민수님', '김민수 님\ud800', '\udc00성명:홍길동', '님', '', '김민수 과장님과 이지은 대리님이 참석합니다']) {
      expect(viaCues(text)).toEqual(personKo.detect(text, {}));
    }
    expect(viaCues('김민수 과장').length).toBe(1);
  });
});
