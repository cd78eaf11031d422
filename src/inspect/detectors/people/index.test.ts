import { describe, expect, it } from 'vitest';
import { PEOPLE_DETECTORS } from './index.ts';

describe('PEOPLE_DETECTORS', () => {
  it('lists the four heuristic detectors with their entity types', () => {
    expect(PEOPLE_DETECTORS.map((d) => d.id)).toEqual(['person.ko', 'person.en', 'address.kr', 'address.us']);
    for (const d of PEOPLE_DETECTORS) expect(d.types.every((t) => t === 'PERSON' || t === 'ADDRESS')).toBe(true);
  });

  it('finds a mixed Korean/English message and nothing in plain prose', () => {
    const text = '김민수 과장님께, 서울특별시 강남구 테헤란로 152로 보내주세요.\nDear Ada Lovelace,\nship to 10 Downing Street.';
    const found = PEOPLE_DETECTORS.flatMap((d) => d.detect(text, {})).map((f) => `${f.type}:${text.slice(f.start, f.end)}`);
    expect(found.sort()).toEqual(
      ['ADDRESS:10 Downing Street', 'ADDRESS:서울특별시 강남구 테헤란로 152', 'PERSON:Ada Lovelace', 'PERSON:김민수'].sort(),
    );
    const prose = 'The quarterly numbers look good. 이번 분기 실적이 좋습니다. We shipped 12 features.';
    expect(PEOPLE_DETECTORS.flatMap((d) => d.detect(prose, {}))).toEqual([]);
  });
});
