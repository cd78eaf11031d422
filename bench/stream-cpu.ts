/**
 * @module bench/stream-cpu
 * Veil's CPU per streamed request, in process and A/B: two source trees (e.g. a copy from before
 * a change, `git archive HEAD src | tar -x -C /tmp/old`, and this checkout) each build the app
 * with `createApp` and a stub upstream that streams the same `chat.completion.chunk` events as
 * bench/lib/mock-server.ts (1,024-byte reply, 8-character deltas, 16 events per read), and are
 * called in alternating rounds. Process CPU time per request (robust to a shared machine), median
 * per tree and median of the per-round ratios. Also checks both trees send the same bytes.
 * Modes: `guard` (default policy: output guard on), `plain` (output guard off: nothing to
 * transform), `redact` (an e-mail in the prompt comes back as its placeholder: restore + guard).
 * Dialects: `chat` (default), `anthropic` (the same reply as Messages events, as
 * test/support/mock-upstream/anthropic.ts writes them, to `/v1/messages`), `responses` (as
 * test/support/mock-upstream/openai-responses.ts writes them, to `/v1/responses`).
 * A tree needs `src/` and `migrations/` (a symlink will do).
 *
 *   npx tsx bench/stream-cpu.ts <treeA> <treeB> [rounds=15] [perRound=200] [promptBytes=1024] [mode=guard] [dialect=chat]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [treeA, treeB] = [resolve(process.argv[2] ?? '.'), resolve(process.argv[3] ?? '.')];
const POLICY = resolve(import.meta.dirname, '..', 'policies', 'default.yaml');
const ROUNDS = Number(process.argv[4] ?? 15);
const PER = Number(process.argv[5] ?? 200);
const PROMPT_BYTES = Number(process.argv[6] ?? 1024);
const MODE = process.argv[7] ?? 'guard';
const DIALECT = process.argv[8] ?? 'chat';
if (DIALECT !== 'chat' && DIALECT !== 'anthropic' && DIALECT !== 'responses') throw new Error(`unknown dialect ${DIALECT}: chat, anthropic or responses`);

const SENTENCE = 'The quarterly planning notes cover roadmap items, hiring plans and the migration of the billing service to the new cluster. ';
const extra = MODE === 'redact' ? ' Reply to jane.doe@example.com.' : '';
const prompt = SENTENCE.repeat(Math.ceil(PROMPT_BYTES / SENTENCE.length)).slice(0, PROMPT_BYTES - extra.length) + extra;
const MODEL = DIALECT === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4o-mini';
const body = JSON.stringify(
  DIALECT === 'anthropic'
    ? { model: MODEL, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: prompt }] }
    : DIALECT === 'responses'
      ? { model: MODEL, stream: true, input: prompt }
      : { model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] },
);
const PATH = DIALECT === 'anthropic' ? '/v1/messages' : DIALECT === 'responses' ? '/v1/responses' : '/v1/chat/completions';

const REPLY_S = 'Here is a summary of the planning notes with the open questions listed at the end. ';
const reply = REPLY_S.repeat(Math.ceil(1024 / REPLY_S.length)).slice(0, 1024);

/** The reply as 8-character deltas, with `placeholder` in it at 500 when given. */
function deltas(placeholder: string | null): string[] {
  const text = placeholder ? reply.slice(0, 500) + placeholder + reply.slice(500 + placeholder.length) : reply;
  const pts = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < pts.length; i += 8) out.push(pts.slice(i, i + 8).join(''));
  return out;
}

function frames(placeholder: string | null): string[] {
  if (DIALECT === 'anthropic') return anthropicFrames(deltas(placeholder));
  if (DIALECT === 'responses') return responsesFrames(deltas(placeholder));
  const head = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', service_tier: 'default', system_fingerprint: 'fp_mock0001' };
  const text = placeholder ? reply.slice(0, 500) + placeholder + reply.slice(500 + placeholder.length) : reply;
  const out: string[] = [];
  out.push(`data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })}\n\n`);
  const pts = Array.from(text);
  for (let i = 0; i < pts.length; i += 8) {
    out.push(`data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: { content: pts.slice(i, i + 8).join('') }, logprobs: null, finish_reason: null }] })}\n\n`);
  }
  out.push(`data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] })}\n\n`);
  out.push('data: [DONE]\n\n');
  return out;
}

