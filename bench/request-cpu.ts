/**
 * @module bench/request-cpu
 * Veil's own CPU per request, in process: `createApp` built with the deps the Node entry builds
 * (a real SQLite audit file and key store in a temp dir, the repo's policies, the pseudonymizer,
 * the admin API mounted) is called through `app.fetch` against a stub upstream that answers every
 * chat request with the same 1 KB JSON reply — no sockets, so the figure is the gateway's work
 * and not the kernel's. In the same run, a bare Hono pass-through of the same request to the same
 * stub is the baseline, so the result reads as a ratio. With `--old DIR` (a copy of another
 * tree's `src/`, e.g. `git archive HEAD src | tar -x -C DIR` plus a `node_modules` symlink) that
 * tree's gateway is measured too, for A/B in one run.
 *
 * Rounds alternate the variants, and each figure is the median of the rounds' CPU µs per request
 * (`process.cpuUsage`, robust to other processes on a shared machine). Both apps run with
 * @hono/node-server's global `Request`/`Response`, as under the Node entry.
 *
 * Run: npx tsx bench/request-cpu.ts [--requests 2000] [--rounds 7] [--concurrency 1] [--upstream stub|http] [--old DIR] [--new DIR] [--only veil]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import { bareProxyApp } from './lib/bare-app.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '1' },
    old: { type: 'string' },
    /** The tree measured as `veil`; default this repository. */
    new: { type: 'string' },
    /**
     * `stub` (default): upstream answers from a function, no sockets. `http`: a node:http server in
     * this process, reached by each tree's own `node-http-fetch` (bare: this repository's), so the
     * client's body handling counts too; the server's CPU is the same for every variant.
     */
    upstream: { type: 'string', default: 'stub' },
    /** Measure one variant only (`bare`, `veil`, `old`), e.g. under `node --cpu-prof`. */
    only: { type: 'string' },
  },
});
const N = Number(values.requests);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Math.max(1, Number(values.concurrency));
const REPO = resolve(import.meta.dirname, '..');
// The Node entry runs under @hono/node-server, which swaps in its lightweight `Request` and
// `Response` (a string body stays a string until something reads it as a stream); so does this.
getRequestListener(() => new Response(null));

const SENTENCE = 'The quarterly planning notes cover roadmap items, hiring plans and the migration of the billing service to the new cluster. ';
const prompt = (bytes: number, extra = '') => SENTENCE.repeat(Math.ceil(bytes / SENTENCE.length)).slice(0, bytes - extra.length) + extra;
const ROWS = [
  { name: '1 KB, JSON', text: prompt(1024) },
  { name: '16 KB, JSON', text: prompt(16 * 1024) },
  { name: '1 KB + e-mail (redacted), JSON', text: prompt(1024, ' Reply to jane.doe@example.com.') },
];

const REPLY_TEXT = 'Here is a summary of the planning notes with the open questions listed at the end. '.repeat(13).slice(0, 1024);
const REPLY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: REPLY_TEXT }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 256, completion_tokens: 256, total_tokens: 512 },
});

/** The stub upstream: a `fetch` that consumes the request body and answers the fixed reply. */
const stubFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  if (typeof init?.body !== 'string' && init?.body) await new Response(init.body).arrayBuffer();
  return new Response(REPLY, { status: 200, headers: { 'content-type': 'application/json' } });
}) as typeof fetch;

const HTTP_UPSTREAM = values.upstream === 'http';
let upstreamUrl = 'http://stub/v1';
const upstreamServer = HTTP_UPSTREAM
  ? createServer((req, res) => {
      req.resume();
      req.once('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(REPLY) });
        res.end(REPLY);
      });
    })
  : null;
if (upstreamServer) {
  await new Promise<void>((r) => upstreamServer.listen(0, '127.0.0.1', () => r()));
  upstreamUrl = `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}/v1`;
}

/** The upstream client of a tree: the stub, or that tree's own node:http fetch. */
async function upstreamFetch(root: string): Promise<{ fetch: typeof fetch; close(): void }> {
  if (!HTTP_UPSTREAM) return { fetch: stubFetch, close() {} };
  const { createNodeHttpFetch } = await import(join(root, 'src', 'providers', 'node-http-fetch.node.ts'));
  return createNodeHttpFetch();
}

type Fetch = (req: Request) => Response | Promise<Response>;
interface Variant {
  name: string;
  fetch: Fetch;
  key: string;
  close(): Promise<void>;
}

async function bare(): Promise<Variant> {
  const up = await upstreamFetch(REPO);
  const app = bareProxyApp(up.fetch, upstreamUrl);
  return { name: 'bare', fetch: (r) => app.fetch(r), key: 'none', close: async () => up.close() };
}

