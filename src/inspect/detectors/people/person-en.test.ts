import { describe, expect, it } from 'vitest';
import { personEn } from './person-en.ts';

const names = (text: string, min = 0): string[] =>
  personEn
    .detect(text, {})
    .filter((f) => f.score >= min)
    .map((f) => text.slice(f.start, f.end));

describe('person.en', () => {
  it.each([
    ['My name is John Smith.', 'John Smith'],
    ['hi, my name is lena andersson and my card is lost', 'lena andersson'],
    ["I'm Priyanka Chopra, from accounts.", 'Priyanka Chopra'],
    ['Please ask Mr. Leiva to call back', 'Leiva'],
    ['Dr. Jane A. Doe will see you', 'Jane A. Doe'],
    ['Dear Oksana Petrenko,\nthank you', 'Oksana Petrenko'],
    ['Hi Sarah,\nthe report is ready', 'Sarah'],
    ['Regards,\nTomasz Nowicki', 'Tomasz Nowicki'],
    ['Thanks,\n-- Ngozi', 'Ngozi'],
    ['Name: Ken N. Fukuda\nAddress: somewhere', 'Ken N. Fukuda'],
    ['Patient: Maria Lopez DOB 1980-01-01', 'Maria Lopez'],
    ['the film was directed by Laura Carvalho in 1977', 'Laura Carvalho'],
  ])('finds %j', (text, name) => {
    expect(names(text)).toEqual([name]);
  });

  it('reports PERSON with stronger scores for stronger cues', () => {
    const [intro] = personEn.detect('My name is Ada Lovelace', {});
    const [dict] = personEn.detect('a letter from Laura Carvalho', {});
    expect(intro).toMatchObject({ type: 'PERSON', detector: 'person.en', start: 11, end: 23 });
    expect(intro?.score).toBeGreaterThan(dict?.score ?? 1);
  });

  it.each([
    'Hello World',
    'Dear Team,',
    'Hi All!',
    'Dear Sir/Madam,',
    'I am Happy to help you',
    'Thanks,\nThe Support Team',
    'Best,\nCustomer Service',
    'Ship it to 1317 Kimberly Way please',
    'Russell Investments reported earnings',
    'The Quick Brown Fox jumps',
  ])('ignores %j at the default score', (text) => {
    expect(names(text, 0.45)).toEqual([]);
  });

  it('finds form labels with or without their prefix words, in either case', () => {
    for (const label of ['Full Name', 'First name', 'Account Name', 'Card holder Name', 'Cardholder name', 'Patient Name', 'Name', 'Tenant', 'Attn', 'From']) {
      expect(names(`x\n${label}: Maria Lopez\n`, 0.5)).toEqual(['Maria Lopez']);
    }
    // The label must start a word (0.5 would be the weaker given-name + surname rule).
    expect(names('xName: Maria Lopez', 0.6)).toEqual([]);
    expect(names('Surname: Lopez', 0.5)).toEqual([]);
  });

  it('is fast and safe on 1 MB hostile input', () => {
    for (const unit of ['Mr. ', 'Dear John ', 'My name is ', 'Aaaa Bbbb ', 'James ', 'Regards,\n']) {
      const text = unit.repeat(Math.ceil((1 << 20) / unit.length));
      const t0 = performance.now();
      personEn.detect(text, {});
      expect(performance.now() - t0, unit).toBeLessThan(3000);
    }
    expect(() => personEn.detect('\ud800Mr. \u0000Smith', {})).not.toThrow();
  });
});
