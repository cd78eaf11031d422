import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findTestModel, requireModelOrSkip } from './model.ts';

describe('test model lookup', () => {
  const saved = { model: process.env.VEIL_TEST_MODEL, require: process.env.VEIL_REQUIRE_MODEL };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veil-model-'));
    await writeFile(join(dir, 'mine.gguf'), 'GGUF');
    await writeFile(join(dir, 'other.gguf'), 'GGUF');
    return () => rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const [k, v] of [['VEIL_TEST_MODEL', saved.model], ['VEIL_REQUIRE_MODEL', saved.require]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('prefers VEIL_TEST_MODEL, and finds other names beside it', () => {
    process.env.VEIL_TEST_MODEL = join(dir, 'mine.gguf');
    expect(findTestModel()).toBe(join(dir, 'mine.gguf'));
    expect(findTestModel('other.gguf')).toBe(join(dir, 'other.gguf'));
    expect(findTestModel('absent-model.gguf')).toBeNull();
  });

  it('skips with the documented reason when absent, and throws when CI requires the model', () => {
    process.env.VEIL_TEST_MODEL = join(dir, 'missing.gguf');
    delete process.env.VEIL_REQUIRE_MODEL;
    const r = requireModelOrSkip('absent-model.gguf');
    expect(r.path).toBeNull();
    expect(r.skipReason).toMatch(/^local model not found: set VEIL_TEST_MODEL/);
    expect(r.skipReason).toContain('VEIL_REQUIRE_MODEL=1');
    process.env.VEIL_REQUIRE_MODEL = '1';
    expect(() => requireModelOrSkip('absent-model.gguf')).toThrow(/local model not found/);
  });
});
