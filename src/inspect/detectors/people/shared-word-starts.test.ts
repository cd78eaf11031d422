import { describe, expect, it } from 'vitest';
import { TextScan } from '../../text-scan.ts';
import { sharedWordStarts } from './shared-word-starts.ts';

const titles = sharedWordStarts({ words: ['Dr', 'Mr', 'Mrs'] });
const streets = sharedWordStarts({ words: ['Dr', 'St', 'Street'], whole: true });
const TEXT = 'Mr Dr. Drew St Start Streets 12 Main St';

describe('sharedWordStarts', () => {
  it('gives each list its own hits, with or without a shared scan', () => {
    expect(titles.find(TEXT)).toEqual([0, 3, 7]);
    expect(streets.find(TEXT)).toEqual([3, 12, 37]);
    const scan = new TextScan(TEXT);
    expect(titles.find(TEXT, { scan })).toEqual([0, 3, 7]);
    expect(streets.find(TEXT, { scan })).toEqual([3, 12, 37]);
  });

  it('runs the pass once per shared scan, and never reads a scan made for another text', () => {
    const scan = new TextScan(TEXT);
    const first = titles.find(TEXT, { scan });
    expect(titles.find(TEXT, { scan })).toBe(first);
    expect(titles.find(TEXT)).not.toBe(first);
    expect(titles.find('Mrs X', { scan })).toEqual([0]);
    expect(streets.find('', { scan })).toEqual([]);
  });

  it('serves a list registered after the union was compiled, on a scan the old union already used', () => {
    const scan = new TextScan(TEXT);
    expect(titles.find(TEXT, { scan })).toEqual([0, 3, 7]);
    const late = sharedWordStarts({ words: ['Main', 'Start'] });
    expect(late.find(TEXT, { scan })).toEqual([15, 32]);
    expect(titles.find(TEXT, { scan })).toEqual([0, 3, 7]);
  });

  it('refuses bad words when the list is registered', () => {
    expect(() => sharedWordStarts({ words: ['M'] })).toThrow();
    expect(() => sharedWordStarts({ words: ['1st'], whole: true })).toThrow();
  });
});
