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

/**
 * Labels of numbers that are not phone numbers (order, tracking, invoice, registration, account
 * numbers, …). When one of them stands between a phone word and a number ("문의드립니다. 주문번호
 * 8338-0919-5557"), the number is labelled by it, not by the phone word. Compound forms only:
 * `주문자` (the person who ordered) or `account manager` introduce people, whose phone may follow.
 */
export const OTHER_NUMBER_LABELS: readonly string[] = [
  // English
  'order no', 'order number', 'order id', 'order #', 'order:', 'tracking', 'invoice', 'reference',
  'ref no', 'ref.', 'ref:', 'ref #', 'account no', 'account number', 'serial', 'ticket no',
  'ticket number', 'case no', 'case number', 'transaction id', 'registration', 'confirmation no',
  'confirmation number', 'booking no', 'booking number', 'booking ref', 'reservation no',
  'reservation number', 'customer no', 'customer id', 'member no', 'member id', 'policy no',
  'policy number', 'isbn',
  // Korean
  '주문번호', '주문 번호', '송장', '운송장', '운송 번호', '등록번호', '사업자', '주민', '외국인',
  '계좌', '승인번호', '예약번호', '회원번호', '고객번호', '거래번호', '접수번호', '일련번호',
  '참조', '문서번호', '인보이스', '청구서', '카드번호',
];
