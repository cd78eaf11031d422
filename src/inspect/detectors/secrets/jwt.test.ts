import { describe, expect, it } from 'vitest';
import { URLSAFE, base64Url, fakeRandom, matchedValues } from './fake-secrets.ts';
import { decodeBase64Url, jwtToken } from './jwt.ts';

const r = fakeRandom(19);
const header = base64Url('{"alg":"HS256","typ":"JWT"}');
const payload = base64Url('{"sub":"1234567890","iat":1516239022,"role":"admin"}');
const jwt = `${header}.${payload}.${r(URLSAFE, 43)}`;

describe('secret.jwt', () => {
  it.each([
    `Authorization: Bearer ${jwt}`,
    `{"id_token":"${jwt}"}`,
    `https://app.example.com/cb#access_token=${jwt}&state=1`,
    `Cookie: session=${jwt}; Path=/`,
  ])('finds the token in %s', (text) => {
    expect(matchedValues(jwtToken, text)).toEqual([jwt]);
  });

  it('finds unsigned alg:none tokens', () => {
    const unsigned = `${base64Url('{"alg":"none"}')}.${payload}.`;
    expect(matchedValues(jwtToken, `t=${unsigned} `)).toEqual([unsigned]);
  });

  it.each([
    `${base64Url('{"typ":"JWT"}')}.${payload}.${r(URLSAFE, 43)}`,
    `eyJ${r(URLSAFE, 30)}.eyJ${r(URLSAFE, 40)}.${r(URLSAFE, 43)}`,
    'eyJhbGciOi...',
    `${r(URLSAFE, 20)}.${r(URLSAFE, 20)}.${r(URLSAFE, 20)}`,
    'version 1.2.3 of lib.min.js',
  ])('ignores %s', (text) => {
    expect(matchedValues(jwtToken, text)).toEqual([]);
  });

  it('decodes base64url and rejects impossible lengths', () => {
    expect(decodeBase64Url(base64Url('{"a":1}'))).toBe('{"a":1}');
    expect(decodeBase64Url('abcde')).toBeNull();
  });
});
