/**
 * @module providers/private-endpoint
 * A `LocalModel` over a private OpenAI-compatible HTTP endpoint: the local route where no GGUF can
 * be loaded (Cloudflare Workers). Typically the endpoint is a Node Veil gateway with a local model
 * on the company's own machine, reached through a tunnel (docs/workers.md).
 *
 * It always streams from the endpoint (SSE) and yields the text deltas as they arrive. When the
 * endpoint is down, slow or refusing, the request fails with `local_model_unavailable` (503), or
 * `local_model_busy` when the endpoint itself says it is saturated — it is never sent to a remote
 * provider instead. Error texts name the endpoint's id and status only: its body could quote the
 * prompt, which is exactly the data that had to stay on-premises.
 */
import { VeilError } from '../util/errors.ts';
import { SseParser } from '../util/sse.ts';
import type { CanonicalChat, FinishReason, LocalGeneration, LocalModel, Usage } from './types.ts';

export interface PrivateEndpointOptions {
  /** Model id offered in `/v1/models`, e.g. `local/llama-3.2-3b`. */
  id: string;
  /** Base URL of the OpenAI-compatible API, e.g. `https://llm.example.internal/v1`. */
  baseUrl: string;
  /** Bearer key for the endpoint (e.g. a gateway key of the Node instance). */
  apiKey?: string;
  /** Model name sent to the endpoint; defaults to `id`. */
  model?: string;
  /** Extra headers, e.g. Cloudflare Access service-token headers. */
  headers?: Record<string, string>;
  /** Wait at most this long for response headers, and between two streamed chunks. */
  timeoutMs: number;
  defaultMaxTokens?: number;
  fetch?: typeof fetch;
}

interface ChunkJson {
  choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: unknown;
}

const unavailable = (id: string, why: string) =>
  new VeilError('local_model_unavailable', `The private model endpoint for '${id}' ${why}. The request was not sent to any remote provider.`);

/**
 * @example
 * const local = createPrivateEndpointModel({ id: 'local/llama', baseUrl: env.LOCAL_ENDPOINT_URL, apiKey: env.LOCAL_ENDPOINT_KEY, timeoutMs: 60_000 });
 * const gen = await local.generate({ messages: [{ role: 'user', content: 'hi' }] }, signal);
 * for await (const piece of gen.chunks) ...
 */
export function createPrivateEndpointModel(opts: PrivateEndpointOptions): LocalModel {
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream', ...opts.headers };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;

  async function generate(chat: CanonicalChat, signal: AbortSignal): Promise<LocalGeneration> {
    const body = {
      model: opts.model ?? opts.id,
      messages: chat.messages,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: chat.maxTokens ?? opts.defaultMaxTokens,
      temperature: chat.temperature,
      top_p: chat.topP,
      stop: chat.stop,
      seed: chat.seed,
    };
    // Our own controller: aborted by the client, by a stall, or when the consumer stops reading.
    const ctl = new AbortController();
    const onClientAbort = () => ctl.abort(signal.reason);
    if (signal.aborted) throw new VeilError('client_closed', 'Client closed the request.');
    signal.addEventListener('abort', onClientAbort, { once: true });
    const headerTimer = setTimeout(() => ctl.abort(new Error('timeout')), opts.timeoutMs);
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ctl.signal });
    } catch {
      signal.removeEventListener('abort', onClientAbort);
      if (signal.aborted) throw new VeilError('client_closed', 'Client closed the request.');
      if (ctl.signal.aborted) throw unavailable(opts.id, `did not answer within ${opts.timeoutMs} ms`);
      throw unavailable(opts.id, 'could not be reached');
    } finally {
      clearTimeout(headerTimer);
    }
    if (!res.ok || !res.body) {
      signal.removeEventListener('abort', onClientAbort);
      await res.body?.cancel().catch(() => {});
      if (res.status === 429 || res.status === 503) {
        const ra = Number(res.headers.get('retry-after'));
        throw new VeilError('local_model_busy', `The private model endpoint for '${opts.id}' is busy (HTTP ${res.status}). Retry shortly.`, {
          retryAfter: Number.isFinite(ra) && ra > 0 ? ra : 1,
        });
      }
      throw unavailable(opts.id, res.ok ? 'sent an empty answer' : `returned HTTP ${res.status}`);
    }

    let settle!: { resolve: (v: { usage: Usage; finishReason: FinishReason }) => void; reject: (e: unknown) => void };
    const done = new Promise<{ usage: Usage; finishReason: FinishReason }>((resolve, reject) => (settle = { resolve, reject }));
    // `done` may be awaited only after `chunks`; keep an early failure from being "unhandled".
    done.catch(() => {});
    const reader = res.body.getReader();

    async function* chunks(): AsyncGenerator<string> {
      const decoder = new TextDecoder();
      const parser = new SseParser();
      let usage: Usage | null = null;
      let finish: FinishReason = 'stop';
      let pieces = 0;
      let ended = false;
      // A read does not always notice the abort (it depends on the runtime's fetch), so race it.
      const aborted = new Promise<'abort'>((r) => {
        if (ctl.signal.aborted) r('abort');
        else ctl.signal.addEventListener('abort', () => r('abort'), { once: true });
      });
      try {
        for (;;) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const stall = new Promise<'stall'>((r) => (timer = setTimeout(() => r('stall'), opts.timeoutMs)));
          let read: ReadableStreamReadResult<Uint8Array> | 'stall' | 'abort';
          try {
            read = await Promise.race([reader.read(), stall, aborted]);
          } catch {
            if (signal.aborted) break;
            throw unavailable(opts.id, 'dropped the connection mid-answer');
          } finally {
            clearTimeout(timer);
          }
          if (read === 'abort') break;
          if (read === 'stall') throw unavailable(opts.id, `stalled for ${opts.timeoutMs} ms mid-answer`);
          const events = read.done ? [...parser.push(decoder.decode()), ...parser.end()] : parser.push(decoder.decode(read.value, { stream: true }));
          for (const ev of events) {
            if (ev.data === '[DONE]') {
              ended = true;
              break;
            }
            let json: ChunkJson;
            try {
              json = JSON.parse(ev.data) as ChunkJson;
            } catch {
              throw unavailable(opts.id, 'sent a malformed stream');
            }
            if (json.error) throw unavailable(opts.id, 'failed mid-answer');
            const u = json.usage;
            if (u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number') {
              usage = { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
            }
            const choice = json.choices?.[0];
            if (choice?.finish_reason === 'length') finish = 'length';
            const content = choice?.delta?.content;
            if (typeof content === 'string' && content.length > 0) {
              pieces++;
              yield content;
            }
          }
          if (read.done) ended = true;
          if (ended) break;
        }
        if (signal.aborted) finish = 'abort';
        // Without a usage chunk, each streamed piece is about one token; the prompt is unknown.
        settle.resolve({ usage: usage ?? { promptTokens: 0, completionTokens: pieces }, finishReason: finish });
      } catch (e) {
        settle.reject(e);
        throw e;
      } finally {
        signal.removeEventListener('abort', onClientAbort);
        // Early exit by the consumer (client gone) or an error: stop the endpoint's generation too.
        if (!ended) {
          ctl.abort(new Error('stream consumer stopped'));
          await reader.cancel().catch(() => {});
          settle.resolve({ usage: usage ?? { promptTokens: 0, completionTokens: pieces }, finishReason: 'abort' });
        } else reader.releaseLock();
      }
    }

    return { chunks: chunks(), done };
  }

  return {
    id: opts.id,
    generate,
    async close() {},
  };
}
