/**
 * A user-written pattern cannot hang the gateway: a policy with the classic catastrophic regex
 * `(a+)+$` inspects a long hostile prompt while other clients keep getting answers at their
 * normal latency. (With JavaScript's backtracking RegExp this prompt would block the event loop
 * for longer than the age of the universe.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

let mock: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  const dir = join(tmpdir(), `veil-redos-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'default.yaml'),
    ['id: default', 'rules:', '  EMAIL: { action: redact }', '  RUNAWAY: { action: redact }', 'patterns:', "  - { name: runaway, type: RUNAWAY, regex: '(a+)+$', flags: '' }", ''].join('\n'),
  );
  gw = await startTestGateway({ mock, policies: dir });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

async function timedChat(content: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

describe('custom pattern (a+)+$', () => {
  it('does not stall other requests while it inspects a 500,000-character hostile prompt', async () => {
    const normal: number[] = [];
    for (let i = 0; i < 10; i++) normal.push((await timedChat('hello there')).ms);
    const baseline = [...normal].sort((a, b) => a - b)[5]!;

    const hostile = timedChat('a'.repeat(500_000) + '!');
    const during: number[] = [];
    for (let i = 0; i < 10; i++) during.push((await timedChat('still answering?')).ms);
    const h = await hostile;

    expect(h.status).toBe(200);
    const worst = Math.max(...during);
    // Generous bound for a shared 2-core machine; a backtracking regex would never return.
    expect(worst).toBeLessThan(baseline + 1500);
    expect(h.ms).toBeLessThan(10_000);
  });
});
