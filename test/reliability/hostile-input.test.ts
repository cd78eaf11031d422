/**
 * Hostile input: a corpus of malformed and adversarial requests (deep nesting, huge strings,
 * invalid UTF-8, lone surrogates, duplicate keys, prototype-pollution keys in bodies and headers,
 * header injection, path tricks on /admin) and fast-check fuzzing of random bodies. Never a 500
 * with internals, never a crash (the gateway answers /healthz after), every 4xx in OpenAI's error
 * shape, and Object.prototype untouched in the process that ran the gateway.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockedGateway, type MockedGateway, type TestGateway } from '../support/gateway.ts';
import type { MockUpstream } from '../support/mock-upstream/index.ts';
import { leaksInternals, notOpenAIError, prototypeKeys } from './support/checks.ts';

const MAX_BODY = 256 * 1024;
const EMAIL = 'hostile.person@example.org';

let mock: MockUpstream;
let gw: TestGateway;
let setup: MockedGateway;
const protoBefore = prototypeKeys();

beforeAll(async () => {
  setup = await startMockedGateway({ env: { VEIL_MAX_BODY_BYTES: String(MAX_BODY), VEIL_UPSTREAM_TIMEOUT_MS: '5000' } });
  ({ mock, gw } = setup);
});
afterAll(() => setup?.close());

interface Sent { status: number; text: string; headers: Headers }

async function post(body: string | Uint8Array, opts: { path?: string; headers?: Record<string, string>; method?: string } = {}): Promise<Sent> {
  const res = await fetch(`${gw.url}${opts.path ?? '/v1/chat/completions'}`, {
    method: opts.method ?? 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...opts.headers },
    body: opts.method === 'GET' ? undefined : typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** The invariants every response must keep; returns the problems. */
function problems(r: Sent): string[] {
  const out: string[] = [];
  if (r.status >= 500 && r.status !== 502 && r.status !== 503 && r.status !== 504) out.push(`status ${r.status}: ${r.text.slice(0, 200)}`);
  const leak = leaksInternals(r.text);
  if (leak) out.push(`${leak} in body: ${r.text.slice(0, 300)}`);
  if (r.status >= 400 && r.status < 500) {
    const shape = notOpenAIError(r.text);
    if (shape) out.push(shape);
  }
  return out;
}

const chat = (content: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Raw HTTP/1.1 exchange, for what fetch refuses to send (bad header bytes, folded lines). */
function raw(request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(gw.url);
    // write, not end: a half-closed socket may be dropped before the answer; Connection: close ends it.
    const s = connect(Number(u.port), u.hostname, () => s.write(request));
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy());
  });
}

