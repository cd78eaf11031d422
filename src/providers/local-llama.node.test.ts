import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { createLocalModel, createTextChannel, LocalModelLoadError, toChatHistory, type LocalLlamaModel } from './local-llama.node.ts';
import type { CanonicalChat, LocalGeneration } from './types.ts';
import { VeilError } from '../util/errors.ts';
import { requireModelOrSkip } from '../../test/support/model.ts';

// Skips on a fresh clone without the model; CI sets VEIL_REQUIRE_MODEL=1, which makes this throw.
const { path: modelPath, skipReason } = requireModelOrSkip();
if (skipReason) console.warn(skipReason);

const story = (extra: Partial<CanonicalChat> = {}): CanonicalChat => ({
  messages: [{ role: 'user', content: 'Once upon a time' }],
  ...extra,
});

async function drain(gen: LocalGeneration): Promise<{ text: string; chunks: string[] }> {
  const chunks: string[] = [];
  for await (const c of gen.chunks) chunks.push(c);
  return { text: chunks.join(''), chunks };
}

const never = () => new AbortController().signal;

describe('toChatHistory', () => {
  it('maps roles and opens a reply unless the chat ends with an assistant prefill', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'tool', content: 't' },
      ]),
    ).toEqual([
      { type: 'system', text: 's' },
      { type: 'user', text: 'u' },
      { type: 'user', text: 'Tool result:\nt' },
      { type: 'model', response: [] },
    ]);
    expect(toChatHistory([{ role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }]).at(-1)).toEqual({ type: 'model', response: ['a'] });
  });
});

