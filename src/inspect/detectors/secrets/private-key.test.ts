import { describe, expect, it } from 'vitest';
import { BASE64, fakeRandom } from './fake-secrets.ts';
import { privateKey } from './private-key.ts';

const r = fakeRandom(21);
const body = (lines: number): string => Array.from({ length: lines }, () => r(BASE64, 64)).join('\n');

function spans(text: string): string[] {
  return privateKey.detect(text, {}).map((f) => text.slice(f.start, f.end));
}

describe('secret.private_key', () => {
  it.each(['', 'RSA ', 'EC ', 'DSA ', 'OPENSSH ', 'ENCRYPTED '])('covers a whole %sPRIVATE KEY block', (kind) => {
    const block = `-----BEGIN ${kind}PRIVATE KEY-----\n${body(4)}\n${r(BASE64, 22)}==\n-----END ${kind}PRIVATE KEY-----`;
    const found = privateKey.detect(`key:\n${block}\ndone`, {});
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ type: 'PRIVATE_KEY', start: 5, end: 5 + block.length, score: 1 });
  });

  it('covers PGP private key blocks with armour headers', () => {
    const block = `-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n${body(3)}\n=${r(BASE64, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`;
    expect(spans(`x ${block} y`)).toEqual([block]);
  });

  it('covers JSON-escaped keys in a service-account file', () => {
    const block = `-----BEGIN PRIVATE KEY-----\\n${r(BASE64, 64)}\\n${r(BASE64, 30)}\\n-----END PRIVATE KEY-----\\n`;
    const json = `{"type":"service_account","private_key":"${block}","client_email":"a@b.iam"}`;
    expect(spans(json)).toEqual([block.slice(0, -2)]);
  });

  it('covers a truncated key (no END) through its base64 body but not the prose after it', () => {
    const head = `-----BEGIN RSA PRIVATE KEY-----\n${body(3)}\n${r(BASE64, 12)}`;
    expect(spans(`${head}\n\nCan you tell me why ssh rejects this?`)).toEqual([head]);
    const escaped = `-----BEGIN PRIVATE KEY-----\\n${r(BASE64, 64)}\\n${r(BASE64, 64)}`;
    expect(spans(`"${escaped}" is what I have`)).toEqual([escaped]);
  });

  it('covers a legacy encrypted PEM with Proc-Type headers', () => {
    const block = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${r('0123456789ABCDEF', 32)}\n\n${body(2)}\n-----END RSA PRIVATE KEY-----`;
    expect(spans(block)).toEqual([block]);
  });

  it('gives a cut key and a following complete key one finding each', () => {
    const cut = `-----BEGIN EC PRIVATE KEY-----\n${body(2)}`;
    const whole = `-----BEGIN EC PRIVATE KEY-----\n${body(2)}\n-----END EC PRIVATE KEY-----`;
    expect(spans(`${cut}\n${whole}`)).toEqual([cut, whole]);
  });

  it.each([
    `-----BEGIN PUBLIC KEY-----\n${body(2)}\n-----END PUBLIC KEY-----`,
    `-----BEGIN CERTIFICATE-----\n${body(2)}\n-----END CERTIFICATE-----`,
    'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host',
    'Paste your -----BEGIN... here',
  ])('ignores %s', (text) => {
    expect(spans(text)).toEqual([]);
  });
});
