import { describe, expect, it } from 'vitest';
import { awsAccessKey } from './aws-access-key.ts';
import { UPPER_NUM, fakeRandom, matchedValues } from './fake-secrets.ts';

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