describe('createTextChannel', () => {
  const immediate = () => new Promise<void>((r) => setImmediate(r));

  it('wakes a waiting reader after the decode that the same microtasks queued with setImmediate', async () => {
    const ch = createTextChannel(() => {});
    const it = ch.iterable[Symbol.asyncIterator]();
    const order: string[] = [];
    const read = it.next().then((r) => order.push(`read:${String(r.value)}`));
    await Promise.resolve();
    ch.push('a');
    // What node-llama-cpp does after handing out text: a few awaits later, it queues the next
    // decode's dispatch with setImmediate.
    await Promise.resolve();
    await Promise.resolve();
    setImmediate(() => order.push('decode'));
    await immediate();
    await read;
    expect(order).toEqual(['decode', 'read:a']);
  });

  it('a read returns all text pushed since the last one, in order; then the end', async () => {
    const ch = createTextChannel(() => {});
    const it = ch.iterable[Symbol.asyncIterator]();
    ch.push('Once');
    ch.push('');
    ch.push(' upon');
    expect(await it.next()).toEqual({ value: 'Once upon', done: false });
    const next = it.next();
    ch.push(' a');
    ch.push(' time');
    ch.end();
    expect(await next).toEqual({ value: ' a time', done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('text pushed before a failure is read first, then the error', async () => {
    const ch = createTextChannel(() => {});
    const it = ch.iterable[Symbol.asyncIterator]();
    ch.push('partial');
    ch.fail(new Error('boom'));
    expect(await it.next()).toEqual({ value: 'partial', done: false });
    await expect(it.next()).rejects.toThrow('boom');
  });

  it('leaving early cancels the generation once and drops pending text', async () => {
    let cancelled = 0;
    const ch = createTextChannel(() => cancelled++);
    const it = ch.iterable[Symbol.asyncIterator]();
    ch.push('x');
    await it.return!();
    await it.return!();
    ch.push('y');
    expect(cancelled).toBe(1);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});

describe('createTextChannel with a minimum gap between deliveries', () => {
  // A fake clock and gap timer: the gap's timing is asserted exactly, whatever the machine's load.
  // Immediates stay real (the channel wakes its reader through one), and each step lets them run.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A read whose result can be checked without awaiting it (it may be held by the gap). */
  function read(it: AsyncIterator<string>) {
    const r: { settled: boolean; value?: IteratorResult<string> } = { settled: false };
    const p = it.next().then((v) => {
      r.settled = true;
      r.value = v;
      return v;
    });
    return Object.assign(r, { p });
  }
  /** A channel with a 10 ms gap whose first text ('a') has just been delivered: the gap runs from now. */
  async function afterFirstDelivery() {
    const ch = createTextChannel(() => {}, { minGapMs: 10 });
    const it = ch.iterable[Symbol.asyncIterator]();
    ch.push('a');
    expect(await it.next()).toEqual({ value: 'a', done: false });
    return { ch, it };
  }
  const advance = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
  };

  it('the first text goes out at once; text within the gap is joined and leaves with the first text after the gap', async () => {
    const ch = createTextChannel(() => {}, { minGapMs: 10 });
    const it = ch.iterable[Symbol.asyncIterator]();
    const first = read(it);
    ch.push('Once');
    await advance(0);
    expect(first.value).toEqual({ value: 'Once', done: false });

    const second = read(it);
    await advance(2);
    ch.push(' upon');
    await advance(3);
    ch.push(' a');
    await advance(5);
    // The gap has passed, but no timer wakes the reader in the middle of the next decode: the held
    // text waits for the next token, which arrives right after a decode was dispatched.
    expect(second.settled).toBe(false);
    await advance(0.5);
    ch.push(' time');
    await advance(0);
    expect(second.value).toEqual({ value: ' upon a time', done: false });
    // The backstop armed for the held text is gone with it.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('held text that no further token carries out goes by the backstop, one gap after the gap has passed', async () => {
    const { ch, it } = await afterFirstDelivery();
    const held = read(it);
    await advance(7);
    ch.push('b');
    await advance(12.9);
    expect(held.settled).toBe(false);
    await advance(0.1);
    expect(held.value).toEqual({ value: 'b', done: false });
    // Text arriving after a full gap without delivery is not held at all.
    const late = read(it);
    await advance(25);
    ch.push('c');
    await advance(0);
    expect(late.value).toEqual({ value: 'c', done: false });
  });

  it('a reader coming back within the gap with text waiting gets it with the next text after the gap, or by the backstop', async () => {
    const { ch, it } = await afterFirstDelivery();
    ch.push('b');
    await advance(4);
    ch.push('c');
    const held = read(it);
    await advance(5);
    ch.push('d');
    await advance(0);
    expect(held.settled).toBe(false);
    await advance(2);
    ch.push('e');
    await advance(0);
    expect(held.value).toEqual({ value: 'bcde', done: false });

    // Back within the gap again, and the model goes quiet: the backstop sends it 2 gaps after the delivery.
    ch.push('f');
    const quiet = read(it);
    await advance(19.9);
    expect(quiet.settled).toBe(false);
    await advance(0.1);
    expect(quiet.value).toEqual({ value: 'f', done: false });
  });

  it('the end flushes held text at once, then the stream ends', async () => {
    const { ch, it } = await afterFirstDelivery();
    const held = read(it);
    ch.push('b');
    await advance(1);
    expect(held.settled).toBe(false);
    ch.end();
    await advance(0);
    expect(held.value).toEqual({ value: 'b', done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a failure delivers held text at once, then the error', async () => {
    const ch = createTextChannel(() => {}, { minGapMs: 10 });
    const it = ch.iterable[Symbol.asyncIterator]();
    ch.push('a');
    await it.next();
    ch.push('b');
    ch.fail(new Error('boom'));
    expect(await it.next()).toEqual({ value: 'b', done: false });
    await expect(it.next()).rejects.toThrow('boom');
  });

  it('leaving early while text is held cancels once, drops it and stops the timer', async () => {
    let cancelled = 0;
    const ch = createTextChannel(() => cancelled++, { minGapMs: 10 });
    const it = ch.iterable[Symbol.asyncIterator]();
    ch.push('a');
    await it.next();
    const held = read(it);
    ch.push('b');
    await advance(1);
    await it.return!();
    await advance(0);
    expect(held.value).toEqual({ value: undefined, done: true });
    expect(cancelled).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    ch.push('c');
    await advance(20);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('a gap of 0 delivers every piece of text at once and arms no timer', async () => {
    const ch = createTextChannel(() => {}, { minGapMs: 0 });
    const it = ch.iterable[Symbol.asyncIterator]();
    for (const t of ['a', 'b', 'c']) {
      const r = read(it);
      ch.push(t);
      await advance(0);
      expect(r.value).toEqual({ value: t, done: false });
    }
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const r = read(it);
    ch.push('d');
    await advance(0);
    expect(r.value).toEqual({ value: 'd', done: false });
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    setTimeoutSpy.mockRestore();
  });
});

describe('createLocalModel load errors name the file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veil-llama-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('missing file', async () => {
    const p = join(dir, 'nope.gguf');
    const err = await createLocalModel({ modelPath: p }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelLoadError);
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).toMatch(/not found/);
  });

  it('a file that is not GGUF', async () => {
    const p = join(dir, 'notes.gguf');
    await writeFile(p, 'hello, this is not a model');
    const err = await createLocalModel({ modelPath: p }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelLoadError);
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).toMatch(/GGUF/);
  });

  it('an empty file', async () => {
    const p = join(dir, 'empty.gguf');
    await writeFile(p, '');
    await expect(createLocalModel({ modelPath: p })).rejects.toThrow(p);
  });

  it('a directory', async () => {
    await expect(createLocalModel({ modelPath: dir })).rejects.toThrow(/not a regular file/);
  });

  // Skip reason: the tiny GGUF model is absent (a fresh clone without ../shared/models); CI sets
  // VEIL_REQUIRE_MODEL=1, so requireModelOrSkip() throws there instead of skipping.
  it.skipIf(!modelPath)('a truncated GGUF file (valid magic, the library refuses it)', async () => {
    const p = join(dir, 'truncated.gguf');
    const bytes = await readFile(modelPath as string);
    await writeFile(p, bytes.subarray(0, 4096));
    const err = await createLocalModel({ modelPath: p }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelLoadError);
    expect((err as Error).message).toContain(p);
    expect((err as Error).message).toMatch(/could not load/);
  });
});

// Skipped without the model (see skipReason above).
describe.skipIf(!modelPath)('createLocalModel on stories260K', () => {
  let llama: Llama;
  let model: LocalLlamaModel;

  beforeAll(async () => {
    // One binding shared by every model in this file: each getLlama costs ~0.5 s.
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: 1 });
    model = await createLocalModel({ modelPath: modelPath as string, llama, chatWrapper: 'plain', sequences: 2 });
  });
  afterAll(async () => {
    await model?.close();
    await llama?.dispose();
  });

  it('reports load progress and derives its id from the file name', async () => {
    const seen: number[] = [];
    const m = await createLocalModel({ modelPath: modelPath as string, llama, onProgress: (p) => seen.push(p) });
    try {
      expect(m.id).toBe('local/stories260K');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toBe(100);
      expect(seen.every((p) => p > 0 && p <= 100)).toBe(true);
    } finally {
      await m.close();
    }
  });

  it('creates and frees its own binding when none is injected', async () => {
    const own = await createLocalModel({ modelPath: modelPath as string, chatWrapper: 'plain', threads: 1 });
    try {
      const gen = await own.generate(story({ maxTokens: 5 }), never());
      expect((await drain(gen)).text).toBe(', there was a little');
    } finally {
      await own.close();
    }
  });

  it('greedily continues a story, streaming several chunks, with token usage', async () => {
    const gen = await model.generate(story({ maxTokens: 40 }), never());
    const { text, chunks } = await drain(gen);
    const { usage, finishReason } = await gen.done;
    expect(text).toMatch(/^, there was a little girl named Lily/);
    expect(chunks.length).toBeGreaterThan(5);
    expect(usage.promptTokens).toBe(model.countPromptTokens(story().messages));
    expect(usage.promptTokens).toBeGreaterThan(1);
    expect(usage.completionTokens).toBeGreaterThan(5);
    expect(usage.completionTokens).toBeLessThanOrEqual(40);
    expect(['stop', 'length']).toContain(finishReason);
  });

  it('with a stream gap, the first token goes out alone and the rest is joined, flushed by the end, text unchanged', async () => {
    const reference = await drain(await model.generate(story({ maxTokens: 40 }), never()));
    // A gap far longer than the generation: only the first token and the end may deliver.
    const paced = await createLocalModel({ modelPath: modelPath as string, llama, chatWrapper: 'plain', sequences: 1, streamMinGapMs: 60_000 });
    try {
      const t0 = Date.now();
      const gen = await paced.generate(story({ maxTokens: 40 }), never());
      const { text, chunks } = await drain(gen);
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(text).toBe(reference.text);
      expect(chunks).toHaveLength(2);
      // The first read holds only what the first decode produced, not the whole answer.
      expect(chunks[0]!.length).toBeGreaterThan(0);
      expect(chunks[0]!.length).toBeLessThanOrEqual(reference.chunks[0]!.length);
      expect((await gen.done).usage.completionTokens).toBeGreaterThan(5);
    } finally {
      await paced.close();
    }
  });

  it('honours maxTokens with finishReason length', async () => {
    const gen = await model.generate(story({ maxTokens: 5 }), never());
    const { text } = await drain(gen);
    const { usage, finishReason } = await gen.done;
    expect(finishReason).toBe('length');
    expect(usage.completionTokens).toBe(5);
    expect(text).toBe(', there was a little');
  });

  it('stops at a stop string without emitting it', async () => {
    const gen = await model.generate(story({ maxTokens: 100, stop: ['park'] }), never());
    const { text } = await drain(gen);
    const { finishReason } = await gen.done;
    expect(finishReason).toBe('stop');
    expect(text).toContain('Lily');
    expect(text).not.toContain('park');
    expect(text.endsWith('in the ')).toBe(true);
  });

  it('samples with temperature and seed reproducibly', async () => {
    const run = async (seed: number) => {
      const gen = await model.generate(story({ maxTokens: 30, temperature: 1.2, topP: 0.95, seed }), never());
      const { text } = await drain(gen);
      await gen.done;
      return text;
    };
    const a = await run(7);
    expect(await run(7)).toBe(a);
    const others = await Promise.all([run(8), run(9)]);
    expect(others.some((t) => t !== a)).toBe(true);
  });

  it('renders system/user/assistant history through a chat wrapper', async () => {
    const chatml = await createLocalModel({ modelPath: modelPath as string, llama, chatWrapper: 'chatml' });
    try {
      const chat: CanonicalChat = {
        messages: [
          { role: 'system', content: 'You tell stories.' },
          { role: 'user', content: 'Tell me about a cat.' },
          { role: 'assistant', content: 'The cat was big.' },
          { role: 'user', content: 'And then?' },
        ],
        maxTokens: 20,
      };
      const gen = await chatml.generate(chat, never());
      const { text } = await drain(gen);
      const { usage } = await gen.done;
      expect(text.length).toBeGreaterThan(0);
      // The ChatML markers are counted: more than the four texts alone.
      expect(usage.promptTokens).toBe(chatml.countPromptTokens(chat.messages));
      expect(usage.promptTokens).toBeGreaterThan(chatml.countPromptTokens([{ role: 'user', content: 'And then?' }]));
    } finally {
      await chatml.close();
    }
  });

  it('client abort mid-generation ends quickly with abort and the next request is unaffected', async () => {
    const ac = new AbortController();
    const gen = await model.generate(story({ maxTokens: 1500 }), ac.signal);
    let n = 0;
    let abortedAt = 0;
    for await (const _ of gen.chunks) {
      if (++n === 5) {
        abortedAt = performance.now();
        ac.abort();
      }
    }
    const { finishReason, usage } = await gen.done;
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(finishReason).toBe('abort');
    expect(usage.completionTokens).toBeLessThan(100);
    expect(model.stats()).toMatchObject({ active: 0, waiting: 0 });

    // A cleared sequence gives exactly the fresh greedy answer again.
    const next = await model.generate(story({ maxTokens: 5 }), never());
    expect((await drain(next)).text).toBe(', there was a little');
    expect((await next.done).finishReason).toBe('length');
  });

  it('abort before the first token still ends with abort', async () => {
    const ac = new AbortController();
    const gen = await model.generate(story({ maxTokens: 200 }), ac.signal);
    ac.abort();
    const { text } = await drain(gen);
    const { finishReason } = await gen.done;
    expect(finishReason).toBe('abort');
    expect(text.length).toBeLessThan(100);
  });

  it('an already-aborted signal is refused before taking a sequence', async () => {
    await expect(model.generate(story(), AbortSignal.abort())).rejects.toMatchObject({ code: 'client_closed' });
    expect(model.stats().active).toBe(0);
  });

  it('leaving the chunk loop early stops the generation and frees the sequence', async () => {
    const gen = await model.generate(story({ maxTokens: 1500 }), never());
    let n = 0;
    for await (const _ of gen.chunks) if (++n === 3) break;
    const { finishReason } = await gen.done;
    expect(finishReason).toBe('abort');
    expect(model.stats().active).toBe(0);
  });

  it('serves 4 concurrent requests on 2 sequences, queueing the rest', async () => {
    const gens = await Promise.all([0, 1].map(() => model.generate(story({ maxTokens: 30 }), never())));
    const queued = [2, 3].map(() => model.generate(story({ maxTokens: 30 }), never()));
    await new Promise((r) => setTimeout(r, 0));
    expect(model.stats().active).toBe(2);
    expect(model.stats().waiting).toBe(2);
    const all = [...gens, ...(await Promise.all(queued))];
    const results = await Promise.all(all.map(async (g) => ({ ...(await drain(g)), ...(await g.done) })));
    for (const r of results) {
      expect(r.text).toMatch(/^, there was a little girl named Lily/);
      expect(r.usage.completionTokens).toBeGreaterThan(0);
    }
    // Same greedy prompt on separate sequences: identical answers, so no cross-talk between them.
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(model.stats()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('overflowing the queue gives 503 local_model_busy with Retry-After, and nothing hangs', async () => {
    const small = await createLocalModel({ modelPath: modelPath as string, llama, chatWrapper: 'plain', sequences: 1, maxQueue: 1 });
    try {
      const ac = new AbortController();
      const running = await small.generate(story({ maxTokens: 1500 }), ac.signal);
      const waiting = small.generate(story({ maxTokens: 5 }), never());
      const err = await small.generate(story(), never()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VeilError);
      expect(err).toMatchObject({ code: 'local_model_busy', status: 503 });
      expect((err as VeilError).retryAfter).toBeGreaterThanOrEqual(1);
      ac.abort();
      await drain(running);
      expect((await running.done).finishReason).toBe('abort');
      const w = await waiting;
      expect((await drain(w)).text).toBe(', there was a little');
    } finally {
      await small.close();
    }
  });

  it('refuses a prompt longer than the context', async () => {
    const long = 'Once upon a time '.repeat(Math.ceil(model.contextSize / 3));
    await expect(model.generate({ messages: [{ role: 'user', content: long }] }, never())).rejects.toMatchObject({ code: 'invalid_request' });
    expect(model.stats().active).toBe(0);
  });

  it('close aborts running generations and refuses new ones', async () => {
    const m = await createLocalModel({ modelPath: modelPath as string, llama, chatWrapper: 'plain', sequences: 1, maxQueue: 2 });
    const running = await m.generate(story({ maxTokens: 1500 }), never());
    const queued = m.generate(story(), never()).catch((e: unknown) => e);
    await m.close();
    expect((await running.done).finishReason).toBe('abort');
    expect(await queued).toMatchObject({ code: 'local_model_unavailable' });
    await expect(m.generate(story(), never())).rejects.toMatchObject({ code: 'local_model_unavailable' });
  });
});
