/**
 * Fail closed: when inspection itself throws, the request is refused and nothing is forwarded —
 * unless the policy explicitly sets `fail_open: true`, which forwards and flags the response.
 * Built in process (`support/in-process-app.ts`) so the inspector can be made to fail on purpose.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicies, type LoadedPolicy } from '../src/config/policy-load.ts';
import { openDatabase } from '../src/db/open.node.ts';
import { createSqliteKeyStore } from '../src/keys/sqlite.node.ts';
import { REPO_POLICIES } from './support/gateway.ts';
import { inProcessApp } from './support/in-process-app.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

async function appWith(failOpen: boolean) {
  const text = readFileSync(`${REPO_POLICIES}/default.yaml`, 'utf8') + `\nfail_open: ${failOpen}\n`;
  const loaded = (await loadPolicies([{ file: 'default.yaml', text }])).get('default')!;
  const broken: LoadedPolicy = {
    ...loaded,
    inspector: {
      types: loaded.inspector.types,
      inspect() {
        throw new Error('detector exploded on jane@example.com');
      },
    },
  };
  const db = openDatabase(':memory:');
  const keys = createSqliteKeyStore(db);
  const { secret } = await keys.create({ team: 't', policyId: null });
  const logs: string[] = [];
  const app = inProcessApp({
    db,
    keys,
    policy: broken,
    upstreamUrl: mock.url,
    log: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) },
  });
  const send = () =>
    app.fetch(
      new Request('http://veil/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mail jane@example.com' }] }),
      }),
    );
  return { send, logs, db };
}

describe('inspection failure', () => {
  it('blocks by default: clear error, nothing forwarded, no value in the logs', async () => {
    const { send, logs, db } = await appWith(false);
    const res = await send();
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe('inspection_failed');
    expect(JSON.stringify(body)).not.toContain('jane@example.com');
    expect(mock.requests).toHaveLength(0);
    expect(logs.join('\n')).toContain('inspection failed');
    expect(logs.join('\n')).not.toContain('jane@example.com');
    const row = db.prepare('SELECT status, error_code FROM audit_log').get();
    expect(row).toEqual({ status: 500, error_code: 'inspection_failed' });
  });

  it('forwards only when the policy says fail_open: true, and says so in a header', async () => {
    const { send } = await appWith(true);
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-veil-inspection')).toBe('failed-open');
    expect(mock.requests).toHaveLength(1);
  });
});
