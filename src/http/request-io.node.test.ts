import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rawHeader } from '../util/raw-header.ts';
import { incomingIo, nodeRequestIo } from './request-io.node.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(handler: Handler): Promise<number> {
  const s = createServer(handler);
  servers.push({ close: () => s.close() });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

/** Sends `chunks` as a chunked upload (no Content-Length) and returns the status and body. */
function post(port: number, chunks: string[], headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const answer = (res: ServerResponse, status: number, text: string) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
};

describe('incomingIo', () => {
  it('reads a chunked body whole, byte for byte', async () => {
    const port = await serve((req, res) => {
      incomingIo(req, res)
        .body(1024)
        .then((b) => answer(res, 200, `${b.byteLength}:${new TextDecoder().decode(b)}`));
    });
    expect(await post(port, ['{"a":', '"é', 'x"}'])).toEqual({ status: 200, text: '11:{"a":"éx"}' });
  });

  it('refuses a body past the cap as it arrives, and the refusal still reaches the client', async () => {
    const port = await serve((req, res) => {
      incomingIo(req, res)
        .body(10)
        .then(
          () => answer(res, 200, 'read'),
          (e: { code?: string }) => answer(res, 413, String(e.code)),
        );
    });
    expect(await post(port, ['0123456789', 'abcdef'])).toEqual({ status: 413, text: 'body_too_large' });
    // Declared too large: refused before a byte is read.
    expect(await post(port, ['x'.repeat(11)], { 'content-length': '11' })).toEqual({ status: 413, text: 'body_too_large' });
  });

  it('reports the client gone when it disconnects before the response, not after a complete one', async () => {
    let resolveAborted: (v: boolean) => void = () => {};
    const aborted = new Promise<boolean>((r) => (resolveAborted = r));
    const port = await serve((req, res) => {
      const io = incomingIo(req, res);
      void io.body(1024).then(() => io.onClientGone(() => resolveAborted(true)));
    });
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/' });
    req.on('error', () => {});
    req.end('{}');
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    expect(await aborted).toBe(true);

    // A complete response: the hook never fires, neither registered before nor after the end.
    const calls: string[] = [];
    let late: (() => void) | undefined;
    const port2 = await serve((req2, res2) => {
      const io = incomingIo(req2, res2);
      io.onClientGone(() => calls.push('before'));
      late = () => io.onClientGone(() => calls.push('after'));
      void io.body(1024).then(() => answer(res2, 200, 'ok'));
    });
    expect((await post(port2, ['{}'])).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    late!();
    expect(calls).toEqual([]);
  });

  it('falls back (null) when the bindings are not a Node request/response pair', () => {
    const raw = new Request('http://x/', { method: 'POST', body: '{}' });
    expect(nodeRequestIo(raw, undefined)).toBeNull();
    expect(nodeRequestIo(raw, { incoming: {}, outgoing: {} })).toBeNull();
  });
});

describe('header', () => {
  it('reads a header as the web Headers would: any case, repeats joined, absent is null', () => {
    const raw = ['Authorization', 'Bearer a', 'X-API-Key', 'k1', 'authorization', 'Bearer b', 'x-api-keys', 'no'];
    const web = new Headers();
    for (let i = 0; i < raw.length; i += 2) web.append(raw[i]!, raw[i + 1]!);
    for (const name of ['authorization', 'x-api-key', 'x-api-keys', 'anthropic-beta']) expect(rawHeader(raw, name)).toBe(web.get(name));
    expect(rawHeader(raw, 'authorization')).toBe('Bearer a, Bearer b');
    expect(rawHeader(raw, 'anthropic-beta')).toBeNull();
  });

  it('sees both of two Authorization headers on a real request, which Node\'s parsed headers would not', async () => {
    let seen: { io: string | null; parsed: unknown } | null = null;
    const port = await serve((req, res) => {
      seen = { io: incomingIo(req, res).header('authorization'), parsed: req.headers.authorization };
      answer(res, 200, 'ok');
    });
    await post(port, ['{}'], { authorization: ['Bearer first', 'Bearer second'] } as unknown as Record<string, string>);
    expect(seen).toEqual({ io: 'Bearer first, Bearer second', parsed: 'Bearer first' });
  });
});
