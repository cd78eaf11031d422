import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedDigest } from './keyed-digest.ts';
import { createHmacSha256, sha256 } from './hmac-sha256.ts';

const encoder = new TextEncoder();
const hexOf = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

async function subtleHmac(key: Uint8Array, msg: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', new Uint8Array(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, new Uint8Array(msg)));
}

describe('sha256', () => {
  it('matches the FIPS 180-4 vectors', () => {
    expect(hexOf(sha256(encoder.encode('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hexOf(sha256(encoder.encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hexOf(sha256(encoder.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
});

describe('createHmacSha256', () => {
  it('matches RFC 4231 test case 2', () => {
    const mac = createHmacSha256(encoder.encode('Jefe')).sign('what do ya want for nothing?');
    expect(hexOf(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('is byte-identical to WebCrypto HMAC for any key and message length (block edges included)', async () => {
    const lengths = fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(55, 56, 63, 64, 65, 119, 120, 128));
    await fc.assert(
      fc.asyncProperty(
        lengths.chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 150 }), fc.constantFrom(new Uint8Array(64).fill(7), new Uint8Array(65).fill(9))),
        async (msg, key) => {
          expect(hexOf(createHmacSha256(key).sign(msg))).toBe(hexOf(await subtleHmac(key, msg)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('signs strings as their UTF-8 bytes', async () => {
    const key = encoder.encode('k');
    const msg = 'veil/v1|pseudonym|4:team|5:EMAIL|jöhn@例え.jp';
    expect(hexOf(createHmacSha256(key).sign(msg))).toBe(hexOf(await subtleHmac(key, encoder.encode(msg))));
  });
});

describe('createKeyedDigest', () => {
  it('gives the digest the WebCrypto implementation gave, so placeholders do not change', async () => {
    const secret = 'test-secret-0123456789abcdef0123456789';
    const d = await createKeyedDigest(secret);
    const got = await d.digest('pseudonym', 'team-a', 'EMAIL', 'jane.doe@example.com');
    const msg = `veil/v1|pseudonym|6:team-a|5:EMAIL|jane.doe@example.com`;
    expect(hexOf(got)).toBe(hexOf(await subtleHmac(encoder.encode(secret), encoder.encode(msg))));
  });
});
