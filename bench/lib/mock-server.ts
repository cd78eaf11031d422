/**
 * @module bench/lib/mock-server
 * The mock upstream as its own process for benchmarks, answering every chat request with the same
 * fixed reply (default 1 KB) instead of echoing the prompt, so a 16 KB prompt measures the cost of
 * inspecting 16 KB and not of streaming 16 KB back. Prints `MOCK_UPSTREAM_URL=<url>`.
 *
 * @example
 * node --import tsx bench/lib/mock-server.ts --reply-bytes 1024 --chunk-size 8
 */
import { parseArgs } from 'node:util';
import { startMockUpstream } from '../../test/support/mock-upstream/index.ts';

const { values } = parseArgs({
  options: {
    'reply-bytes': { type: 'string', default: '1024' },
    'chunk-size': { type: 'string', default: '8' },
  },
});
const SENTENCE = 'Here is a summary of the planning notes with the open questions listed at the end. ';
const text = SENTENCE.repeat(Math.ceil(Number(values['reply-bytes']) / SENTENCE.length)).slice(0, Number(values['reply-bytes']));
// record: false keeps the mock's memory flat over long runs.
const mock = await startMockUpstream({ behaviour: { kind: 'reply', text }, chunkSize: Number(values['chunk-size']), record: false });
process.stdout.write(`MOCK_UPSTREAM_URL=${mock.url}\n`);
process.once('SIGTERM', () => void mock.close().then(() => process.exit(0)));
