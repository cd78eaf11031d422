import { describe, expect, it } from 'vitest';
import { URLSAFE, fakeRandom, matchedValues } from './fake-secrets.ts';
import { googleApiKey } from './google-api.ts';

const r = fakeRandom(18);
const key = `AIza${r(URLSAFE, 35)}`;

describe('secret.google_api', () => {
  it.each([
    `GOOGLE_API_KEY=${key}`,
    `https://maps.googleapis.com/maps/api/js?key=${key}&callback=init`,
    `{"apiKey": "${key}"}`,
  ])('finds the key in %s', (text) => {
    expect(matchedValues(googleApiKey, text)).toEqual([key]);
  });

  it.each([
    `AIza${r(URLSAFE, 34)}`,
    `AIza${r(URLSAFE, 36)}`,
    'AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
    'AIza...',
    `xAIza${r(URLSAFE, 35)}`,
  ])('ignores %s', (text) => {
    expect(matchedValues(googleApiKey, text)).toEqual([]);
  });
});
