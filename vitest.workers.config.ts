/**
 * @module vitest.workers.config
 * The Workers test project: `test/worker/**` runs inside workerd (via
 * @cloudflare/vitest-pool-workers) with the real `wrangler.toml` Worker as `SELF`, a local D1 and
 * the repo's `migrations/` (applied by each test file). Policy YAML is loaded as text, as
 * wrangler's `Text` rule does in the deployed bundle. Also usable alone:
 * `npx vitest run -c vitest.workers.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** `import text from './x.yaml'` → the file's text, like wrangler's `Text` module rule. */
const yamlAsText: Plugin = {
  name: 'veil-yaml-as-text',
  transform(code, id) {
    if (id.endsWith('.yaml')) return { code: `export default ${JSON.stringify(code)};`, map: null };
    return undefined;
  },
};

/** Bindings the tests run with: the mock upstream and mock private endpoint live in-isolate. */
export const WORKER_TEST_VARS = {
  VEIL_SECRET: 'worker-test-secret-0123456789abcdef',
  OPENAI_BASE_URL: 'https://upstream.test/v1',
  OPENAI_API_KEY: 'sk-upstream-test-0123456789abcdef',
  LOCAL_ENDPOINT_URL: 'https://private.test/v1',
  LOCAL_ENDPOINT_KEY: 'veil_privateEndpoint_key',
  LOCAL_MODEL_ID: 'local/private',
  VEIL_LOG_LEVEL: 'error',
  VEIL_ADMIN_TOKEN: 'worker-test-admin-token-0123456789',
};

export const workersProject = defineConfig({
  plugins: [
    yamlAsText,
    cloudflareTest(async () => ({
      main: './src/entry/worker.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: { ...WORKER_TEST_VARS, TEST_MIGRATIONS: await readD1Migrations(`${root}migrations`) },
      },
    })),
  ],
  test: {
    name: 'workers',
    root,
    include: ['test/worker/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  ...workersProject,
  test: { ...workersProject.test, reporters: ['default', './test/support/summary-reporter.ts'] },
});
