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