function anthropicFrames(pieces: string[]): string[] {
  const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const usage = (output: number) => ({ input_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output, service_tier: 'standard' });
  return [
    ev('message_start', { message: { id: 'msg_mock', type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage: usage(1) } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
    ...pieces.map((text) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } }),
    ev('message_stop', {}),
  ];
}

function responsesFrames(pieces: string[]): string[] {
  const text = pieces.join('');
  const out: string[] = [];
  const emit = (type: string, fields: object) => out.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: out.length, ...fields })}\n\n`);
  const part = (t: string) => ({ type: 'output_text', annotations: [], logprobs: [], text: t });
  const item = (status: string, content: object[]) => ({ id: 'msg_mock', type: 'message', status, content, role: 'assistant' });
  const response = (status: string, output: object[], done: boolean) => ({
    id: 'resp_mock', object: 'response', created_at: 1, status, background: false, error: null, incomplete_details: null, instructions: null,
    max_output_tokens: null, model: MODEL, output, parallel_tool_calls: true, previous_response_id: null, reasoning: { effort: null, summary: null },
    service_tier: 'default', store: true, temperature: 1, text: { format: { type: 'text' }, verbosity: 'medium' }, tool_choice: 'auto', tools: [],
    top_p: 1, truncation: 'disabled',
    usage: done ? { input_tokens: 300, input_tokens_details: { cached_tokens: 0 }, output_tokens: pieces.length, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 300 + pieces.length } : null,
    user: null, metadata: {},
  });
  const at = { item_id: 'msg_mock', output_index: 0, content_index: 0 };
  emit('response.created', { response: response('in_progress', [], false) });
  emit('response.in_progress', { response: response('in_progress', [], false) });
  emit('response.output_item.added', { output_index: 0, item: item('in_progress', []) });
  emit('response.content_part.added', { ...at, part: part('') });
  for (const delta of pieces) emit('response.output_text.delta', { ...at, delta, logprobs: [] });
  emit('response.output_text.done', { ...at, text, logprobs: [] });
  emit('response.content_part.done', { ...at, part: part(text) });
  emit('response.output_item.done', { output_index: 0, item: item('completed', [part(text)]) });
  emit('response.completed', { response: response('completed', [item('completed', [part(text)])], true) });
  return out;
}

const te = new TextEncoder();

async function build(root: string) {
  // Typed as this checkout's modules: both trees export the same API.
  const { createApp } = (await import(`${root}/src/app.ts`)) as typeof import('../src/app.ts');
  const { createSqliteAuditStore } = (await import(`${root}/src/audit/sqlite.node.ts`)) as typeof import('../src/audit/sqlite.node.ts');
  const { loadPolicies } = (await import(`${root}/src/config/policy-load.ts`)) as typeof import('../src/config/policy-load.ts');
  const { openDatabase } = (await import(`${root}/src/db/open.node.ts`)) as typeof import('../src/db/open.node.ts');
  const { createSqliteKeyStore } = (await import(`${root}/src/keys/sqlite.node.ts`)) as typeof import('../src/keys/sqlite.node.ts');
  const { createRemoteProvider } = (await import(`${root}/src/providers/remote.ts`)) as typeof import('../src/providers/remote.ts');
  const { createPseudonymizer } = (await import(`${root}/src/transform/pseudonymizer.ts`)) as typeof import('../src/transform/pseudonymizer.ts');
  let text = readFileSync(POLICY, 'utf8');
  if (MODE === 'plain') text = text.replace('inspect_output: true', 'inspect_output: false');
  const loaded = (await loadPolicies([{ file: 'default.yaml', text }])).get('default')!;
  const db = openDatabase(':memory:');
  const keys = createSqliteKeyStore(db);
  const { secret } = await keys.create({ team: 't', policyId: null });
  const plain = frames(null).map((f) => te.encode(f));
  let withPh: typeof plain | null = null;
  const stubFetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let chunks = plain;
    if (MODE === 'redact') {
      // Echo one placeholder from the request in the answer, so restore has work.
      const m = /<EMAIL_[^>]+>/.exec(String(init?.body ?? ''));
      if (m) chunks = withPh ??= frames(m[0]).map((f) => te.encode(f));
    }
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        // One chunk per 16 events, as one socket read would bring them.
        const n = Math.min(16, chunks.length - i);
        const buf = new Uint8Array(chunks.slice(i, i + n).reduce((a, c) => a + c.length, 0));
        let o = 0;
        for (let k = 0; k < n; k++) { buf.set(chunks[i + k]!, o); o += chunks[i + k]!.length; }
        i += n;
        ctl.enqueue(buf);
        if (i >= chunks.length) ctl.close();
        return new Promise((r) => setImmediate(r));
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  const app = createApp({
    keys,
    audit: createSqliteAuditStore(db),
    policies: { forKey: () => loaded, ids: () => ['default'] },
    routes: {
      models: [{ id: MODEL, provider: DIALECT === 'anthropic' ? 'anthropic' : 'openai' }],
      providers: new Map([[DIALECT === 'anthropic' ? 'anthropic' : 'openai', createRemoteProvider({ id: DIALECT === 'anthropic' ? 'anthropic' : 'openai', kind: DIALECT === 'anthropic' ? 'anthropic' : 'openai', baseUrl: 'http://up/v1', apiKey: 'sk-up', timeoutMs: 5000, fetch: stubFetch as typeof fetch })]]),
      local: null,
      localId: null,
    },
    pseudonymizer: (scope: string) => createPseudonymizer({ secret: 's', scope }),
    limits: { maxBodyBytes: 1 << 20, upstreamTimeoutMs: 5000 },
  });
  const td = new TextDecoder();
  const one = async (): Promise<string> => {
    const res: Response = await app.fetch(
      new Request(`http://veil${PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
      }),
    );
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
    const reader = res.body!.getReader();
    let out = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out += td.decode(value, { stream: true });
    }
    return out;
  };
  return { one, sample: await one() };
}

