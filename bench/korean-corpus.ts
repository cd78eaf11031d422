/**
 * @module bench/korean-corpus
 * A seeded generator of labelled Korean text for the detection quality bench. Every value is
 * synthetic: resident numbers with valid and deliberately invalid checksums, numbers issued since
 * October 2020 (random trailing digits, no checksum), phone numbers in every common form,
 * business registration numbers, cards, e-mails, with Korean particles attached; plus hard
 * negatives that look numeric but are not personal data (order numbers, timestamps, UUIDs, git
 * hashes, amounts, versions). Spans are recorded as the text is built, so labels are exact.
 */

export interface LabelledSpan { type: string; start: number; end: number }
export interface Sample { text: string; spans: LabelledSpan[]; kind: string }

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type R = () => number;
const int = (r: R, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: R, n: number) => Array.from({ length: n }, () => int(r, 0, 9)).join('');
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Resident registration number check digit (pre-October-2020 numbers). */
export function rrnCheck(first12: string): number {
  const w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  let s = 0;
  for (let i = 0; i < 12; i++) s += Number(first12[i]) * w[i]!;
  return (11 - (s % 11)) % 10;
}

/** Business registration number check digit. */
export function brnCheck(first9: string): number {
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  let s = 0;
  for (let i = 0; i < 9; i++) s += Number(first9[i]) * w[i]!;
  s += Math.floor((Number(first9[8]) * 5) / 10);
  return (10 - (s % 10)) % 10;
}

export function luhnCheck(body: string): number {
  let s = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    s += d;
  }
  return (10 - (s % 10)) % 10;
}

function birth(r: R, centuryDigit: number): string {
  const y = centuryDigit <= 2 ? int(r, 40, 99) : int(r, 0, 19);
  const m = int(r, 1, 12);
  const d = int(r, 1, 28);
  return pad(y, 2) + pad(m, 2) + pad(d, 2);
}

/** Values by kind; `label` null means a hard negative that must not be reported. */
interface Value { text: string; label: string | null; kind: string }

