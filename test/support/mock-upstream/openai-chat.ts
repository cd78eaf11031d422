/**
 * @module test/support/mock-upstream/openai-chat
 * `POST /v1/chat/completions` as OpenAI sends it: a `chat.completion` object, or a stream of
 * `chat.completion.chunk` events (role chunk, content deltas, `tool_calls` deltas carrying
 * `index` + `id` + `function.name` first and `arguments` fragments after, a `finish_reason`
 * chunk per choice, the usage chunk with empty `choices` when `stream_options.include_usage`,
 * then `data: [DONE]`). With `n > 1` the choices' chunks are interleaved round-robin, as the
 * real API does, so consumers must key their state by choice index.
 */
import { answerFor, chunkSizeFor, type Answer, type EchoInput } from './behaviours.ts';
import { chunkText, dataFrame, DONE_FRAME } from './sse.ts';
import {
  allStrings, estimateTokens, findLast, isObject, newId, nowSeconds, openaiErrorBody, partsText, stringField,
  type Endpoint, type Json, type PlanContext, type Planned,
} from './wire.ts';

function echoInput(json: Json): EchoInput {
  const last = findLast(json.messages, (m) => m.role === 'user' || m.role === 'tool');
  return { userText: last ? partsText(last.content, ['text']) : '', firstTool: firstToolName(json.tools) };
}

function firstToolName(tools: unknown): string | null {
  if (!Array.isArray(tools) || tools.length === 0) return null;
  const t: unknown = tools[0];
  if (isObject(t) && isObject(t.function) && typeof t.function.name === 'string') return t.function.name;
  if (isObject(t) && typeof t.name === 'string') return t.name;
  return null;
}

function choiceCount(json: Json): number {
  return typeof json.n === 'number' && Number.isInteger(json.n) && json.n > 0 ? json.n : 1;
}

function usageOf(json: Json, answers: Answer[]): Json {
  const prompt = estimateTokens(allStrings(json.messages).join(''));
  let completion = 0;
  for (const a of answers) {
    completion += estimateTokens((a.text ?? '') + (a.toolCall ? JSON.stringify(a.toolCall.arguments) : ''));
  }
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
    },
  };
}

function plan(ctx: PlanContext): Planned {
  const { json, behaviour } = ctx;
  const echo = echoInput(json);
  const n = choiceCount(json);
  const answers = Array.from({ length: n }, (_, i) => answerFor(behaviour, echo, i, n));
  const callIds = answers.map(() => newId('call_'));
  const id = newId('chatcmpl-', 29);
  const created = nowSeconds();
  const model = stringField(json, 'model');
  const head = { id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_mock0001' };

  if (json.stream !== true) {
    const choices = answers.map((a, i) => {
      const message: Json = { role: 'assistant', content: a.text, refusal: null, annotations: [] };
      if (a.toolCall) {
        message.tool_calls = [{
          id: callIds[i], type: 'function',
          function: { name: a.toolCall.name, arguments: JSON.stringify(a.toolCall.arguments) },
        }];
      }
      return { index: i, message, logprobs: null, finish_reason: a.toolCall ? 'tool_calls' : 'stop' };
    });
    return {
      type: 'json', status: 200,
      body: { ...head, object: 'chat.completion', choices, usage: usageOf(json, answers) },
    };
  }

  const includeUsage = isObject(json.stream_options) && json.stream_options.include_usage === true;
  const size = chunkSizeFor(behaviour, ctx.tuning);
  const perChoice = answers.map((a, i) => {
    const deltas: Array<{ delta: Json; finish: string | null }> = [
      { delta: { role: 'assistant', content: a.text === null ? null : '', refusal: null }, finish: null },
    ];
    for (const piece of chunkText(a.text ?? '', size)) deltas.push({ delta: { content: piece }, finish: null });
    if (a.toolCall) {
      deltas.push({
        delta: { tool_calls: [{ index: 0, id: callIds[i], type: 'function', function: { name: a.toolCall.name, arguments: '' } }] },
        finish: null,
      });
      for (const piece of chunkText(JSON.stringify(a.toolCall.arguments), size)) {
        deltas.push({ delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish: null });
      }
    }
    deltas.push({ delta: {}, finish: a.toolCall ? 'tool_calls' : 'stop' });
    return deltas;
  });

  const frames: string[] = [];
  const longest = Math.max(...perChoice.map((d) => d.length));
  for (let step = 0; step < longest; step++) {
    perChoice.forEach((deltas, index) => {
      const d = deltas[step];
      if (!d) return;
      const chunk: Json = { ...head, choices: [{ index, delta: d.delta, logprobs: null, finish_reason: d.finish }] };
      if (includeUsage) chunk.usage = null;
      frames.push(dataFrame(chunk));
    });
  }
  if (includeUsage) frames.push(dataFrame({ ...head, choices: [], usage: usageOf(json, answers) }));
  frames.push(DONE_FRAME);
  return { type: 'sse', frames, errorFrame: (message) => dataFrame(openaiErrorBody(500, message)) };
}

function validate(json: Json): string | null {
  if (typeof json.model !== 'string' || json.model === '') return "you must provide a model parameter";
  if (!Array.isArray(json.messages) || json.messages.length === 0) return "'messages' must be a non-empty array";
  if (json.n !== undefined && (typeof json.n !== 'number' || !Number.isInteger(json.n) || json.n < 1 || json.n > 128)) {
    return "'n' must be an integer between 1 and 128";
  }
  return null;
}

export const chatCompletions: Endpoint = { family: 'openai', validate, plan };
