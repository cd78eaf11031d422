import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.node.ts';

describe('loadConfig providers', () => {
  it('offers OpenAI and Anthropic by default, with env overrides in each SDK\'s convention', () => {
    const cfg = loadConfig({ env: { OPENAI_BASE_URL: 'http://o/v1', ANTHROPIC_BASE_URL: 'http://a:9/', ANTHROPIC_API_KEY: 'sk-ant' } });
    expect(cfg.providers).toEqual([
      { id: 'openai', kind: 'openai', base_url: 'http://o/v1', api_key: '' },
      { id: 'anthropic', kind: 'anthropic', base_url: 'http://a:9/v1', api_key: 'sk-ant' },
    ]);
    expect(cfg.models.some((m) => m.id === 'claude-*' && m.provider === 'anthropic')).toBe(true);
    expect(loadConfig({ env: { ANTHROPIC_BASE_URL: 'http://a/v1' } }).providers[1]!.base_url).toBe('http://a/v1');
  });

  it('drops built-in models of providers a config leaves out, accepts provider local, refuses unknown ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veil-cfg-'));
    try {
      const only = join(dir, 'only.yaml');
      writeFileSync(only, 'providers:\n  - { id: openai, kind: openai }\n');
      const cfg = loadConfig({ file: only, env: {} });
      expect(cfg.models.every((m) => m.provider === 'openai')).toBe(true);
      const local = join(dir, 'local.yaml');
      writeFileSync(local, 'models:\n  - { id: "claude-*", provider: local }\n');
      expect(loadConfig({ file: local, env: {} }).models).toEqual([{ id: 'claude-*', provider: 'local' }]);
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'models:\n  - { id: "x", provider: nope }\n');
      expect(() => loadConfig({ file: bad, env: {} })).toThrow(/unknown provider 'nope'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('local_only', () => {
  it('routes every model to the local model and drops remote providers', () => {
    const cfg = loadConfig({ env: { VEIL_LOCAL_ONLY: '1', VEIL_LOCAL_MODEL: '/models/m.gguf', OPENAI_API_KEY: 'sk-x' } });
    expect(cfg.providers).toEqual([]);
    expect(cfg.models).toEqual([{ id: '*', provider: 'local' }]);
  });
  it('refuses to start without a local model', () => {
    expect(() => loadConfig({ env: { VEIL_LOCAL_ONLY: '1' } })).toThrow(/local_only needs a local model/);
  });
});

describe('loadConfig upstream answer caps', () => {
  it('defaults to 32 MiB whole and 64 MiB streamed; env and file override; the schema refuses tiny caps', () => {
    const dflt = loadConfig({ env: {} });
    expect([dflt.upstream_max_bytes, dflt.upstream_stream_max_bytes]).toEqual([32 * 2 ** 20, 64 * 2 ** 20]);
    const env = loadConfig({ env: { VEIL_UPSTREAM_MAX_BYTES: '65536', VEIL_UPSTREAM_STREAM_MAX_BYTES: '131072' } });
    expect([env.upstream_max_bytes, env.upstream_stream_max_bytes]).toEqual([65536, 131072]);
    expect(() => loadConfig({ env: { VEIL_UPSTREAM_STREAM_MAX_BYTES: 'lots' } })).toThrow(/VEIL_UPSTREAM_STREAM_MAX_BYTES must be an integer/);
    expect(() => loadConfig({ env: { VEIL_UPSTREAM_MAX_BYTES: '10' } })).toThrow(/upstream_max_bytes/);
    const dir = mkdtempSync(join(tmpdir(), 'veil-cfg-'));
    try {
      const file = join(dir, 'veil.yaml');
      writeFileSync(file, 'upstream_max_bytes: 2048\nupstream_stream_max_bytes: 4096\n');
      const cfg = loadConfig({ file, env: { VEIL_UPSTREAM_STREAM_MAX_BYTES: '8192' } });
      expect([cfg.upstream_max_bytes, cfg.upstream_stream_max_bytes]).toEqual([2048, 8192]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadConfig local.stream_min_gap_ms', () => {
  it('has a default, is set by VEIL_LOCAL_STREAM_MIN_GAP_MS (0 turns pacing off), refuses non-integers', () => {
    expect(loadConfig({ env: {} }).local.stream_min_gap_ms).toBe(8);
    expect(loadConfig({ env: { VEIL_LOCAL_STREAM_MIN_GAP_MS: '0' } }).local.stream_min_gap_ms).toBe(0);
    expect(loadConfig({ env: { VEIL_LOCAL_MODEL: '/models/m.gguf', VEIL_LOCAL_STREAM_MIN_GAP_MS: '5' } }).local).toMatchObject({ model_path: '/models/m.gguf', stream_min_gap_ms: 5 });
    expect(() => loadConfig({ env: { VEIL_LOCAL_STREAM_MIN_GAP_MS: 'soon' } })).toThrow(/VEIL_LOCAL_STREAM_MIN_GAP_MS must be an integer/);
  });
});

describe('limits.rate_limit_store', () => {
  it('counts in the database by default; memory from the file or VEIL_RATE_LIMIT_STORE; anything else is refused', () => {
    expect(loadConfig({ env: {} }).limits.rate_limit_store).toBe('database');
    expect(loadConfig({ env: { VEIL_RATE_LIMIT_STORE: 'memory' } }).limits.rate_limit_store).toBe('memory');
    const dir = mkdtempSync(join(tmpdir(), 'veil-cfg-'));
    try {
      const file = join(dir, 'veil.yaml');
      writeFileSync(file, 'limits:\n  rate_limit_store: memory\n');
      expect(loadConfig({ file, env: {} }).limits.rate_limit_store).toBe('memory');
      expect(loadConfig({ file, env: { VEIL_RATE_LIMIT_STORE: 'database' } }).limits.rate_limit_store).toBe('database');
      expect(() => loadConfig({ env: { VEIL_RATE_LIMIT_STORE: 'redis' } })).toThrow(/limits\.rate_limit_store/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
