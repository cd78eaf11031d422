/**
 * @module test/support/summary-reporter
 * Prints `N passed, N failed, N skipped` alone on the last line: the plain closing line CI reads
 * (vitest's own summary is decorated and not machine-read). Printed when the process exits, not
 * at the end of the run: the Workers pool's workerd prints its teardown messages ("WebSocket peer
 * disconnected") after the run ends, which pushed the line off the end of the output.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but must still fail the run.
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
    }
    const line = `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
    // Synchronous on Linux for files and pipes, so it is written before the process is gone.
    process.once('exit', () => process.stdout.write(line));
  }
}
