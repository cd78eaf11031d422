/**
 * @module providers/local-llama.node
 * The local model backend on node-llama-cpp 3.21.1 (Node only; injected into the app by the Node
 * entry). It loads one GGUF model once, opens one context with `sequences` sequences, and serves
 * each request statelessly: the chat history is rendered by a chat wrapper, generated on a free
 * sequence (through a bounded {@link createGenQueue} so overload answers 503 instead of hanging),
 * streamed token by token (or paced: at most one delivery per `streamMinGapMs`), and the sequence is
 * cleared afterwards so no prompt outlives its request.
 *
 * Sampling defaults are the library's: no `temperature` means greedy decoding.
 *
 * @example
 * const model = await createLocalModel({ modelPath: './models/stories260K.gguf', chatWrapper: 'plain' });
 * const gen = await model.generate({ messages: [{ role: 'user', content: 'Once upon a time' }] }, signal);
 * for await (const text of gen.chunks) process.stdout.write(text);
 * const { usage, finishReason } = await gen.done;
 */

import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  ChatMLChatWrapper,
  ChatWrapper,
  GeneralChatWrapper,
  getLlama,
  Llama2ChatWrapper,
  LlamaChat,
  LlamaLogLevel,
  LlamaText,
  resolveChatWrapper,
  SpecialToken,
  type ChatHistoryItem,
  type ChatWrapperGenerateContextStateOptions,
  type ChatWrapperGeneratedContextState,
  type Llama,
  type LlamaContext,
  type LlamaEmbeddingContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { VeilError } from '../util/errors.ts';
import { createGenQueue, type GenQueueStats } from './gen-queue.ts';
import type { CanonicalChat, ChatMessage, FinishReason, LocalGeneration, LocalModel, Usage } from './types.ts';

/**
 * How chat messages become model input. `plain` concatenates the texts with no role markers, for
 * base (completion) models without a chat template, such as stories260K.
 */
export type LocalChatWrapperName = 'auto' | 'chatml' | 'general' | 'llama2' | 'plain';

export interface LocalModelOptions {
  modelPath: string;
  /** Id offered in `/v1/models`; default `local/<file name without .gguf>`. */
  id?: string;
  /** CPU threads; default 1 (the library's default of 4 on a 2-core machine is ~1000x slower). */
  threads?: number;
  /** Tokens per sequence; default: the library's choice for the model (its training context when it fits). */
  contextSize?: number;
  /** Concurrent generations (context sequences); default 2. */
  sequences?: number;
  /** Requests allowed to wait for a sequence; one more gets 503 `local_model_busy`; default 16. */
  maxQueue?: number;
  /** Default `auto`: the model's own template, else a generic one. */
  chatWrapper?: LocalChatWrapperName;
  /** Tokens generated when a request sets no `maxTokens`; default 256. */
  defaultMaxTokens?: number;
  /**
   * Least ms between two deliveries of streamed text to the reader (see {@link createTextChannel});
   * default 0: every token at once. The gateway sets it from `local.stream_min_gap_ms`.
   */
  streamMinGapMs?: number;
  /** Load progress in percent, 0-100. */
  onProgress?: (loadPct: number) => void;
  /**
   * An already-created Llama binding to share (e.g. several models in one process or in tests:
   * each `getLlama` costs ~0.5 s). Not disposed by `close()`; its own thread setting applies.
   */
  llama?: Llama;
}

/** The {@link LocalModel} contract plus introspection the Node entry and tests use. */
export interface LocalLlamaModel extends LocalModel {
  /** Sequences busy and requests waiting right now. */
  stats(): GenQueueStats;
  /** Tokens one sequence can hold (prompt + completion). */
  readonly contextSize: number;
  /** Counts tokens of a chat as this model will see it (rendered by its chat wrapper). */
  countPromptTokens(messages: ChatMessage[]): number;
}

