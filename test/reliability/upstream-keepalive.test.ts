/**
 * An upstream that closes idle keep-alive connections, through the real gateway: every pooled
 * connection to it is dropped, unanswered, when its next request arrives, which is how a server
 * that closed an idle connection first (uvicorn, nginx, Node: 5 s) looks to the gateway when
 * the close and its next request cross. The gateway must resend such a request on a fresh
 * connection (providers/node-http-fetch.node.ts), so its clients see 200s, never a 502.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream/index.ts';

/**
 * A TCP relay in front of the mock: a connection that has carried an answer is dropped, both
 * ways, as soon as more request bytes arrive on it; those bytes never reach the mock.
 */
interface DroppingRelay {
  url: string;
  connections: number;
  dropped: number;
  close(): Promise<void>;
}

async function startDroppingRelay(target: string): Promise<DroppingRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  const relay: DroppingRelay = { url: '', connections: 0, dropped: 0, close: async () => {} };
  const server: Server = createServer((client) => {
    relay.connections++;
    track(client);
    const upstream = createConnection({ host: hostname, port: Number(port) });
    track(upstream);
    let answered = false;
    upstream.on('data', (d: Buffer) => {
      answered = true;
      client.write(d);
    });
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (d: Buffer) => {
      if (answered) {
        relay.dropped++;
        client.destroy();
        return;
      }
      upstream.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  relay.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return relay;
}

let mock: MockUpstream;
let relay: DroppingRelay;
let gw: TestGateway;

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  relay = await startDroppingRelay(mock.url);
  gw = await startTestGateway({ mock, modelPath: null, env: { OPENAI_BASE_URL: `${relay.url}/v1` } });
});
afterAll(async () => {
  await gw?.close();
  await relay?.close();
  await mock?.close();
});

const chat = (content: string, stream: boolean) =>
  fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }] }),
  });

describe('an upstream that drops idle keep-alive connections', () => {
  it('requests that meet a dropped pooled connection are resent: every answer is a 200', async () => {
    const n = 10;
    for (let i = 0; i < n; i++) {
      const stream = i % 2 === 1;
      const res = await chat(`Hello number ${i}.`, stream);
      const text = await res.text();
      expect(res.status, text.slice(0, 300)).toBe(200);
      if (stream) {
        expect(text).not.toContain('"error"');
        const deltas = text.split('\n\n').filter((e) => e.startsWith('data: {'));
        const said = deltas.map((e) => (JSON.parse(e.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '');
        expect(said.join('')).toBe(`echo: Hello number ${i}.`);
        expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      } else {
        expect((JSON.parse(text) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(`echo: Hello number ${i}.`);
      }
    }
    // Each connection carried one answer. Every other request met its pooled connection dropped
    // and was resent on a one-off connection, which leaves the pool empty for the next one.
    expect(relay.connections).toBe(n);
    expect(relay.dropped).toBe(n / 2);
  });
});