describe('hostile bodies', () => {
  const corpus: [string, () => string | Uint8Array, number[]][] = [
    ['10k-deep nested arrays as content', () => `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${nested(10_000, '[', ']')}}]}`, [400]],
    ['10k-deep nested objects in an unknown field', () => `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"x":${nested(10_000, '{"a":', '}')}}`, [400]],
    ['200-deep nesting in an unknown field (a deep but sane tool schema)', () => `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"x":${nested(200, '{"a":', '}')}}`, [200]],
    ['100k-deep nesting (beyond any sane parser)', () => `{"model":"gpt-4o-mini","x":${nested(100_000, '[', ']')}}`, [400, 413]],
    ['a string as big as the body limit allows', () => chat('a'.repeat(MAX_BODY - 100)), [200]],
    ['a string just over the body limit', () => chat('a'.repeat(MAX_BODY)), [413]],
    ['invalid UTF-8 bytes in a string', () => Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('"}]}')]), [400]],
    ['a UTF-8 encoded surrogate (CESU) in a string', () => Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]}')]), [400]],
    ['lone surrogates as JSON escapes', () => chat('x \\ud800 y \\udfff z'.replace(/\\\\/g, '\\')), [200]],
    ['a lone high surrogate next to an email', () => `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\\ud800${EMAIL}\\udc00"}]}`, [200]],
    ['NUL and control characters', () => chat('a\u0000b\u0001c\u001f\u007f'), [200]],
    ['__proto__ in the body and in a message', () => `{"__proto__":{"polluted":"yes"},"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi","__proto__":{"role":"system","polluted":"yes"}}]}`, [200]],
    ['constructor.prototype in the body', () => `{"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`, [200]],
    ['__proto__ as the messages value', () => `{"model":"gpt-4o-mini","messages":{"__proto__":[]}}`, [400]],
    ['__proto__ as a model name', () => chat('hi', { model: '__proto__' }), [404]],
    ['toString / hasOwnProperty as model names', () => chat('hi', { model: 'hasOwnProperty' }), [404]],
    ['constructor as a role', () => `{"model":"gpt-4o-mini","messages":[{"role":"constructor","content":"hi"}]}`, [400]],
    ['a number as the body', () => '42', [400]],
    ['null as the body', () => 'null', [400]],
    ['a string as the body', () => '"hello"', [400]],
    ['a BOM before the JSON', () => '\ufeff' + chat('hi'), [200, 400]],
    ['trailing garbage after the JSON', () => chat('hi') + '}}}', [400]],
    ['a NaN literal', () => '{"model":"gpt-4o-mini","temperature":NaN,"messages":[]}', [400]],
    ['a huge number', () => `{"model":"gpt-4o-mini","max_tokens":1e400,"messages":[{"role":"user","content":"hi"}]}`, [200, 400]],
    ['content as an object', () => chat({ text: EMAIL }), [400]],
    ['100k messages', () => JSON.stringify({ model: 'gpt-4o-mini', messages: Array.from({ length: 100_000 }, () => ({ role: 'user', content: '' })) }), [400, 413]],
    ['5k small messages with emails (seam inspection cost)', () => JSON.stringify({ model: 'gpt-4o-mini', messages: Array.from({ length: 5_000 }, (_, i) => ({ role: 'user', content: i % 2 ? 'john.doe' : '@example.com' })) }), [200, 413]],
  ];

  it.each(corpus)('%s', async (_name, make, statuses) => {
    const r = await post(make());
    expect(problems(r)).toEqual([]);
    expect(statuses, `got ${r.status}: ${r.text.slice(0, 200)}`).toContain(r.status);
  });

  it('duplicate keys: the value inspected is the value forwarded (never the raw text)', async () => {
    mock.reset();
    // JSON.parse keeps the last duplicate; the email sits in the LAST one, so it must be redacted.
    const r = await post(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"innocent"}],"messages":[{"role":"user","content":"mail ${EMAIL}","content":"mail ${EMAIL} now"}]}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-veil-decision')).toBe('redact');
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]!.rawBody).not.toContain(EMAIL);
    expect(mock.requests[0]!.rawBody).not.toContain('innocent');
    // And the earlier duplicate, which the parser dropped, is not smuggled upstream either.
    mock.reset();
    const r2 = await post(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"mail ${EMAIL}"}],"messages":[{"role":"user","content":"innocent"}]}`);
    expect(r2.status).toBe(200);
    expect(mock.requests[0]!.rawBody).not.toContain(EMAIL);
  });

  it('fast-check: random JSON bodies never break the invariants', async () => {
    const anyBody = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          model: fc.oneof(fc.constant('gpt-4o-mini'), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 })),
          messages: fc.oneof(
            fc.array(
              fc.record(
                {
                  role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer', '__proto__'), fc.string({ maxLength: 8 })),
                  content: fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.jsonValue({ maxDepth: 3 }), fc.constant(`x ${EMAIL} y`)),
                  name: fc.string({ maxLength: 10 }),
                  tool_calls: fc.jsonValue({ maxDepth: 3 }),
                },
                { requiredKeys: ['role'] },
              ),
              { maxLength: 5 },
            ),
            fc.jsonValue({ maxDepth: 3 }),
          ),
          stream: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
          max_tokens: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
          n: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constant(null)),
          tools: fc.jsonValue({ maxDepth: 3 }),
        }, { requiredKeys: [] })
        .map((o) => JSON.stringify(o)),
      // Own `__proto__` / `constructor` keys (an object literal cannot express them as generators).
      fc
        .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 }))
        .map(([k, v, content]) => `{${JSON.stringify(k)}:${JSON.stringify(v)},"model":"gpt-4o-mini","messages":[{"role":"user","content":${JSON.stringify(content)},${JSON.stringify(k)}:${JSON.stringify(v)}}]}`),
      fc.string({ maxLength: 300, unit: 'binary' }),
    );
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const r = await post(body);
        expect(problems(r)).toEqual([]);
      }),
      { numRuns: 250 },
    );
  }, 120_000);
});

describe('hostile headers', () => {
  it('prototype-pollution header names and duplicated auth headers are harmless', async () => {
    // fromEntries makes them own keys (`{ __proto__: 'x' }` would set the prototype instead).
    const headers = Object.fromEntries([['__proto__', 'x'], ['constructor', 'y'], ['prototype', 'z'], ['anthropic-version', '__proto__']]) as Record<string, string>;
    expect(Object.keys(headers)).toContain('__proto__');
    const r = await post(chat('hi'), { headers });
    expect(problems(r)).toEqual([]);
    expect(r.status).toBe(200);
    const two = await raw(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.key}\r\nAuthorization: Bearer veil_evil_evil\r\nContent-Type: application/json\r\nContent-Length: ${chat('hi').length}\r\nConnection: close\r\n\r\n${chat('hi')}`);
    // Two keys joined by the parser are not a valid key: refused, not confused.
    expect(two).toMatch(/^HTTP\/1\.1 401/);
  });

  it('header injection: CR/LF never reaches a response header; the request id is ours', async () => {
    const body = chat('hi', { model: 'gpt-4o-mini\r\nx-injected: 1' });
    const res = await raw(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gw.key}\r\nX-Veil-Request-Id: spoofed\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    const [head, text] = [res.slice(0, res.indexOf('\r\n\r\n')), res.slice(res.indexOf('\r\n\r\n') + 4)];
    // `gpt-…` is a routed prefix, so the odd name may even be answered; it never becomes a header.
    expect(head).toMatch(/^HTTP\/1\.1 (200|404)/);
    expect(head.toLowerCase()).not.toContain('x-injected');
    expect(head).not.toContain('spoofed');
    expect(head).toMatch(/x-veil-request-id: req_[0-9a-f]+/i);
    expect(leaksInternals(text)).toBeNull();
    // Folded and NUL-bearing headers are refused by the HTTP parser before the app sees them.
    for (const bad of ['X-A: a\r\n folded\r\n', 'X-A: a\u0000b\r\n', `X-Big: ${'a'.repeat(20_000)}\r\n`]) {
      const out = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\n${bad}Connection: close\r\n\r\n`);
      expect(out).toMatch(/^HTTP\/1\.1 (4\d\d|200)/);
      expect(leaksInternals(out)).toBeNull();
    }
  });
});

describe('path tricks on /admin', () => {
  const paths = [
    '/admin/../v1/chat/completions',
    '/v1/../admin/api/keys',
    '/v1/chat/completions/../../admin/api/keys',
    '//admin/api/keys',
    '/%2e%2e/admin/api/keys',
    '/v1/%2e%2e/admin/api/keys',
    '/admin%2fapi%2fkeys',
    '/admin/api%2fkeys',
    '/ADMIN/API/KEYS',
    '/admin/api/keys/',
    '/admin/api//keys',
    '/admin/api/keys%00',
    '/admin/api/keys?__proto__[polluted]=yes',
    '/admin/api/./keys',
    '/admin/api/admin-keys/..%2f..%2fkeys',
    '/v1/chat/completions%2f..%2f..%2fadmin%2fapi%2fkeys',
  ];

  it.each(paths)('%s: no admin data without an admin credential, no 500, no internals', async (path) => {
    for (const method of ['GET', 'POST']) {
      // With the gateway key (a client key is not an admin credential) and with none.
      for (const auth of [{ authorization: `Bearer ${gw.key}` }, { authorization: '' }]) {
        const res = await raw(`${method} ${path} HTTP/1.1\r\nHost: x\r\n${auth.authorization ? `Authorization: ${auth.authorization}\r\n` : ''}Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(res)?.[1]);
        const text = res.slice(res.indexOf('\r\n\r\n') + 4);
        expect(status, res.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
        expect(leaksInternals(text)).toBeNull();
        expect(text).not.toMatch(/"secret_hash"|"prefix":\s*"veil_/);
      }
    }
  });
});

describe('after all of it', () => {
  it('the gateway still answers, and Object.prototype is untouched', async () => {
    const h = await fetch(`${gw.url}/healthz`);
    expect(h.status).toBe(200);
    const r = await post(chat('still fine?'));
    expect(r.status).toBe(200);
    expect(prototypeKeys()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});
