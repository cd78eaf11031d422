/**
 * @module inspect/detectors/people/address-kr
 * Korean addresses. Road-name form (도로명주소): province/city, district, a road ending in
 * 로/길 and a building number, e.g. 서울특별시 강남구 테헤란로 152, 경기도 성남시 분당구
 * 판교역로 235, with an optional 동/호 or parenthesised detail. Lot-number form (지번주소):
 * district, then a 동/읍/면/리/가 and a lot number (역삼동 737, 123-45번지).
 *
 * A road or neighbourhood name alone is not an address; a province or 시/군/구 must come first,
 * or the lot number must look like one (a hyphenated pair or 번지).
 */
import type { DetectContext, Detector, Finding } from '../../types.ts';
import { scanOf } from '../../text-scan.ts';
import { scanNearAnchors, type AnchoredScan } from './anchored-scan.ts';

const SIDO =
  '서울특별시|서울시|서울|부산광역시|부산시|부산|대구광역시|대구시|대구|인천광역시|인천시|인천|광주광역시|광주시|광주|' +
  '대전광역시|대전시|대전|울산광역시|울산시|울산|세종특별자치시|세종시|세종|경기도|경기|강원특별자치도|강원도|강원|' +
  '충청북도|충북|충청남도|충남|전북특별자치도|전라북도|전북|전라남도|전남|경상북도|경북|경상남도|경남|제주특별자치도|제주도|제주';

const S = '[^\\S\\r\\n]{0,2}';
const S1 = '[^\\S\\r\\n]{1,2}';
// 시/군/구 units: 1–6 syllables plus the unit (강남구, 성남시, 분당구, 양평군).
const SIGUNGU = `[가-힣]{1,6}(?:시|군|구)`;
const REGION = `(?:(?:${SIDO})${S1}(?:${SIGUNGU}${S1}){0,2}|(?:${SIGUNGU}${S1}){1,3})`;
// Road: 1–10 syllables/digits ending in 로 or 길, optionally a numbered 길 under it (테헤란로10길).
const ROAD = `[가-힣0-9·]{1,10}(?:로|길)(?:${S}\\d{1,4}(?:번)?(?:[가-하])?길)?`;
const BUILDING_NO = `\\d{1,5}(?:-\\d{1,5})?(?:번지)?`;
const DETAIL = `(?:,?${S}(?:[가-힣0-9]{1,15}(?:아파트|빌딩|타워|빌라|오피스텔|센터)${S})?(?:\\d{1,4}동${S})?\\d{1,5}호|,?${S}\\d{1,3}층)?(?:${S}\\([가-힣0-9,·\\s]{1,30}\\))?`;
const ROAD_ADDRESS = `(?<![가-힣])${REGION}(?:[가-힣0-9]{1,8}(?:읍|면)${S1})?${ROAD}${S}${BUILDING_NO}${DETAIL}`;

const DONG = `[가-힣0-9]{1,8}(?:동|읍|면|리|가)`;
const LOT_NO = `(?:산${S})?\\d{1,5}(?:-\\d{1,5})?(?:번지)?`;
const LOT_ADDRESS = `(?<![가-힣])${REGION}(?:${DONG}${S1}){1,2}${LOT_NO}${DETAIL}`;
// Without a region, only an unmistakable lot number counts: 역삼동 123-45, 역삼동 737번지.
const BARE_LOT = `(?<![가-힣0-9])${DONG}${S1}(?:산${S})?\\d{1,5}(?:-\\d{1,5}(?:번지)?|번지)(?![0-9-])`;

const PATTERN = new RegExp(`(${ROAD_ADDRESS})|(${LOT_ADDRESS})|(${BARE_LOT})`, 'y');

const isHangul = (c: number): boolean => c >= 0xac00 && c <= 0xd7a3;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Every form ends its road or dong name with one of these syllables followed by the number
 * (spaces and 산 between allowed). The longest region + 읍/면 + road before that syllable is 48
 * characters; 64 leaves margin.
 */
const ANCHOR_SYLLABLES: readonly string[] = ['로', '길', '동', '읍', '면', '리', '가'];
const ANCHOR = `[${ANCHOR_SYLLABLES.join('')}][^\\S\\r\\n]{0,2}(?:산[^\\S\\r\\n]{0,2})?\\d`;
const ANCHOR_AT = new RegExp(ANCHOR, 'y');
const SAN = '산'.charCodeAt(0);
const SCAN: AnchoredScan = {
  anchor: new RegExp(ANCHOR, 'g'),
  // Most texts hold few or none of these syllables (code and logs with one Korean line): found
  // with indexOf, they cost a small fraction of a regex pass over every character.
  firstChars: ANCHOR_SYLLABLES.join(''),
  before: 64,
  // Road and lot forms start at a Hangul word; the bare lot form may start with a digit (`3동`).
  canStart(text, at) {
    const c = text.charCodeAt(at);
    const prev = at > 0 ? text.charCodeAt(at - 1) : 0;
    return (isHangul(c) && !isHangul(prev)) || (isDigit(c) && !isHangul(prev) && !isDigit(prev));
  },
  sticky: PATTERN,
};

/**
 * Whether `SCAN.anchor` matches at `at`, where an anchor syllable stands. Most such syllables in
 * prose are followed by another syllable or by a space and a word: those are told by hand, the
 * rest (other spaces, 산) by the anchor regex.
 */
function anchorAt(text: string, at: number): boolean {
  let q = at + 1;
  // Greedy over plain spaces: a digit after them matches; a syllable other than 산 or an ASCII
  // non-space does not, after any fewer spaces either (a space then stands there).
  while (q < at + 3 && text.charCodeAt(q) === 32) q++;
  const c = text.charCodeAt(q);
  if (isDigit(c)) return true;
  if (isHangul(c) ? c !== SAN : c < 128 && c !== 9 && c !== 11 && c !== 12 && c !== 32) return false;
  ANCHOR_AT.lastIndex = at;
  return ANCHOR_AT.test(text);
}

/** The anchors among the anchor syllables the cue pass found (`ends`: just past each), ascending. */
function anchorsAt(text: string, ends: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < ends.length; k++) if (anchorAt(text, ends[k]! - 1)) out.push(ends[k]! - 1);
  return out;
}

export const addressKr: Detector = {
  id: 'address.kr',
  types: ['ADDRESS'],
  // Every match holds an anchor, so one of its syllables: the cue pass skips texts without any.
  keywords: ANCHOR_SYLLABLES,
  // Where they stand too: the anchors are then confirmed there, and the text is not searched again.
  keywordPositions: true,
  detect(text: string, ctx?: DetectContext): Finding[] {
    const out: Finding[] = [];
    try {
      const ends = scanOf(text, ctx).keywordEnds(ANCHOR_SYLLABLES);
      const anchors = ends === undefined ? undefined : anchorsAt(text, ends);
      if (anchors !== undefined && anchors.length === 0) return out;
      scanNearAnchors(text, SCAN, (m) => {
        const score = m[1] !== undefined ? 0.85 : m[2] !== undefined ? 0.8 : 0.6;
        out.push({ type: 'ADDRESS', start: m.index, end: m.index + m[0].length, score, detector: 'address.kr' });
      }, anchors);
    } catch {
      // Never throw: a detector failing must not fail the request.
    }
    return out;
  },
};
