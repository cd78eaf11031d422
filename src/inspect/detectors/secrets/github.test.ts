import { describe, expect, it } from 'vitest';
import { ALNUM, fakeRandom, matchedValues } from './fake-secrets.ts';
import { githubToken } from './github.ts';

const r = fakeRandom(15);

describe('secret.github', () => {
  it.each(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])('finds %s tokens', (prefix) => {
    const token = prefix + r(ALNUM, 36);
    expect(matchedValues(githubToken, `GITHUB_TOKEN=${token}`)).toEqual([token]);
    expect(matchedValues(githubToken, `https://${token}@github.com/org/repo.git`)).toEqual([token]);
  });

  it('finds fine-grained PATs', () => {
    const pat = `github_pat_${r(ALNUM, 22)}_${r(ALNUM, 59)}`;
    expect(matchedValues(githubToken, `token: "${pat}"`)).toEqual([pat]);
  });

  it.each([
    `ghp_${r(ALNUM, 35)}`,
    `ghp_${r(ALNUM, 37)}`,
    'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'ghp_...',
    `aghp_${r(ALNUM, 36)}`,
    'github_pat_...',
  ])('ignores %s', (text) => {
    expect(matchedValues(githubToken, text)).toEqual([]);
  });
});
