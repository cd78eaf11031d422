/**
 * @module test/support/mock-upstream/serve
 * Runs the mock upstream as its own process, for benchmarks and manual poking, so the mock does
 * not share an event loop with the gateway under test. Prints `MOCK_UPSTREAM_URL=<url>` once
 * listening; stops on SIGINT/SIGTERM.
 *
 * @example
 * npx tsx test/support/mock-upstream/serve.ts --port 9999 --chunk-size 8 --delay-ms 0
 */
import { parseArgs } from 'node:util';
import { startMockUpstream } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'chunk-size': { type: 'string', default: '4' },
    'delay-ms': { type: 'string', default: '0' },
    'api-key': { type: 'string' },
    record: { type: 'boolean', default: false },
  },
});

const mock = await startMockUpstream({
  port: Number(values.port),
  chunkSize: Number(values['chunk-size']),
  delayMs: Number(values['delay-ms']),
  apiKey: values['api-key'],
  record: values.record,
});
process.stdout.write(`MOCK_UPSTREAM_URL=${mock.url}\n`);
const stop = (): void => {
  void mock.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
