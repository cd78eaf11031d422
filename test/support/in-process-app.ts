/**
 * @module test/support/in-process-app
 * The gateway app built in process with `createApp`, for tests that must swap one part for a
 * failing one (an inspector that throws, a rate-limit store that fails): SQLite audit on the
 * given database, one policy for every key, `gpt-4o-mini` routed to one OpenAI-kind provider at
 * the mock upstream. Everything else as the Node entry would wire it.
 */
import type { Database } from 'better-sqlite3';
import { createApp } from '../../src/app.ts';
import { createSqliteAuditStore } from '../../src/audit/sqlite.node.ts';
import type { LoadedPolicy } from '../../src/config/policy-load.ts';
import type { RateLimiter } from '../../src/http/key-limits.ts';
import type { KeyStore } from '../../src/keys/types.ts';
import { createRemoteProvider } from '../../src/providers/remote.ts';
import { createPseudonymizer } from '../../src/transform/pseudonymizer.ts';
import type { Logger } from '../../src/util/log.ts';

export function inProcessApp(o: { db: Database; keys: KeyStore; policy: LoadedPolicy; upstreamUrl: string; log?: Logger; rateLimiter?: RateLimiter }) {
  return createApp({
    keys: o.keys,
    audit: createSqliteAuditStore(o.db),
    policies: { forKey: () => o.policy, ids: () => [o.policy.doc.id] },
    routes: {
      models: [{ id: 'gpt-4o-mini', provider: 'openai' }],
      providers: new Map([['openai', createRemoteProvider({ id: 'openai', baseUrl: `${o.upstreamUrl}/v1`, apiKey: 'sk-up', timeoutMs: 5000 })]]),
      local: null,
      localId: null,
    },
    pseudonymizer: (scope) => createPseudonymizer({ secret: 's', scope }),
    limits: { maxBodyBytes: 1 << 20, upstreamTimeoutMs: 5000 },
    ...(o.log ? { log: o.log } : {}),
    ...(o.rateLimiter ? { rateLimiter: o.rateLimiter } : {}),
  });
}