function rrnValid(r: R): Value {
  const g = pick(r, [1, 2, 3, 4]);
  const first12 = birth(r, g) + g + digits(r, 5);
  const sep = r() < 0.85 ? '-' : '';
  return { text: first12.slice(0, 6) + sep + first12.slice(6) + rrnCheck(first12), label: 'KR_RRN', kind: 'rrn-valid' };
}
function rrnPost2020(r: R): Value {
  // Issued since October 2020: region and serial digits are random, so no checksum holds.
  const g = pick(r, [3, 4]);
  const y = int(r, 20, 24);
  const front = pad(y, 2) + pad(int(r, y === 20 ? 10 : 1, 12), 2) + pad(int(r, 1, 28), 2);
  let tail = g + digits(r, 6);
  const chk = rrnCheck(front + tail.slice(0, 6));
  if (Number(tail[6]) === chk) tail = tail.slice(0, 6) + ((chk + 1) % 10);
  return { text: `${front}-${tail}`, label: 'KR_RRN', kind: 'rrn-post2020' };
}
function rrnBadDate(r: R): Value {
  const g = pick(r, [1, 2]);
  const front = pad(int(r, 40, 99), 2) + pad(int(r, 13, 19), 2) + pad(int(r, 32, 39), 2);
  return { text: `${front}-${g}${digits(r, 6)}`, label: null, kind: 'neg-rrn-bad-date' };
}
function phone(r: R): Value {
  const sep = pick(r, ['-', ' ', '.', '']);
  const forms = [
    () => `010${sep}${digits(r, 4)}${sep}${digits(r, 4)}`,
    () => `02${sep || '-'}${int(r, 200, 999)}${sep || '-'}${digits(r, 4)}`,
    () => `0${int(r, 31, 64)}-${int(r, 200, 999)}-${digits(r, 4)}`,
    () => `070-${digits(r, 4)}-${digits(r, 4)}`,
    () => `+82 10-${digits(r, 4)}-${digits(r, 4)}`,
    () => `+82-2-${int(r, 200, 999)}-${digits(r, 4)}`,
    () => `${pick(r, ['1588', '1577', '1544', '1600', '1899'])}-${digits(r, 4)}`,
    () => `080-${int(r, 200, 999)}-${digits(r, 4)}`,
  ];
  return { text: pick(r, forms)(), label: 'PHONE', kind: 'phone' };
}
function brn(r: R, valid: boolean): Value {
  const first9 = pad(int(r, 101, 999), 3) + pad(int(r, 1, 99), 2) + digits(r, 4);
  let c = brnCheck(first9);
  if (!valid) c = (c + int(r, 1, 9)) % 10;
  const s = first9 + c;
  return { text: `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}`, label: valid ? 'KR_BRN' : null, kind: valid ? 'brn-valid' : 'neg-brn-bad-checksum' };
}
function card(r: R): Value {
  const body = pick(r, ['4', '51', '52', '53', '54', '55']) ;
  const b = body + digits(r, 15 - body.length);
  const n = b + luhnCheck(b);
  const sep = pick(r, ['-', ' ', '']);
  return { text: [n.slice(0, 4), n.slice(4, 8), n.slice(8, 12), n.slice(12)].join(sep), label: 'CREDIT_CARD', kind: 'card' };
}
function email(r: R): Value {
  const user = pick(r, ['hong', 'kim.minsu', 'lee_jy', 'park2024', 'jiwoo.choi']);
  const dom = pick(r, ['example.com', 'corp.co.kr', 'naver.com', 'test.kr']);
  return { text: `${user}@${dom}`, label: 'EMAIL', kind: 'email' };
}
const hex = (r: R, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(r, 0, 15)]).join('');
function negative(r: R): Value {
  const forms: Array<[string, () => string]> = [
    ['neg-order', () => `${int(r, 2019, 2025)}${pad(int(r, 1, 12), 2)}${pad(int(r, 1, 28), 2)}-${digits(r, 7)}`],
    ['neg-timestamp', () => `${int(r, 2019, 2025)}-${pad(int(r, 1, 12), 2)}-${pad(int(r, 1, 28), 2)} ${pad(int(r, 0, 23), 2)}:${pad(int(r, 0, 59), 2)}:${pad(int(r, 0, 59), 2)}`],
    ['neg-uuid', () => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`],
    ['neg-git', () => hex(r, 40)],
    ['neg-amount', () => `${int(r, 1, 999)},${pad(int(r, 0, 999), 3)},${pad(int(r, 0, 999), 3)}원`],
    ['neg-version', () => `v${int(r, 1, 20)}.${int(r, 0, 30)}.${int(r, 0, 99)}`],
    ['neg-tracking', () => `${digits(r, 4)}-${digits(r, 4)}-${digits(r, 4)}`],
    ['neg-invoice', () => `INV-${int(r, 2019, 2025)}-${digits(r, 6)}`],
  ];
  const [kind, f] = pick(r, forms);
  return { text: f(), label: null, kind };
}

const PARTICLES = ['', '', '은', '는', '이', '가', '을', '를', '로', '으로', '이고', '입니다', '이며', '(으)로'];

const TEMPLATES: Array<[string, (r: R) => Value]> = [
  ['고객 주민등록번호 {v}{p} 확인 부탁드립니다.', rrnValid],
  ['주민번호: {v}{p} 본인 확인 완료', rrnPost2020],
  ['신청자 {v}{p} 조회 결과가 없습니다.', rrnBadDate],
  ['연락처는 {v}{p} 연락 주세요.', phone],
  ['대표번호 {v}{p} 문의 바랍니다.', phone],
  ['사업자등록번호 {v}{p} 세금계산서 발행 요청', (r) => brn(r, true)],
  ['등록번호 {v}{p} 확인 요망', (r) => brn(r, false)],
  ['결제 카드 {v}{p} 승인 실패했습니다.', card],
  ['메일은 {v}{p} 보내 주세요.', email],
  ['주문번호 {v}{p} 배송 조회 부탁합니다.', negative],
  ['로그 시각 {v}{p} 에러 발생', negative],
  ['참조 {v}{p} 커밋을 확인하세요.', negative],
];

const FILLER = [
  '안녕하세요, 문의드립니다.', '오늘 회의는 3시에 시작합니다.', '감사합니다.', '아래 내용 검토 부탁드려요.',
  '지난주 보고서 수정본입니다.', '처리 일정은 다음 주 월요일입니다.', '',
];

/** `count` labelled samples from `seed`; the same arguments always give the same corpus. */
export function koreanCorpus(seed = 20240601, count = 2000): Sample[] {
  const r = rng(seed);
  const out: Sample[] = [];
  for (let k = 0; k < count; k++) {
    const [tpl, gen] = pick(r, TEMPLATES);
    const v = gen(r);
    const p = pick(r, PARTICLES);
    const before = pick(r, FILLER);
    const prefix = (before ? before + ' ' : '') + tpl.slice(0, tpl.indexOf('{v}'));
    const suffix = tpl.slice(tpl.indexOf('{p}') + 3) + (r() < 0.5 ? ' ' + pick(r, FILLER) : '');
    const text = prefix + v.text + p + suffix;
    const spans = v.label ? [{ type: v.label, start: prefix.length, end: prefix.length + v.text.length }] : [];
    out.push({ text, spans, kind: v.kind });
  }
  return out;
}
