import { describe, expect, it } from 'vitest';
import { awsAccessKey } from './aws-access-key.ts';
import { UPPER_NUM, fakeRandom, matchedValues } from './fake-secrets.ts';
import { shannonEntropy } from './entropy.ts';
import fc from 'fast-check';
import { detectViaKeywordEnds } from '../../../../test/support/keyword-ends.ts';

const r = fakeRandom(13);

describe('secret.aws_access_key', () => {
  it.each(['AKIA', 'ASIA', 'ABIA', 'ACCA'])('finds %s keys in ini, JSON and CLI text', (prefix) => {
    const key = prefix + r(UPPER_NUM, 16);
    expect(matchedValues(awsAccessKey, `aws_access_key_id = ${key}`)).toEqual([key]);
    expect(matchedValues(awsAccessKey, `{"AccessKeyId":"${key}"}`)).toEqual([key]);
    expect(matchedValues(awsAccessKey, `AWS_ACCESS_KEY_ID=${key} aws s3 ls`)).toEqual([key]);
  });

  it.each([
    'AKIAIOSFODNN7EXAMPLE',
    'AKIAXXXXXXXXXXXXXXXX',
    `AKIA${r(UPPER_NUM, 15)}`,
    `AKIA${r(UPPER_NUM, 17)}`,
    `xAKIA${r(UPPER_NUM, 16)}`,
    'TODAYINASIAASACKOFRICEFELLOVER',
    'akia' + r(UPPER_NUM, 16).toLowerCase(),
  ])('ignores %s', (text) => {
    expect(matchedValues(awsAccessKey, text)).toEqual([]);
  });
});

describe('secret.aws_access_key: entropy floor', () => {
  it('finds a random id whose 16 characters happen to repeat (under 3 bits)', () => {
    const g = fakeRandom(77);
    let tail = '';
    do tail = g(UPPER_NUM, 16); while (!(shannonEntropy(tail) < 3 && shannonEntropy(tail) >= 2.3));
    expect(matchedValues(awsAccessKey, `aws_access_key_id = ASIA${tail}`)).toEqual([`ASIA${tail}`]);
  });

  it('still drops patterned masks', () => {
    expect(matchedValues(awsAccessKey, 'AKIA0000111122223333')).toEqual([]);
    expect(matchedValues(awsAccessKey, 'AKIAABABABABABABABAB')).toEqual([]);
  });
});

describe('secret.aws_access_key with the cue pass\'s keyword ends', () => {
  /** As the engine calls it: the cue pass recorded where the (case-folded) prefixes end. */
  const viaCues = detectViaKeywordEnds(awsAccessKey);
  const g = fakeRandom(5);

  it('asks for the positions and finds exactly what a scan of the whole text finds', () => {
    expect(awsAccessKey.keywordPositions).toBe(true);
    // Overlapping and folded prefixes (`akiasia`, `AsIa`), keys glued to each other and to letters.
    const piece = fc.constantFrom(
      'AKIA', 'ASIA', 'ABIA', 'ACCA', 'akia', 'AsIa', 'AKIASIA', 'ACCACCA', g(UPPER_NUM, 16), g(UPPER_NUM, 16), g(UPPER_NUM, 12), '7EXAMPLE',
      'X', 'x', '0', ' ', '=', '"', '\n', '\ud800', 'é',
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
      const text = parts.join('');
      const alone = awsAccessKey.detect(text, {});
      expect(viaCues(text)).toEqual(alone);
      expect(viaCues(text, true)).toEqual(alone);
    }), { numRuns: 3000 });
  });

  it('confirms case and boundaries at each recorded start', () => {
    const key = 'ASIA' + g(UPPER_NUM, 16);
    for (const text of [key, `x${key}`, `${key}x`, `${key}${key}`, `${key} ${key}`, key.toLowerCase(), `AKI${key}`, `${key.slice(0, 19)}`]) {
      expect(viaCues(text), text).toEqual(awsAccessKey.detect(text, {}));
    }
    expect(viaCues(`id=${key}`)).toHaveLength(1);
  });
});
