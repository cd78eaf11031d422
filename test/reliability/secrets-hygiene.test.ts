/**
 * Secrets hygiene: distinctive sensitive values (email, RRN, card, API key, PEM, the upstream key)
 * are planted in requests of every dialect, including the error paths — bad JSON and invalid
 * UTF-8 containing them, blocked and local-routed requests, upstream errors that echo them, odd
 * model names, paths and headers. Then everything the gateway wrote is searched for them: its
 * stdout and stderr (a real process), the SQLite file with its WAL and SHM, and the audit exports
 * (`veil audit export --format csv|jsonl`). Any hit fails, naming where.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream/index.ts';
import { send } from './support/load.ts';
import { PROC_UPSTREAM_KEY, prepareGatewayDir, runVeil, spawnGateway, type GatewayDir, type GatewayProcess } from './support/process-gateway.ts';

const EMAIL = 'hygiene.canary7@example.net';
const RRN = '850315-1234566';
const CARD = '5555 5555 5555 4444';
const API_KEY = 'sk-proj-Hyg13neCanaryK3yZx8dN2q3XyA1b2C3d4E5f6G7h8I9j0K1l2M3';
const PEM_BODY = 'MIIEpQIBAAKCAQEAHygieneCanaryPemBodyQ7wZ3xK9mN2pL5vR8tY1uE4iO6aS';
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;

/** What must never appear, with the forms it could take once written (raw, JSON-escaped, compact). */
const PLANTED: Record<string, string[]> = {
  email: [EMAIL, 'hygiene.canary7'],
  rrn: [RRN, RRN.replace('-', '')],
  card: [CARD, CARD.replace(/ /g, '')],
  api_key: [API_KEY, API_KEY.slice(8, 40)],
  pem: [PEM_BODY],
  upstream_key: [PROC_UPSTREAM_KEY],
};
const ALL = `email ${EMAIL}, rrn ${RRN}, card ${CARD}, key ${API_KEY}, pem ${PEM}`;

