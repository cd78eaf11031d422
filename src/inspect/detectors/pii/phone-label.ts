/**
 * @module inspect/detectors/pii/phone-label
 * Whose label is the word before a number? Phone numbers written without a country code or a
 * distinctive grouping are only phone numbers because a phone word labels them. A phone word
 * somewhere before the number is not enough: in "안녕하세요, 문의드립니다. 등록번호 874-35-75315"
 * the phone word (`문의`) belongs to the greeting, and the number is labelled `등록번호`.
 *
 * Rules, applied to the window before the number (cut after the last digit before it, as in
 * `hasOwnContext`, so a label belongs to the first number after it):
 * 1. the nearest label wins: a non-phone number label (`OTHER_NUMBER_LABELS`) after the last
 *    phone word means the number is something else;
 * 2. a phone word's label ends with its sentence: a `.`, `!`, `?` or `。` and white space after
 *    the phone word, followed by more words before the number ("… 문의드립니다. 로그 시각 …"),
 *    means the number belongs to a later sentence. `Tel. 555 0100` has no words after the dot.
 */
import { ownWindowStart } from './context.ts';
import { OTHER_NUMBER_LABELS } from './phone-words.ts';
import { windowLastWord } from './window-words.ts';

const SENTENCE_END = /[.!?\u3002]\s/;

export type NumberLabel = 'phone' | 'other' | 'none';

function isLetterLike(c: number): boolean {
  // ASCII letters and Hangul syllables/jamo: what the words of a new sentence are made of.
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x3131 && c <= 0x318e);
}

/**
 * The label of the number starting at `start`: a phone word (`phoneWords`, lower-case) that is
 * its own label, another number's label, or none within `before` characters. With
 * `otherIfNoPhone` false, a window without a phone word answers `none` without looking for other
 * labels (callers that treat `other` and `none` alike there save the second search).
 */
export function numberLabel(
  text: string,
  start: number,
  phoneWords: readonly string[],
  before = 40,
  otherIfNoPhone = true,
): NumberLabel {
  const from = ownWindowStart(text, start, before);
  if (start <= from) return 'none';
  const [phoneAt, phoneLen] = windowLastWord(text, from, start, phoneWords);
  if (phoneAt < 0 && !otherIfNoPhone) return 'none';
  const [otherAt] = windowLastWord(text, from, start, OTHER_NUMBER_LABELS);
  if (otherAt > phoneAt) return 'other';
  if (phoneAt < 0) return 'none';
  // A sentence end after the phone word, followed by more words before the number, closes the
  // phone word's label; "Tel. 555 0100" and "Call me! 555 0100" have no words after the dot.
  // (Indices are into the lower-cased window, as `windowLastWord` returns them.)
  const rest = text.slice(from, start).toLowerCase().slice(phoneAt + phoneLen);
  const end = SENTENCE_END.exec(rest);
  if (end !== null) {
    const after = rest.slice(end.index + end[0].length);
    for (let i = 0; i < after.length; i++) if (isLetterLike(after.charCodeAt(i))) return 'none';
  }
  return 'phone';
}
