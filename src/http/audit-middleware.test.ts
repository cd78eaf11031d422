import { describe, expect, it } from 'vitest';
import { endpointLabel } from './audit-middleware.ts';

describe('endpointLabel', () => {
  it('keeps API paths', () => {
    expect(endpointLabel('POST', '/v1/chat/completions')).toBe('POST /v1/chat/completions');
    expect(endpointLabel('POST', '/v1/messages/count_tokens')).toBe('POST /v1/messages/count_tokens');
    expect(endpointLabel('GET', '/v1/models')).toBe('GET /v1/models');
  });

  it('never stores a path that could carry a value', () => {
    for (const p of ['/v1/jane@corp.com', '/v1/900101-1234568', '/v1/4111111111111111', '/v1/chat/completions?x=a@b.co', '/v1/Jane', '/v1/a/b/c/d']) {
      expect(endpointLabel('POST', p)).toBe('POST /v1/(unrecognized path)');
    }
    expect(endpointLabel('a@b.co', '/v1/models')).toBe('OTHER /v1/models');
  });
});
