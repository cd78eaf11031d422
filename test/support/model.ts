/**
 * @module test/support/model
 * Finds the tiny GGUF test model, which the repository must not contain. Tests that need it skip
 * with a message on a fresh clone, but CI sets `VEIL_REQUIRE_MODEL=1` so a missing model fails
 * loudly instead of silently skipping the local-model coverage.
 *
 * @example
 * const { path: modelPath, skipReason } = requireModelOrSkip();
 * if (skipReason) console.warn(skipReason);
 * describe.skipIf(!modelPath)('local model', () => { ... });
 */

import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_TEST_MODEL = 'stories260K.gguf';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `<repo>/../shared/models`, where the machine keeps models outside the checkout. */
export const SHARED_MODELS_DIR = resolve(repoRoot, '..', 'shared', 'models');

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * The path of test model `name`, or null. `VEIL_TEST_MODEL` names the default model's file; for
 * another name, its folder is searched too. Then `<repo>/../shared/models/<name>`.
 */
export function findTestModel(name = DEFAULT_TEST_MODEL): string | null {
  const fromEnv = process.env.VEIL_TEST_MODEL;
  if (fromEnv) {
    const envPath = resolve(fromEnv);
    if (name === DEFAULT_TEST_MODEL || basename(envPath) === name) {
      if (isFile(envPath)) return envPath;
    } else {
      const sibling = resolve(dirname(envPath), name);
      if (isFile(sibling)) return sibling;
    }
  }
  const shared = resolve(SHARED_MODELS_DIR, name);
  return isFile(shared) ? shared : null;
}

const SKIP_REASON =
  'local model not found: set VEIL_TEST_MODEL or place stories260K.gguf in ../shared/models (CI sets VEIL_REQUIRE_MODEL=1 to make this a failure)';

/**
 * The test model's path, or a reason to skip. Throws when the model is absent and
 * `VEIL_REQUIRE_MODEL=1`, so CI cannot pass without exercising the real model.
 */
export function requireModelOrSkip(name = DEFAULT_TEST_MODEL): { path: string | null; skipReason?: string } {
  const path = findTestModel(name);
  if (path) return { path };
  const envHint = process.env.VEIL_TEST_MODEL ? ` (VEIL_TEST_MODEL=${process.env.VEIL_TEST_MODEL} does not exist)` : '';
  const reason = (name === DEFAULT_TEST_MODEL ? SKIP_REASON : SKIP_REASON.replace(DEFAULT_TEST_MODEL, name)) + envHint;
  if (process.env.VEIL_REQUIRE_MODEL === '1') throw new Error(reason);
  return { path: null, skipReason: reason };
}
