/**
 * @module vitest.config
 * `npm test`: one `vitest run` over both runtimes — the Node project (everything outside
 * test/worker) and the Workers project (test/worker/**, inside workerd; vitest.workers.config.ts).
 * The summary reporter prints the single `N passed, N failed, N skipped` line last.
 */
import { defineConfig } from 'vitest/config';
import { workersProject } from './vitest.workers.config.ts';

export default defineConfig({
  test: {
    // Generous: CI runs process-spawning tests (gateways, the CLI, workerd) side by side on two
    // cores, where a start that takes 3 s alone was seen to take over 30 s. A hang still fails.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/worker/**', 'node_modules/**'],
        },
      },
      workersProject,
    ],
  },
});
