import { describe, expect, it } from 'vitest';
import { TextScan } from '../../text-scan.ts';
import { addressUs } from './address-us.ts';
import { personEn } from './person-en.ts';

const found = (text: string): string[] => addressUs.detect(text, {}).map((f) => text.slice(f.start, f.end));

describe('address.us', () => {
  it.each([
    ['Ship to 1600 Pennsylvania Ave NW, Washington, DC 20500 today', '1600 Pennsylvania Ave NW, Washington, DC 20500'],
    ['350 Fifth Avenue, Suite 5400, New York, NY 10118', '350 Fifth Avenue, Suite 5400, New York, NY 10118'],
    ['I moved to 221B Baker Street last year', '221B Baker Street'],
    ['Office: 12 N. Main St. Apt 4B', '12 N. Main St. Apt 4B'],
    ['send it to 742 Evergreen Terrace, Springfield, OR 97477-1234.', '742 Evergreen Terrace, Springfield, OR 97477-1234'],
    ['mail P.O. Box 1234 instead', 'P.O. Box 1234'],
    ['2450 Crown St', '2450 Crown St'],
  ])('finds %j', (text, address) => {
    expect(found(text)).toEqual([address]);
  });

  it('scores a complete address above a bare street line', () => {
    const [full] = addressUs.detect('1 Infinite Loop, Cupertino, CA 95014', {});
    const [bare] = addressUs.detect('1 Infinite Loop', {});
    expect(full).toMatchObject({ type: 'ADDRESS', detector: 'address.us' });
    expect(full?.score).toBeGreaterThan(bare?.score ?? 1);
  });

  it.each([
    'We watched 12 Angry Men',
    'Chapter 3 Drive Safely',
    'version 2 Way better',
    'In 2020 the company grew',
    'He scored 3 points on the way home',
  ])('ignores %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('finds the longest street lines its anchor window allows, and no suffix glued to a word', () => {
    const word = 'Abcdefghijklmnopqrstuvwxy'; // 25 characters, the most a street word may have
    const line = `123456-1234B   North   ${word}   ${word}   ${word}   ${word}   St`;
    expect(found(`at ${line} now`)).toEqual([line]);
    expect(found('12 MainSt and 12 Main Streets')).toEqual([]);
    expect(found('PO Box 17 and P. O. Box 9')).toEqual(['PO Box 17', 'P. O. Box 9']);
  });

  it('takes a suffix only as a whole word after the street name, at the end of the text too', () => {
    expect(found('12 Main Pl')).toEqual(['12 Main Pl']);
    expect(found('12 Main Pl.')).toEqual(['12 Main Pl.']);
    expect(found('12 Main\tSt,x')).toEqual(['12 Main\tSt']);
    expect(found('12 Main Please, 12 Main Stay, 12 Main\nSt')).toEqual([]);
    expect(found('12 Main Dr 5 Oak Way')).toEqual(['12 Main Dr', '5 Oak Way']);
  });

  it('finds the same with the word starts person.en already found on a shared scan', () => {
    const text = 'Dear Dr. Main, ship to 12 Main St, Springfield, IL 62704 or P.O. Box 9. Regards,\nMary Park';
    const scan = new TextScan(text);
    expect(personEn.detect(text, { scan }).length).toBeGreaterThan(0);
    const shared = addressUs.detect(text, { scan });
    expect(shared.map((f) => text.slice(f.start, f.end))).toEqual(['12 Main St, Springfield, IL 62704', 'P.O. Box 9']);
    expect(addressUs.detect(text, {})).toEqual(shared);
  });

  it('is fast and safe on 1 MB hostile input', () => {
    for (const unit of ['1 ', '12 Main ', '1 A B C D E ', '12 Main St, ', 'P.O. Box ']) {
      const text = unit.repeat(Math.ceil((1 << 20) / unit.length));
      const t0 = performance.now();
      addressUs.detect(text, {});
      expect(performance.now() - t0, unit).toBeLessThan(3000);
    }
  });
});
