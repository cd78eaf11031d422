/**
 * @module inspect/detectors/pii/phone-words
 * Context words shared by the phone detectors (lower-case). Kept in one place so the Korean,
 * NANP and international detectors agree on what "talking about a phone number" looks like.
 */
export const PHONE_CONTEXT: readonly string[] = [
  // English
  'phone', 'tel', 'mobile', 'cell', 'fax', 'call', 'dial', 'desk', 'contact',
  'messag', 'text me', 'sms', 'whatsapp', 'reach', 'answer', 'hotline', 'ext',
  // Korean
  '전화', '연락', '휴대', '핸드폰', '폰', '팩스', '문의', '대표번호', '콜센터', '고객센터', '상담',
];

/**
 * Labels written after a number ("… 1693-Office", "555 0100 (mobile)"). "office" is only a
 * label after the number: before it, it introduces street addresses ("our office is at 17031 …").
 */
export const PHONE_CONTEXT_AFTER: readonly string[] = [
  'phone', 'tel', 'mobile', 'cell', 'fax', 'office', 'home', 'work', 'desk', '휴대', '자택', '사무실', '팩스',
];