let mock: MockUpstream;
let dir: GatewayDir;
let gw: GatewayProcess;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  dir = await prepareGatewayDir();
  gw = await spawnGateway({ dbPath: dir.dbPath, upstreamUrl: mock.url, env: { VEIL_UPSTREAM_TIMEOUT_MS: '1500' } });
});
afterAll(async () => {
  agent.destroy();
  await gw?.stop();
  await mock?.close();
  dir?.remove();
});

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  send(agent, `${gw.url}${path}`, {
    headers: { authorization: `Bearer ${dir.key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body,
  });

const chat = (content: string, extra: object = {}) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });
const anthropic = (content: string, extra: object = {}) => JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user', content }], ...extra });
const responses = (input: string, extra: object = {}) => JSON.stringify({ model: 'gpt-4o-mini', input, ...extra });
const embeddings = (input: string) => JSON.stringify({ model: 'text-embedding-3-small', input });

/** Every place a planted value was found in `bytes`, as `what in where`. */
function hits(where: string, bytes: Buffer): string[] {
  const out: string[] = [];
  const texts = [bytes.toString('utf8'), bytes.toString('latin1')];
  for (const [what, forms] of Object.entries(PLANTED)) {
    for (const form of forms) {
      const escaped = JSON.stringify(form).slice(1, -1);
      if (texts.some((t) => t.includes(form) || t.includes(escaped))) {
        out.push(`${what} in ${where}`);
        break;
      }
    }
  }
  return out;
}

describe('secrets hygiene', () => {
  it('plants values across dialects and error paths; nothing the gateway wrote contains them', async () => {
    const statuses: Record<string, number> = {};
    const run = async (name: string, p: Promise<{ status: number }>) => {
      statuses[name] = (await p).status;
    };
    // The happy and refused paths of every dialect.
    await run('chat redact', post('/v1/chat/completions', chat(`mail ${EMAIL} card ${CARD}`)));
    await run('chat redact stream', post('/v1/chat/completions', chat(`mail ${EMAIL} card ${CARD}`, { stream: true })));
    await run('chat block key', post('/v1/chat/completions', chat(`my key ${API_KEY}`)));
    await run('chat block pem', post('/v1/chat/completions', chat(PEM)));
    await run('chat local rrn', post('/v1/chat/completions', chat(`rrn ${RRN}`)));
    await run('chat everything', post('/v1/chat/completions', chat(ALL, { stream: true })));
    await run('anthropic redact', post('/v1/messages', anthropic(`mail ${EMAIL} card ${CARD}`)));
    await run('anthropic block', post('/v1/messages', anthropic(ALL)));
    await run('anthropic stream', post('/v1/messages', anthropic(`mail ${EMAIL}`, { stream: true })));
    await run('responses redact', post('/v1/responses', responses(`mail ${EMAIL} card ${CARD}`)));
    await run('responses block', post('/v1/responses', responses(ALL)));
    await run('embeddings redact', post('/v1/embeddings', embeddings(`mail ${EMAIL}`)));
    await run('embeddings local', post('/v1/embeddings', embeddings(`rrn ${RRN}`)));
    // Error paths: bad JSON, invalid UTF-8, wrong types, all carrying the values.
    await run('bad json', post('/v1/chat/completions', chat(ALL).slice(0, -3)));
    await run('bad json near value', post('/v1/chat/completions', `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${EMAIL}" ${CARD}}]}`));
    await run('invalid utf8', post('/v1/chat/completions', Buffer.concat([Buffer.from(chat(ALL).slice(0, 60)), Buffer.from([0xff, 0xfe]), Buffer.from(chat(ALL).slice(60))])));
    await run('content as object', post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: { v: ALL } }] })));
    await run('bad role', post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: EMAIL, content: 'x' }] })));
    await run('anthropic bad json', post('/v1/messages', anthropic(ALL).slice(0, -5)));
    await run('too large', post('/v1/chat/completions', chat(`${ALL} ${'x'.repeat(5 * 1024 * 1024)}`)));
    // A value where a name belongs: the model, the path, a header, the key.
    await run('model is an email', post('/v1/chat/completions', chat('hi', { model: EMAIL })));
    await run('model carries a card', post('/v1/chat/completions', chat('hi', { model: `gpt-4o-mini ${CARD}` })));
    await run('path carries an email', post(`/v1/${EMAIL}/${RRN}`, chat('hi')));
    await run('header carries values', post('/v1/chat/completions', chat('hi'), { 'x-user': EMAIL, 'anthropic-beta': CARD, 'user-agent': API_KEY }));
    await run('key is a value', post('/v1/chat/completions', chat('hi'), { authorization: `Bearer ${API_KEY}` }));
    // Upstream errors that echo the values (the gateway must not log or store their text).
    mock.behaveOnce({ kind: 'error', status: 400, body: { error: { message: `rejected: ${ALL}` } } });
    await run('upstream 400 echo', post('/v1/chat/completions', chat('hello')));
    mock.behaveOnce({ kind: 'error', status: 500, body: { error: { message: `boom ${ALL} ${PROC_UPSTREAM_KEY}` } } });
    await run('upstream 500 echo', post('/v1/chat/completions', chat('hello')));
    mock.behaveOnce({ kind: 'error', status: 500, body: `raw text ${ALL}` });
    await run('upstream raw echo', post('/v1/chat/completions', chat('hello')));
    mock.behaveOnce({ kind: 'reply', text: `leaked back ${ALL}` });
    await run('upstream answer with secrets', post('/v1/chat/completions', chat('hello', { stream: true })));
    mock.behaveOnce({ kind: 'errorMidStream', afterChunks: 1, message: `mid ${ALL}` });
    await run('upstream error mid-stream', post('/v1/chat/completions', chat('hello', { stream: true })));
    mock.behaveOnce({ kind: 'stallMidStream', afterChunks: 1, ms: 4000 });
    await run('upstream stall', post('/v1/chat/completions', chat(`mail ${EMAIL}`)));

    // The paths really ran: the redact and refusal paths answered as they should.
    expect(statuses['chat redact']).toBe(200);
    expect(statuses['chat block key']).toBe(403);
    expect(statuses['bad json']).toBe(400);
    expect(statuses['upstream 500 echo']).toBe(502);
    expect(statuses['model is an email']).toBe(400);
    expect(statuses['model carries a card']).toBe(400);
    expect(statuses['path carries an email']).toBe(404);
    if (process.env.VEIL_HYGIENE_DEBUG) console.log(statuses);

    // A clean stop flushes and checkpoints; the exports read the finished database.
    await gw.stop();
    const found: string[] = [];
    found.push(...hits('gateway stdout/stderr', Buffer.from(gw.output())));
    for (const f of readdirSync(dir.dir)) {
      if (f.startsWith('veil.db')) found.push(...hits(`file ${f}`, readFileSync(join(dir.dir, f))));
    }
    const env = { VEIL_DB: dir.dbPath };
    for (const format of ['csv', 'jsonl']) {
      const ex = runVeil(['audit', 'export', '--format', format], env);
      expect(ex.code).toBe(0);
      expect(ex.stdout.split('\n').length).toBeGreaterThan(Object.keys(statuses).length);
      found.push(...hits(`export ${format}`, Buffer.from(ex.stdout + ex.stderr)));
      if (process.env.VEIL_HYGIENE_DEBUG) console.log(ex.stdout.split('\n').filter((l) => hits('', Buffer.from(l)).length > 0).join('\n'));
    }
    const tail = runVeil(['audit', 'tail', '-n', '100', '--json'], env);
    found.push(...hits('audit tail', Buffer.from(tail.stdout + tail.stderr)));
    expect(existsSync(dir.dbPath)).toBe(true);
    expect(found).toEqual([]);
  }, 120_000);
});