/** The gateway of the tree at `root`, wired the way `src/entry/node.ts` wires it, with the stub upstream. */
async function veil(name: string, root: string): Promise<Variant> {
  const src = (p: string) => import(join(root, 'src', p));
  const [{ createApp }, { createSqliteAuditStore }, { createSqliteKeyStore }, { openDatabase }, { loadConfig }, { limitsOf }, { readPolicyFiles }, reg, { createSqlitePolicyStore }, { createPseudonymizer }, { createRemoteProvider }, adminStore, { createSqliteAuditReader }, { jsonLogger }] = await Promise.all([
    src('app.ts'),
    src('audit/sqlite.node.ts'),
    src('keys/sqlite.node.ts'),
    src('db/open.node.ts'),
    src('config/load-config.node.ts'),
    src('config/config-schema.ts'),
    src('config/policy-dir.node.ts'),
    src('policy-store/registry.ts'),
    src('policy-store/sqlite.node.ts'),
    src('transform/pseudonymizer.ts'),
    src('providers/remote.ts'),
    src('admin/admin-store.sqlite.node.ts'),
    src('admin/audit-reader.sqlite.node.ts'),
    src('util/log.ts'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'veil-request-cpu-'));
  const cfg = loadConfig({
    env: {
      PORT: '0',
      VEIL_DB: join(dir, 'veil.db'),
      VEIL_POLICIES: join(REPO, 'policies'),
      OPENAI_BASE_URL: upstreamUrl,
      OPENAI_API_KEY: 'sk-bench-upstream',
      VEIL_SECRET: 'bench-secret-for-placeholders',
    },
  });
  const db = openDatabase(cfg.db);
  const policyStore = createSqlitePolicyStore(db);
  await reg.importPolicySources(policyStore, readPolicyFiles(cfg.policies), 'import');
  const registry = await reg.createPolicyRegistry(policyStore, { defaultPolicy: cfg.default_policy });
  const secret = cfg.secret as string;
  const audit = createSqliteAuditStore(db, { secret });
  const keys = createSqliteKeyStore(db);
  const key = (await keys.create({ team: 'bench', policyId: null })).secret as string;
  const up = await upstreamFetch(root);
  const providers = new Map(
    (cfg.providers as { id: string; kind: string; base_url: string; api_key: string }[]).map((p) => [
      p.id,
      createRemoteProvider({ id: p.id, kind: p.kind, baseUrl: p.base_url, apiKey: p.api_key, timeoutMs: cfg.upstream_timeout_ms, fetch: up.fetch }),
    ]),
  );
  const pseudonymizer = (scope: string) => createPseudonymizer({ secret, scope });
  const log = jsonLogger(() => {});
  const app = createApp({
    keys,
    audit,
    policies: registry,
    routes: { models: cfg.models, providers, local: null, localId: null },
    pseudonymizer,
    limits: limitsOf(cfg),
    log,
    admin: {
      registry,
      keys,
      adminKeys: adminStore.createSqliteAdminKeyStore(db),
      settings: adminStore.createSqliteSettingsStore(db),
      audit,
      reader: createSqliteAuditReader(db, { flush: () => audit.flush() }),
      pseudonymizer,
      bootstrapToken: null,
      log,
    },
  });
  return {
    name,
    fetch: (r) => app.fetch(r),
    key,
    async close() {
      up.close();
      audit.flush();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const bodies = ROWS.map((r) => JSON.stringify({ model: 'gpt-4o-mini', stream: false, messages: [{ role: 'user', content: r.text }] }));

async function one(v: Variant, body: string): Promise<void> {
  const res = await v.fetch(
    new Request('http://veil.local/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${v.key}` },
      body,
    }),
  );
  const text = await res.text();
  if (res.status !== 200 || !text.includes('open questions')) throw new Error(`${v.name}: HTTP ${res.status}`);
}

/** CPU µs per request over `n` requests, `CONCURRENCY` in flight. */
async function measure(v: Variant, body: string, n: number): Promise<number> {
  const c0 = process.cpuUsage();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await one(v, body);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const variants: Variant[] = [await bare(), await veil('veil', values.new ? resolve(values.new) : REPO)];
if (values.old) variants.push(await veil('old', resolve(values.old)));
const measured = values.only ? variants.filter((v) => v.name === values.only) : variants;
if (measured.length === 0) throw new Error(`--only ${values.only}: no such variant`);

try {
  const results: Record<string, number>[] = [];
  for (const [i, row] of ROWS.entries()) {
    const body = bodies[i]!;
    // Warm up every variant (JIT, statement caches) before any round counts.
    for (const v of measured) await measure(v, body, Math.min(N, 500));
    const per: Record<string, number[]> = Object.fromEntries(measured.map((v) => [v.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order so drift in machine load does not favour one variant.
      const order = r % 2 ? [...measured].reverse() : measured;
      for (const v of order) per[v.name]!.push(await measure(v, body, N));
    }
    const med = Object.fromEntries(Object.entries(per).map(([k, xs]) => [k, median(xs)]));
    results.push(med);
    const cols = measured.map((v) => `${v.name} ${med[v.name]!.toFixed(0)}`).join(' / ');
    const ratio = med.bare && med.veil ? ` | veil/bare ${(med.veil / med.bare).toFixed(2)}, veil−bare ${(med.veil - med.bare).toFixed(0)} µs` : '';
    const ab = med.old && med.veil ? ` | veil/old ${(med.veil / med.old).toFixed(2)}, old−bare ${med.bare ? (med.old - med.bare).toFixed(0) : '?'} µs` : '';
    console.log(`${row.name.padEnd(32)} CPU µs/req (median of ${ROUNDS} × ${N}, concurrency ${CONCURRENCY}, upstream ${values.upstream}): ${cols}${ratio}${ab}`);
  }
} finally {
  for (const v of variants) await v.close();
  upstreamServer?.closeAllConnections();
  upstreamServer?.close();
}
