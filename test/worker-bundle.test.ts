/**
 * Guards the Worker bundle size: `import { z } from 'zod'` takes zod's `z` namespace object
 * as a value, so the bundler must keep every member — including ~260 KiB of error-message
 * locales for 40+ languages. `import * as z from 'zod'` lets esbuild keep only what is used
 * (docs/workers.md, "Bundle size"). Scans the runtime-agnostic sources (what the Worker bundles).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('Worker bundle', () => {
  it('no source imports zod as the `z` value (it would bundle every zod locale)', () => {
    const offenders = sources(SRC)
      .filter((f) => /^import\s+(?!type\b)[^;]*\{[^}]*\bz\b[^}]*\}\s+from\s+['"]zod(\/v4)?['"]/m.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders, "use `import * as z from 'zod'`").toEqual([]);
    // The scan itself must see the schema files.
    expect(sources(SRC).some((f) => f.endsWith(join('config', 'policy-schema.ts')))).toBe(true);
  });
});
