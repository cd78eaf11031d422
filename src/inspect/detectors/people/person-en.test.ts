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

  it('finds cues where their start words overlap given names or other start words', () => {
    // `Hi` opens `Hiroshi`, `To` opens `Tomasz`: one finder hit must serve both rules.
    expect(names('Hi Hiroshi,\nsee you')).toEqual(['Hiroshi']);
    expect(names('To: Tomasz Nowicki\n', 0.7)).toEqual(['Tomasz Nowicki']);
    expect(names('Mrs. Laura Carvalho', 0.85)).toEqual(['Laura Carvalho']);
    expect(names('Hello Ada,')).toEqual(['Ada']);
    expect(names('Best wishes,\nRuth Bader')).toEqual(['Ruth Bader']);
  });

  it('finds the lower-case cues at the edges of the text', () => {
    expect(names('my name is lena andersson')).toEqual(['lena andersson']);
    expect(names('call me maria')).toEqual(['maria']);
    expect(names('So, call me Ishmael.')).toEqual(['Ishmael']);
    expect(names('name: Maria Lopez', 0.7)).toEqual(['Maria Lopez']);
    expect(names('Name is Ken Fukuda')).toEqual(['Ken Fukuda']);
    for (const text of ['name', 'my name', 'call me', 'Dear', 'Mr.', 'Regards,\n', 'M', 'ame is Bob']) expect(names(text), text).toEqual([]);
  });

  it('ignores cue words glued to a preceding letter', () => {
    expect(names('timeoutMs Smith, retriesMr Jones', 0.6)).toEqual([]);
    expect(names('getName: Maria Lopez', 0.6)).toEqual([]);
    expect(names('reHi Bob,', 0.6)).toEqual([]);
    expect(names('xJohn Smith')).toEqual([]);
  });

  it('keeps the stronger cue when two cues claim the same name, wherever they sit', () => {
    // The title cue (0.85) and the given-name rule (0.5) both see John Smith.
    const found = personEn.detect('Thanks,\nMr. John Smith', {});
    expect(found.map((f) => f.score)).toEqual([0.85]);
    expect(found.map((f) => 'Thanks,\nMr. John Smith'.slice(f.start, f.end))).toEqual(['John Smith']);
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