const A = await build(treeA);
const B = await build(treeB);
// The stub's ids are fixed, so both trees must send the very same bytes.
console.error(`sample equal: ${A.sample === B.sample} (A ${A.sample.length} chars, B ${B.sample.length} chars)`);
if (A.sample !== B.sample) {
  console.error('A:', A.sample.slice(0, 600));
  console.error('B:', B.sample.slice(0, 600));
}
/** The answer a client accumulates from the events' content deltas. */
const answerText = (s: string) => {
  let t = '';
  for (const line of s.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const j = JSON.parse(line.slice(6)) as { type?: string; choices?: { delta?: { content?: string } }[]; delta?: { text?: string } | string };
    if (j.type === 'content_block_delta' && typeof j.delta === 'object') t += j.delta.text ?? '';
    else if (j.type === 'response.output_text.delta' && typeof j.delta === 'string') t += j.delta;
    else t += j.choices?.[0]?.delta?.content ?? '';
  }
  return t;
};
console.error(`answer equal: ${answerText(A.sample) === answerText(B.sample)}; around the placeholder: ${JSON.stringify(answerText(A.sample).slice(480, 560))}`);

async function round(x: { one: () => Promise<string> }): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < PER; i++) await x.one();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / PER;
}
for (let i = 0; i < 3; i++) {
  await round(A);
  await round(B);
}
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    a.push(await round(A));
    b.push(await round(B));
  } else {
    b.push(await round(B));
    a.push(await round(A));
  }
}
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
const ratios = a.map((x, i) => b[i]! / x);
console.log(`dialect=${DIALECT} mode=${MODE} prompt=${PROMPT_BYTES}B  A ${med(a).toFixed(0)} µs/req  B ${med(b).toFixed(0)} µs/req  B/A median ratio ${med(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)} max ${Math.max(...ratios).toFixed(3)})`);
