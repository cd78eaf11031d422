import { describe, expect, it } from 'vitest';
import { awsSecretKey } from './aws-secret.ts';
import { BASE64, fakeRandom, matchedValues } from './fake-secrets.ts';

const r = fakeRandom(14);
const secret = r(BASE64, 40);

describe('secret.aws_secret', () => {
  it.each([
    `aws_secret_access_key = ${secret}`,
    `AWS_SECRET_ACCESS_KEY="${secret}"`,
    `{"SecretAccessKey": "${secret}"}`,
    `awsSecretKey: '${secret}'`,
    `aws_secret_key=${secret}\n`,
  ])('finds the value only in %s', (text) => {
    expect(matchedValues(awsSecretKey, text)).toEqual([secret]);
  });

  it.each([
    `sha1 ${r('0123456789abcdef', 40)}`,
    `commit: ${r(BASE64, 40)}`,
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
    `aws_secret_access_key = ${'A'.repeat(40)}`,
    `aws_secret_access_key = ${r(BASE64, 41)}`,
  ])('ignores %s', (text) => {
    expect(matchedValues(awsSecretKey, text)).toEqual([]);
  });
});
