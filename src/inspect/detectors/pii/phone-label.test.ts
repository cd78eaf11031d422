import { describe, expect, it } from 'vitest';
import { numberLabel } from './phone-label.ts';
import { PHONE_CONTEXT } from './phone-words.ts';

const label = (before: string, number = '8338-0919-5557') => numberLabel(before + number, before.length, PHONE_CONTEXT, 40);

describe('numberLabel', () => {
  it('a phone word right before the number is its label', () => {
    expect(label('Phone:\n')).toBe('phone');
    expect(label('연락처는 ')).toBe('phone');
    expect(label('Tel. ')).toBe('phone'); // abbreviation dot, not a sentence end
    expect(label('Can someone call me on ')).toBe('phone');
    expect(label('주문자 김민수 휴대폰 ')).toBe('phone'); // 주문자 (orderer) is a person, not a number label
  });

  it('the nearest label wins', () => {
    expect(label('문의: 주문번호 ')).toBe('other');
    expect(label('Please call about tracking ')).toBe('other');
    expect(label('참조 ')).toBe('other');
    expect(label('invoice 1, call ')).toBe('phone'); // the window starts after the last digit
    expect(label('사업자등록번호 ')).toBe('other');
  });

  it('a phone word in an earlier sentence does not label the number', () => {
    expect(label('안녕하세요, 문의드립니다. 로그 시각 ')).toBe('none');
    expect(label('Thanks for the call. The code is ')).toBe('none');
    expect(label('call me! ')).toBe('phone'); // no words between the sentence end and the number
    expect(label('Tel. ')).toBe('phone');
  });

  it('no label at all', () => {
    expect(label('')).toBe('none');
    expect(label('room ')).toBe('none');
  });
});
