/**
 * @module test/worker/support/mock-llm
 * An in-process stand-in for a remote OpenAI-compatible provider and for the private model
 * endpoint, as a plain `fetch` function: web-standard, so the same mock serves the workerd tests
 * and the Node side of the parity test. It records exactly what reached it (URL, headers, body),
 * so tests can assert what left the gateway. Answers are deterministic functions of the request.
 */

export const UPSTREAM_ORIGIN = 'https://upstream.test';
export const PRIVATE_ORIGIN = 'https://private.test';
export const UPSTREAM_KEY = 'sk-upstream-test-0123456789abcdef';
export const PRIVATE_ENDPOINT_KEY = 'veil_privateEndpoint_key';

export interface Received {
  url: string;
  headers: Record<string, string>;
  body: { model?: string; stream?: boolean; messages?: Array<{ role: string; content: unknown }>; [k: string]: unknown };
}

export interface MockLlm {
  fetch: typeof fetch;
  /** Requests that reached the remote provider. */
  upstream: Received[];
  /** Requests that reached the private (local) endpoint. */
  private: Received[];
  /** When true, the private endpoint refuses connections, like a tunnel whose machine is off. */
  privateDown: boolean;
  reset(): void;
}

const enc = new TextEncoder();

function lastUserText(body: Received['body']): string {
  const msgs = body.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i]!;
    if (m.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return '';
}

/** Splits text into small pieces so streams have several chunks (and placeholders get cut). */
function pieces(text: string, size = 5): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sse(events: unknown[]): Response {
  const text = events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
  const chunks = pieces(text, 37);
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      const c = chunks.shift();
      if (c === undefined) ctl.close();
      else ctl.enqueue(enc.encode(c));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

function chatAnswer(body: Received['body'], content: string, model: string): Response {
  const usage = { prompt_tokens: lastUserText(body).length, completion_tokens: content.length, total_tokens: lastUserText(body).length + content.length };
  const base = { id: 'chatcmpl-mock', created: 1_700_000_000, model, system_fingerprint: null };
  if (!body.stream) {
    return Response.json({
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
  }
  const frame = (choices: unknown[], extra: object = {}) => ({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  return sse([
    frame([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    ...pieces(content).map((p) => frame([{ index: 0, delta: { content: p }, finish_reason: null }])),
    frame([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    frame([], { usage }),
    '[DONE]',
  ]);
}

export function createMockLlm(): MockLlm {
  const mock: MockLlm = {
    upstream: [],
    private: [],
    privateDown: false,
    reset() {
      mock.upstream.length = 0;
      mock.private.length = 0;
      mock.privateDown = false;
    },
    fetch: async (input, init) => {
      const req = new Request(input, init);
      const url = new URL(req.url);
      const text = await req.text();
      const rec: Received = { url: req.url, headers: Object.fromEntries(req.headers), body: text ? (JSON.parse(text) as Received['body']) : {} };
      if (url.origin === UPSTREAM_ORIGIN && url.pathname === '/v1/chat/completions') {
        mock.upstream.push(rec);
        if (req.headers.get('authorization') !== `Bearer ${UPSTREAM_KEY}`) return Response.json({ error: { message: 'bad key' } }, { status: 401 });
        // Echo the prompt: a pseudonymized value comes back as its placeholder, which Veil restores.
        return chatAnswer(rec.body, `You said: ${lastUserText(rec.body)}`, String(rec.body.model));
      }
      if (url.origin === PRIVATE_ORIGIN && url.pathname === '/v1/chat/completions') {
        if (mock.privateDown) throw new TypeError('Network connection lost.');
        mock.private.push(rec);
        if (req.headers.get('authorization') !== `Bearer ${PRIVATE_ENDPOINT_KEY}`) return Response.json({ error: { message: 'bad key' } }, { status: 401 });
        return chatAnswer({ ...rec.body, stream: true }, 'Kept on-premises. All good.', String(rec.body.model));
      }
      return new Response('not found', { status: 404 });
    },
  };
  return mock;
}
