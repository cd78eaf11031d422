/**
 * Every secret detector must stay linear on hostile input: 1 MB strings built to provoke
 * backtracking (long runs of a token alphabet, repeated prefixes, labels without values).
 */
import { describe, expect, it } from 'vitest';
import { SECRET_DETECTORS } from './index.ts';

const MB = 1 << 20;
const fill = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const ADVERSARIAL: Record<string, string> = {
  letters: fill('a'),
  base64: fill('aB3+/'),
  urlsafe: fill('aZ9_-'),
  skPrefixes: fill('sk-'),
  longProj: `sk-proj-${fill('a')}`,
  antPrefixes: fill('sk-ant-api03-'),
  akia: fill('AKIA'),
  ghp: fill('ghp_'),
  slack: fill('xoxb-1-'),
  jwtish: fill('eyJhbGci.'),
  jwtLong: `eyJ${fill('a')}.eyJ${fill('b')}`,
  dbScheme: fill('postgres://'),
  dbUser: `postgres://u:${fill('p')}`,
  dbNoAt: fill('mysql://a:b'),
  begin: fill('-----BEGIN RSA PRIVATE KEY-----\n'),
  beginBody: `-----BEGIN PRIVATE KEY-----\n${fill('QUJD\n')}`,
  password: fill('password='),
  passwordSpaces: `password${' '.repeat(MB)}`,
  koreanLabel: fill('비밀번호는 '),
  passSegments: fill('db_pass='),
  myPass: fill('my db pass is '),
  quotedUnclosed: fill(`api_key="${'a1'.repeat(300)}`),
  assignments: fill('api_key='),
  keyNames: fill('a_token-'),
  awsLabel: fill('aws_secret_access_key = '),
  mixed: fill('key: "x" token=\'\' secret:\t'),
};

describe('secret detectors on 1 MB adversarial input', () => {
  for (const d of SECRET_DETECTORS) {
    it(`${d.id} finishes every case in under 1 s`, () => {
      for (const [name, text] of Object.entries(ADVERSARIAL)) {
        const t0 = performance.now();
        d.detect(text, {});
        const ms = performance.now() - t0;
        expect(ms, `${d.id} on ${name}`).toBeLessThan(3000);
      }
    });
  }

  it('never throws on odd strings', () => {
    const odd = ['', '\u0000', '\ud800', 'a\udc00b', 'password=\ud800', `eyJ${'\u0000'}.eyJ.`, '-----BEGIN PRIVATE KEY-----'];
    for (const d of SECRET_DETECTORS) for (const s of odd) expect(() => d.detect(s, {})).not.toThrow();
  });
});
