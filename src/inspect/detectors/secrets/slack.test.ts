import { describe, expect, it } from 'vitest';
import { ALNUM, UPPER_NUM, fakeRandom, matchedValues } from './fake-secrets.ts';
import { slackToken } from './slack.ts';

const r = fakeRandom(16);
const digits = (n: number): string => r('0123456789', n);

describe('secret.slack', () => {
  it.each([
    `xoxb-${digits(12)}-${digits(13)}-${r(ALNUM, 24)}`,
    `xoxp-${digits(12)}-${digits(12)}-${digits(12)}-${r('0123456789abcdef', 32)}`,
    `xoxa-2-${digits(9)}-${digits(11)}-${r(ALNUM, 18)}`,
    `xoxr-1-${r(ALNUM, 30)}`,
    `xoxs-${digits(10)}-${digits(10)}-${digits(10)}-${r('0123456789abcdef', 10)}`,
    `https://hooks.slack.com/services/T${r(UPPER_NUM, 10)}/B${r(UPPER_NUM, 10)}/${r(ALNUM, 24)}`,
  ])('finds %s quoted and bare', (token) => {
    expect(matchedValues(slackToken, `SLACK_TOKEN="${token}"`)).toEqual([token]);
    expect(matchedValues(slackToken, `post to ${token} now`)).toEqual([token]);
  });

  it.each([
    'xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx',
    'xoxb-xoxb-my-bot-token',
    'xoxo gossip girl',
    'xoxb-123456789012-XXXXXXXXXXXXXXXXXXXXXXXX',
    'https://hooks.slack.com/services/XXXXXXXXX/XXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX',
    'see https://api.slack.com/authentication/token-types',
  ])('ignores %s', (text) => {
    expect(matchedValues(slackToken, text)).toEqual([]);
  });
});
