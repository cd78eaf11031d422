import { describe, expect, it } from 'vitest';
import { isVeilError } from '../util/errors.ts';
import { createPrivateEndpointModel } from './private-endpoint.ts';

const chat = { messages: [{ role: 'user' as const, content: 'hi' }] };
const enc = new TextEncoder();

function sseBody(frames: string[], opts: { stallAfter?: number } = {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(ctl) {
      if (opts.stallAfter !== undefined && i >= opts.stallAfter) return new Promise(() => {});
      const f = frames[i++];
      if (f === undefined) ctl.close();
      else ctl.enqueue(enc.encode(f));
    },
  });
}

const delta = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

async function drain(gen: { chunks: AsyncIterable<string> }): Promise<string[]> {
  const out: string[] = [];
  for await (const p of gen.chunks) out.push(p);
  return out;
}

describe('private endpoint local model', () => {
  it('streams the deltas and reports usage and finish reason', async () => {
    let sent: { url: string; body: Record<string, unknown>; auth: string | null } | null = null;
    const model = createPrivateEndpointModel({
      id: 'local/x',
      model: 'llama',
      baseUrl: 'https://p.test/v1/',
      apiKey: 'k',
      timeoutMs: 1000,
      defaultMaxTokens: 7,
      fetch: async (u, init) => {
        sent = { url: String(u), body: JSON.parse(String(init?.body)), auth: new Headers(init?.headers).get('authorization') };
        // A frame split mid-line must still parse.
        const frames = [delta('Hel'), delta('lo'), `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'length' }] })}\n\n`, 'data: {"choices":[],"usage":{"prompt_', 'tokens":3,"completion_tokens":2}}\n\n', 'data: [DONE]\n\n'];
        return new Response(sseBody(frames), { headers: { 'content-type': 'text/event-stream' } });
      },
    });
    const gen = await model.generate(chat, new AbortController().signal);
    expect(await drain(gen)).toEqual(['Hel', 'lo']);
    expect(await gen.done).toEqual({ usage: { promptTokens: 3, completionTokens: 2 }, finishReason: 'length' });
    expect(sent!.url).toBe('https://p.test/v1/chat/completions');
    expect(sent!.auth).toBe('Bearer k');
    expect(sent!.body).toMatchObject({ model: 'llama', stream: true, max_tokens: 7, messages: chat.messages });
  });

  it('endpoint unreachable → local_model_unavailable (503), naming no prompt text', async () => {
    const model = createPrivateEndpointModel({ id: 'local/x', baseUrl: 'https://p.test/v1', timeoutMs: 1000, fetch: async () => { throw new TypeError('fetch failed'); } });
    const err = await model.generate({ messages: [{ role: 'user', content: 'secret 900101-1234568' }] }, new AbortController().signal).catch((e) => e);
    expect(isVeilError(err) && err.code).toBe('local_model_unavailable');
    expect(err.status).toBe(503);
    expect(err.message).not.toContain('900101');
  });

  it('endpoint busy (503 + Retry-After) → local_model_busy with Retry-After', async () => {
    const model = createPrivateEndpointModel({ id: 'local/x', baseUrl: 'https://p.test/v1', timeoutMs: 1000, fetch: async () => new Response('{"error":{"message":"echo: secret"}}', { status: 503, headers: { 'retry-after': '4' } }) });
    const err = await model.generate(chat, new AbortController().signal).catch((e) => e);
    expect(err.code).toBe('local_model_busy');
    expect(err.retryAfter).toBe(4);
    expect(err.message).not.toContain('echo');
  });

  it('no headers within the timeout → local_model_unavailable', async () => {
    const model = createPrivateEndpointModel({
      id: 'local/x',
      baseUrl: 'https://p.test/v1',
      timeoutMs: 50,
      fetch: (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const err = await model.generate(chat, new AbortController().signal).catch((e) => e);
    expect(err.code).toBe('local_model_unavailable');
    expect(err.message).toContain('50 ms');
  });

  it('a stall mid-stream fails the stream instead of hanging', async () => {
    const model = createPrivateEndpointModel({ id: 'local/x', baseUrl: 'https://p.test/v1', timeoutMs: 50, fetch: async () => new Response(sseBody([delta('a')], { stallAfter: 1 })) });
    const gen = await model.generate(chat, new AbortController().signal);
    const err = await drain(gen).catch((e) => e);
    expect(err.code).toBe('local_model_unavailable');
    await expect(gen.done).rejects.toThrow(/stalled/);
  });

  it('a client abort ends the generation with finishReason abort and cancels the endpoint request', async () => {
    let endpointSignal: AbortSignal | undefined;
    const model = createPrivateEndpointModel({
      id: 'local/x',
      baseUrl: 'https://p.test/v1',
      timeoutMs: 5000,
      fetch: async (_u, init) => {
        endpointSignal = init?.signal ?? undefined;
        return new Response(sseBody([delta('a'), delta('b')], { stallAfter: 2 }));
      },
    });
    const ctl = new AbortController();
    const gen = await model.generate(chat, ctl.signal);
    const seen: string[] = [];
    for await (const p of gen.chunks) {
      seen.push(p);
      if (seen.length === 2) ctl.abort();
    }
    expect(seen).toEqual(['a', 'b']);
    expect((await gen.done).finishReason).toBe('abort');
    expect(endpointSignal?.aborted).toBe(true);
  });
});
