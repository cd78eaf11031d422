import { describe, expect, it } from 'vitest';
import { isPlaceholder } from './placeholder.ts';

describe('isPlaceholder', () => {
  it.each([
    '', '   ', '********', 'xxxx', 'XXXXXXXXXXXX', '<redacted>', '<your-api-key>', '${VAR}', '${DB_PASSWORD:-x}',
    '$VAR', '$env:TOKEN', '%TOKEN%', '{{ secret }}', '{{secrets.API_KEY}}', 'os.environ["KEY"]',
    'process.env.OPENAI_API_KEY', 'os.getenv("PW")', 'changeme', 'CHANGEME', 'password', '"secret"',
    'your_api_key_here', 'sk-...', 'example-token', '[token]', 'null', '비밀번호',
  ])('%j is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  it.each(['hunter2!', 'Tr0ub4dor&3', 'p@ss w0rd', 'qwer1234!', 'a8F3kL0pQz'])('%j is a value', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });
});

describe('isPlaceholder: marks that random keys contain by chance', () => {
  it.each([
    'ynZMK+wp/0YpJyfRU7SKYFbzQR+Y3DXxxxQbDa7E', // `Xxxx` in mixed case is not a mask run
    'django-insecure-h4hl^5ymnc&ti2%2+c-hkwjj6=i06%(u)mif7+k@q', // `%(` not followed by `name)s`
    'k3#{9a!Qz0pL',
  ])('%j is a value', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });

  it.each(['%(password)s', 'pw-%(db_pw)s', '#{ENV}', '#{@password}', 'sk-xxxxxxxx', 'AKIAXXXXXXXXXXXXXXXX'])('%j is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });
});