/** Thrown by {@link createLocalModel} when the file is missing, not GGUF, or the library refuses it. */
export class LocalModelLoadError extends Error {
  readonly modelPath: string;
  constructor(modelPath: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot load local model "${modelPath}": ${reason}`, options);
    this.name = 'LocalModelLoadError';
    this.modelPath = modelPath;
  }
}

const GGUF_MAGIC = 'GGUF';

/** Fails early with the path named, because the library's own errors for these cases are generic. */
async function checkModelFile(modelPath: string): Promise<void> {
  let size: number;
  try {
    const st = await stat(modelPath);
    if (!st.isFile()) throw new LocalModelLoadError(modelPath, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof LocalModelLoadError) throw e;
    throw new LocalModelLoadError(modelPath, 'file not found or not readable', { cause: e });
  }
  const head = new Uint8Array(4);
  const fh = await open(modelPath, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (size < 4 || new TextDecoder().decode(head) !== GGUF_MAGIC) {
    throw new LocalModelLoadError(modelPath, 'not a GGUF model file (missing "GGUF" magic bytes)');
  }
}

/**
 * Renders a chat as bare text: items joined by blank lines, the reply appended directly so a base
 * model continues the last message ("Once upon a time" → ", there was a little girl...").
 */
export class PlainChatWrapper extends ChatWrapper {
  readonly wrapperName = 'Plain';

  override generateContextState({ chatHistory }: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState {
    const parts: LlamaText[] = [];
    let reply: LlamaText | undefined;
    chatHistory.forEach((item, i) => {
      if (item.type === 'model' && i === chatHistory.length - 1) reply = this.generateModelResponseText(item.response);
      else if (item.type === 'system') parts.push(LlamaText.fromJSON(item.text));
      else if (item.type === 'user') parts.push(LlamaText(item.text));
      else parts.push(this.generateModelResponseText(item.response));
    });
    return {
      contextText: LlamaText([new SpecialToken('BOS'), LlamaText.joinValues('\n\n', parts), reply ?? LlamaText([])]),
      stopGenerationTriggers: [LlamaText(new SpecialToken('EOS'))],
    };
  }
}

/** The wrapper instance for a name; `auto` asks the library (the model's template or a generic fallback). */
export function createChatWrapper(name: LocalChatWrapperName, model: LlamaModel): ChatWrapper {
  switch (name) {
    case 'chatml':
      return new ChatMLChatWrapper();
    case 'general':
      return new GeneralChatWrapper();
    case 'llama2':
      return new Llama2ChatWrapper();
    case 'plain':
      return new PlainChatWrapper();
    case 'auto':
      return resolveChatWrapper(model);
  }
}

/**
 * Maps canonical messages to the library's history. Tool results have no slot in a plain chat
 * template, so they travel as user text. A trailing assistant message is continued (prefill);
 * otherwise an empty reply is opened for the model to write.
 */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    switch (m.role) {
      case 'system':
        return { type: 'system', text: m.content };
      case 'assistant':
        return { type: 'model', response: [m.content] };
      case 'tool':
        return { type: 'user', text: `Tool result:\n${m.content}` };
      case 'user':
        return { type: 'user', text: m.content };
    }
  });
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** Options of {@link createTextChannel}. */
export interface TextChannelOptions {
  /**
   * Least time between two deliveries to the reader, in ms; 0 delivers every piece of text at once.
   * The first text of a generation and its end are never held; text arriving within the gap after
   * a delivery is joined into the next one, which leaves with the first text pushed after the gap
   * has passed, or, if none comes, by a timer one more gap later.
   */
  minGapMs?: number;
}

/**
 * A single-consumer async stream fed by synchronous callbacks. Unbounded on purpose: producers are
 * bounded by `maxTokens`, and a slow reader must never stall the native generation loop.
 * Leaving the loop early (`return()`) calls `onCancel` so the generation stops.
 *
 * The reader is kept off the generation's critical path. node-llama-cpp hands text out in the
 * same run of microtasks that queues the next decode, whose dispatch it defers with `setImmediate`;
 * a reader woken synchronously would serialize, restore and write each token to the socket before
 * the next decode even starts (measured: the decode thread idled ~300 µs per token instead of
 * ~150 with 150 µs of reader work). So the wake is queued from a `nextTick`, which runs after
 * that run of microtasks: the reader's immediate comes right after the dispatch, while the decode
 * runs on its own thread, at no extra turn of the event loop. A read returns all text produced
 * since the last one, so a reader that fell behind catches up with one event, not one per token.
 *
 * With `minGapMs`, deliveries are also paced: each one costs the gateway a fixed amount of CPU
 * (an SSE event, a socket write), and a tiny model producing a token every millisecond would spend
 * a large share of a shared core on them. A real model takes longer than the gap per token, so
 * its text is never held. Held text leaves with the next token after the gap, so every delivery
 * stays aligned with a decode dispatch: a timer firing at the gap itself woke the reader at a random
 * point of a decode, whose end then waited for the reader's work (an SSE event and a socket write,
 * ~150-300 µs); `bench/local-through-gateway.ts` measured 0.96 → 0.975 of direct tokens/s in
 * one A/B run (0.91 → 0.96 in another). A held token thus waits less than the gap plus one token,
 * or at most two gaps if the model stalls.
 */
export function createTextChannel(onCancel: () => void, options: TextChannelOptions = {}) {
  const gap = options.minGapMs !== undefined && Number.isFinite(options.minGapMs) && options.minGapMs > 0 ? options.minGapMs : 0;
  let pending = '';
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  /** A wake of the reader is queued (through an immediate). */
  let wakeScheduled = false;
  /** When the reader last got text; undefined until the first delivery, which is never held. */
  let lastDelivery: number | undefined;
  /** Set by the backstop timer: the held text is due now. */
  let due = false;
  /** The backstop for held text when no further text comes to carry it out. */
  let timer: ReturnType<typeof setTimeout> | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const wakeLater = (): void => {
    wakeScheduled = false;
    notify();
  };
  const queueWake = (): void => {
    setImmediate(wakeLater);
  };
  const onBackstop = (): void => {
    timer = undefined;
    due = true;
    if (wakeScheduled) return;
    wakeScheduled = true;
    setImmediate(wakeLater);
  };
  const stopTimer = (): void => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
  };
  /** Ms the pending text must still wait; 0 when it may go now. */
  const holdFor = (): number => {
    if (gap === 0 || due || lastDelivery === undefined) return 0;
    return Math.max(0, lastDelivery + gap - performance.now());
  };
  /**
   * Held text normally leaves with the first push after the gap has passed, so deliveries keep to
   * the generation's own rhythm (woken right after a decode was dispatched, like any other). A timer
   * firing at the gap itself would wake the reader at a random point of a decode and delay the next
   * one; only when no text follows for another gap does this backstop send what is held.
   */
  const armBackstop = (hold: number): void => {
    if (timer === undefined) timer = setTimeout(onBackstop, hold + gap);
  };
  const finish = (): void => {
    ended = true;
    stopTimer();
    notify();
  };
  const iterator: AsyncIterator<string> = {
    async next() {
      for (;;) {
        if (pending.length > 0) {
          // The end (or a failure) flushes at once; otherwise a reader back within the gap waits.
          const hold = ended ? 0 : holdFor();
          if (hold === 0) {
            const value = pending;
            pending = '';
            due = false;
            stopTimer();
            if (gap > 0) lastDelivery = performance.now();
            return { value, done: false };
          }
          armBackstop(hold);
        } else {
          if (failure) throw failure.error;
          if (ended) return { value: undefined, done: true };
        }
        await new Promise<void>((r) => (wake = r));
      }
    },
    async return() {
      if (!ended) onCancel();
      pending = '';
      finish();
      return { value: undefined, done: true };
    },
  };
  return {
    iterable: { [Symbol.asyncIterator]: () => iterator } satisfies AsyncIterable<string>,
    push(text: string) {
      if (ended || text.length === 0) return;
      pending += text;
      if (!wake || wakeScheduled) return;
      const hold = holdFor();
      if (hold > 0) {
        armBackstop(hold);
        return;
      }
      wakeScheduled = true;
      process.nextTick(queueWake);
    },
    end() {
      finish();
    },
    fail(error: unknown) {
      failure = { error };
      finish();
    },
  };
}

function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'abort') return 'abort';
  return 'stop';
}

/** Loads the model once and returns a {@link LocalLlamaModel}. Throws {@link LocalModelLoadError}. */
export async function createLocalModel(opts: LocalModelOptions): Promise<LocalLlamaModel> {
  const threads = opts.threads ?? 1;
  const sequenceCount = opts.sequences ?? 2;
  const maxQueue = opts.maxQueue ?? 16;
  const defaultMaxTokens = opts.defaultMaxTokens ?? 256;
  const streamMinGapMs = opts.streamMinGapMs ?? 0;
  const id = opts.id ?? `local/${basename(opts.modelPath).replace(/\.gguf$/i, '')}`;
  const modelPath = opts.modelPath;

  await checkModelFile(modelPath);

  // The library reports why a load failed only through its logger; keep the last lines for the error.
  let loading = true;
  const loadLog: string[] = [];
  const ownLlama = !opts.llama;
  const llama =
    opts.llama ??
    (await getLlama({
      gpu: false,
      build: 'never',
      logLevel: LlamaLogLevel.error,
      maxThreads: threads,
      logger: (_level, message) => {
        if (!loading) console.error(`[node-llama-cpp] ${message.trim()}`);
        else if (loadLog.push(message.trim()) > 4) loadLog.shift();
      },
    }).catch((e: unknown) => {
      throw new LocalModelLoadError(modelPath, `node-llama-cpp binding unavailable (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }));

  let model: LlamaModel | undefined;
  let context: LlamaContext | undefined;
  try {
    model = await llama.loadModel({
      modelPath,
      gpuLayers: 0,
      onLoadProgress: opts.onProgress ? (p) => opts.onProgress?.(Math.round(p * 1000) / 10) : undefined,
    });
    context = await model.createContext({ sequences: sequenceCount, threads, contextSize: opts.contextSize });
  } catch (e) {
    await context?.dispose().catch(() => undefined);
    await model?.dispose().catch(() => undefined);
    if (ownLlama) await llama.dispose().catch(() => undefined);
    const detail = [e instanceof Error ? e.message : String(e), ...loadLog].filter(Boolean).join('; ');
    throw new LocalModelLoadError(modelPath, `node-llama-cpp could not load it (truncated, corrupt or unsupported model?): ${detail || 'no detail'}`, {
      cause: e,
    });
  } finally {
    loading = false;
  }
  const loadedModel: LlamaModel = model;
  const ctx: LlamaContext = context;

  const wrapper = createChatWrapper(opts.chatWrapper ?? 'auto', loadedModel);
  // One chat per sequence, reused across requests (a fresh LlamaChat per request measured ~3% slower).
  const newChat = (): LlamaChat => new LlamaChat({ contextSequence: ctx.getSequence(), chatWrapper: wrapper, autoDisposeSequence: true });
  const chats: LlamaChat[] = Array.from({ length: sequenceCount }, newChat);
  const contextSize = chats[0]?.sequence.contextSize ?? ctx.contextSize;

  // Recent generation time drives Retry-After: roughly when a queued slot would free up.
  let avgGenerationMs = 1000;
  const queue = createGenQueue({
    slots: sequenceCount,
    maxQueue,
    retryAfterSeconds: () => Math.min(60, (avgGenerationMs / 1000) * ((queue.stats().waiting + 1) / sequenceCount)),
  });

  const running = new Set<{ abort: AbortController; finished: Promise<unknown> }>();
  let closed = false;

  const countPromptTokens = (messages: ChatMessage[]): number =>
    wrapper.generateContextState({ chatHistory: toChatHistory(messages) }).contextText.tokenize(loadedModel.tokenizer).length;

  /** Clears a sequence for the next request; one that fails to clear is replaced with a new one. */
  async function resetSequence(index: number): Promise<void> {
    const chat = chats[index];
    if (!chat || ctx.disposed) return;
    try {
      await chat.sequence.clearHistory();
    } catch {
      chat.dispose({ disposeSequence: true });
      chats[index] = newChat();
    }
  }

  // Embeddings: a context of their own, created on first use (most deployments never embed), and
  // one input at a time through a promise chain because that context has a single sequence.
  let embedding: Promise<LlamaEmbeddingContext> | undefined;
  let embedTail: Promise<unknown> = Promise.resolve();

  async function embed(inputs: string[], signal: AbortSignal): Promise<{ vectors: number[][]; tokens: number }> {
    if (closed) throw new VeilError('local_model_unavailable', 'local model is shut down');
    embedding ??= loadedModel.createEmbeddingContext({ contextSize: Math.min(contextSize, 2048), threads });
    const run = embedTail.then(async () => {
      const ectx = await embedding!;
      const vectors: number[][] = [];
      let tokens = 0;
      for (const text of inputs) {
        if (signal.aborted) throw new VeilError('client_closed', 'request aborted while embedding');
        if (closed) throw new VeilError('local_model_unavailable', 'local model is shut down');
        const n = ectx.calculateInputLength(text);
        if (n > Math.min(contextSize, 2048)) throw new VeilError('invalid_request', `an input is ${n} tokens; the local embedding context holds ${Math.min(contextSize, 2048)}`);
        tokens += n;
        vectors.push([...(await ectx.getEmbeddingFor(text)).vector]);
      }
      return { vectors, tokens };
    });
    embedTail = run.catch(() => undefined);
    return run;
  }

  async function generate(chat: CanonicalChat, signal: AbortSignal): Promise<LocalGeneration> {
    if (closed) throw new VeilError('local_model_unavailable', 'local model is shut down');
    if (chat.messages.length === 0) throw new VeilError('invalid_request', 'messages must not be empty');

    // Measured before queueing so an oversized prompt is refused without waiting for a sequence.
    const history = toChatHistory(chat.messages);
    const promptTokens = wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(loadedModel.tokenizer).length;
    if (promptTokens >= contextSize) {
      throw new VeilError('invalid_request', `prompt is ${promptTokens} tokens; the local model holds ${contextSize} (prompt and completion)`);
    }
    const maxTokens = Math.max(1, Math.min(chat.maxTokens ?? defaultMaxTokens, contextSize - promptTokens));

    const slot = await queue.acquire(signal);
    const llamaChat = chats[slot.index];
    if (!llamaChat || closed) {
      slot.release();
      throw new VeilError('local_model_unavailable', 'local model is shut down');
    }

    // One controller for client abort, early exit from `chunks`, and shutdown.
    const abort = new AbortController();
    const onClientAbort = (): void => abort.abort(signal.reason);
    signal.addEventListener('abort', onClientAbort, { once: true });
    if (signal.aborted) abort.abort(signal.reason);

    const channel = createTextChannel(() => abort.abort(new Error('stream consumer stopped')), { minGapMs: streamMinGapMs });
    let completionTokens = 0;
    const started = Date.now();

    const run = async (): Promise<{ usage: Usage; finishReason: FinishReason }> => {
      try {
        const stop = (chat.stop ?? []).filter((s) => s.length > 0);
        let finishReason: FinishReason;
        try {
          const res = await llamaChat.generateResponse(history, {
            maxTokens,
            temperature: chat.temperature,
            topP: chat.topP,
            seed: chat.seed,
            customStopTriggers: stop.length > 0 ? stop : undefined,
            signal: abort.signal,
            stopOnAbortSignal: true,
            onTextChunk: (text) => channel.push(text),
            onToken: (tokens) => {
              completionTokens += tokens.length;
            },
          });
          finishReason = finishReasonOf(res.metadata.stopReason);
        } catch (e) {
          // An abort before the first token makes the library throw the abort reason instead of returning.
          if (!abort.signal.aborted) throw e;
          finishReason = 'abort';
        }
        channel.end();
        return { usage: { promptTokens, completionTokens }, finishReason };
      } catch (e) {
        // Library messages may quote model input; keep them out of our message and only as `cause`.
        const err = new VeilError('internal_error', 'local model generation failed');
        Object.defineProperty(err, 'cause', { value: e, enumerable: false });
        channel.fail(err);
        throw err;
      } finally {
        signal.removeEventListener('abort', onClientAbort);
        await resetSequence(slot.index);
        avgGenerationMs = avgGenerationMs * 0.7 + (Date.now() - started) * 0.3;
        slot.release();
      }
    };

    const done = run();
    const entry = { abort, finished: done.catch(() => undefined) };
    running.add(entry);
    void entry.finished.then(() => running.delete(entry));
    // Callers that only drain `chunks` see the error there; do not also crash on an unawaited `done`.
    done.catch(() => undefined);
    return { chunks: channel.iterable, done };
  }

  return {
    id,
    contextSize,
    generate,
    embed,
    countPromptTokens,
    stats: () => queue.stats(),
    async close() {
      if (closed) return;
      closed = true;
      queue.close();
      for (const r of running) r.abort.abort(new Error('local model closing'));
      await Promise.all([...running].map((r) => r.finished));
      await embedTail;
      if (embedding) await (await embedding.catch(() => undefined))?.dispose().catch(() => undefined);
      for (const c of chats) c.dispose({ disposeSequence: true });
      await ctx.dispose().catch(() => undefined);
      await loadedModel.dispose().catch(() => undefined);
      if (ownLlama) await llama.dispose().catch(() => undefined);
    },
  };
}
