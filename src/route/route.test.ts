import { describe, expect, it } from 'vitest';
import type { RemoteProvider } from '../providers/remote.ts';
import type { LocalModel } from '../providers/types.ts';
import { checkModel, route, type RouteTable } from './route.ts';

const provider = (id: string, kind: 'openai' | 'anthropic'): RemoteProvider => ({ id, kind, send: () => Promise.reject(new Error('unused')) });
const local = { id: 'local/tiny' } as LocalModel;
const table = (withLocal: boolean): RouteTable => ({
  models: [
    { id: 'gpt-4o-mini', provider: 'openai' },
    { id: 'gpt-*', provider: 'openai' },
    { id: 'claude-*', provider: 'anthropic', upstream: 'claude-sonnet-4-5' },
    { id: 'private-*', provider: 'local' },
  ],
  providers: new Map([
    ['openai', provider('openai', 'openai')],
    ['anthropic', provider('anthropic', 'anthropic')],
  ]),
  local: withLocal ? local : null,
  localId: withLocal ? local.id : null,
});

describe('route', () => {
  it('sends a dialect only to providers of its own wire format', () => {
    const t = table(true);
    expect(() => checkModel('claude-x', t, 'anthropic')).not.toThrow();
    expect(() => checkModel('claude-x', t, 'openai')).toThrow(expect.objectContaining({ code: 'model_not_found' }));
    expect(() => checkModel('gpt-4o-mini', t, 'anthropic')).toThrow(expect.objectContaining({ code: 'model_not_found' }));
    const r = route('redact', 'claude-opus-9', t, 'anthropic');
    expect(r.route === 'remote' && [r.provider.id, r.upstreamModel]).toEqual(['anthropic', 'claude-sonnet-4-5']);
    const o = route('allow', 'gpt-5', t, 'openai');
    expect(o.route === 'remote' && [o.provider.id, o.upstreamModel]).toEqual(['openai', 'gpt-5']);
  });

  it('a local decision takes any alias to the local model; provider local always does', () => {
    const t = table(true);
    expect(route('local', 'claude-x', t, 'anthropic')).toEqual({ route: 'local', model: local });
    expect(route('local', 'gpt-4o-mini', t, 'openai')).toEqual({ route: 'local', model: local });
    expect(() => checkModel('private-notes', t, 'anthropic')).not.toThrow();
    expect(route('allow', 'private-notes', t, 'anthropic')).toEqual({ route: 'local', model: local });
    expect(route('allow', 'local/tiny', t, 'openai')).toEqual({ route: 'local', model: local });
  });

  it('never falls back to remote without a local model', () => {
    expect(() => route('local', 'claude-x', table(false), 'anthropic')).toThrow(expect.objectContaining({ code: 'local_model_unavailable' }));
    expect(() => route('allow', 'private-x', table(false), 'openai')).toThrow(expect.objectContaining({ code: 'local_model_unavailable' }));
  });
});
