/**
 * @module test/support/mock-upstream/openai-responses
 * `POST /v1/responses` (OpenAI Responses API) as the real API sends it: a `response` object
 * whose `output` holds `message` items (`output_text` parts) and `function_call` items, or the
 * typed event stream `response.created`, `response.in_progress`, per item
 * `response.output_item.added` … `response.output_item.done` (with `content_part.*` and
 * `output_text.delta/done` for messages, `function_call_arguments.delta/done` for calls), then
 * `response.completed`; every event carries an increasing `sequence_number`. No `[DONE]`.
 */
import { answerFor, chunkSizeFor, type EchoInput } from './behaviours.ts';
import { chunkText, eventFrame } from './sse.ts';
import {
  allStrings, estimateTokens, findLast, isObject, newHexId, newId, nowSeconds, partsText, stringField,
  type Endpoint, type Json, type PlanContext, type Planned,
} from './wire.ts';

function echoInput(json: Json): EchoInput {
  let userText = '';
  if (typeof json.input === 'string') userText = json.input;
  else {
    const isOutput = (item: Json) => item.type === 'function_call_output';
    const last = findLast(json.input, (item) => isOutput(item) || ((item.type === undefined || item.type === 'message') && item.role === 'user'));
    if (last) userText = partsText(isOutput(last) ? last.output : last.content, ['input_text']);
  }
  const tools = Array.isArray(json.tools) ? json.tools : [];
  const fn: unknown = tools.find((t: unknown) => isObject(t) && t.type === 'function');
  return { userText, firstTool: isObject(fn) && typeof fn.name === 'string' ? fn.name : null };
}

function plan(ctx: PlanContext): Planned {
  const { json, behaviour } = ctx;
  const answer = answerFor(behaviour, echoInput(json));
  const id = newHexId('resp_', 50);
  const createdAt = nowSeconds();
  const inputTokens = estimateTokens(allStrings([json.instructions, json.input]).join(''));
  const args = answer.toolCall ? JSON.stringify(answer.toolCall.arguments) : '';
  const outputTokens = estimateTokens((answer.text ?? '') + args);

  const response = (status: string, output: Json[], done: boolean): Json => ({
    id, object: 'response', created_at: createdAt, status, background: false, error: null,
    incomplete_details: null, instructions: json.instructions ?? null,
    max_output_tokens: json.max_output_tokens ?? null, max_tool_calls: null,
    model: stringField(json, 'model'), output, parallel_tool_calls: true,
    previous_response_id: json.previous_response_id ?? null, prompt_cache_key: null,
    reasoning: { effort: null, summary: null }, safety_identifier: null, service_tier: 'default',
    store: true, temperature: 1, text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto', tools: Array.isArray(json.tools) ? json.tools : [], top_logprobs: 0, top_p: 1,
    truncation: 'disabled',
    usage: done ? {
      input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    } : null,
    user: null, metadata: {},
  });

  const msgId = newHexId('msg_', 50);
  const fcId = newHexId('fc_', 50);
  const callId = newId('call_');
  const textPart = (text: string): Json => ({ type: 'output_text', annotations: [], logprobs: [], text });
  const messageItem = (status: string, content: Json[]): Json => ({ id: msgId, type: 'message', status, content, role: 'assistant' });
  const callItem = (status: string, a: string): Json => ({
    id: fcId, type: 'function_call', status, arguments: a, call_id: callId, name: answer.toolCall?.name ?? '',
  });
  const finalOutput: Json[] = [];
  if (answer.text !== null) finalOutput.push(messageItem('completed', [textPart(answer.text)]));
  if (answer.toolCall) finalOutput.push(callItem('completed', args));

  if (json.stream !== true) return { type: 'json', status: 200, body: response('completed', finalOutput, true) };

  const size = chunkSizeFor(behaviour, ctx.tuning);
  const frames: string[] = [];
  const emit = (type: string, fields: Json): void => {
    frames.push(eventFrame(type, { type, sequence_number: frames.length, ...fields }));
  };
  emit('response.created', { response: response('in_progress', [], false) });
  emit('response.in_progress', { response: response('in_progress', [], false) });
  let outputIndex = 0;
  if (answer.text !== null) {
    const at = { item_id: msgId, output_index: outputIndex, content_index: 0 };
    emit('response.output_item.added', { output_index: outputIndex, item: messageItem('in_progress', []) });
    emit('response.content_part.added', { ...at, part: textPart('') });
    for (const delta of chunkText(answer.text, size)) emit('response.output_text.delta', { ...at, delta, logprobs: [] });
    emit('response.output_text.done', { ...at, text: answer.text, logprobs: [] });
    emit('response.content_part.done', { ...at, part: textPart(answer.text) });
    emit('response.output_item.done', { output_index: outputIndex, item: finalOutput[outputIndex] });
    outputIndex++;
  }
  if (answer.toolCall) {
    const at = { item_id: fcId, output_index: outputIndex };
    emit('response.output_item.added', { output_index: outputIndex, item: callItem('in_progress', '') });
    for (const delta of chunkText(args, size)) emit('response.function_call_arguments.delta', { ...at, delta });
    emit('response.function_call_arguments.done', { ...at, name: answer.toolCall.name, arguments: args });
    emit('response.output_item.done', { output_index: outputIndex, item: finalOutput[outputIndex] });
  }
  emit('response.completed', { response: response('completed', finalOutput, true) });
  return {
    type: 'sse', frames,
    errorFrame: (message, sent) => eventFrame('error', {
      type: 'error', code: 'server_error', message, param: null, sequence_number: sent,
    }),
  };
}

export const responses: Endpoint = {
  family: 'openai',
  validate(json) {
    if (typeof json.model !== 'string' || json.model === '') return "Missing required parameter: 'model'.";
    if (json.input !== undefined && typeof json.input !== 'string' && !Array.isArray(json.input)) {
      return "Invalid type for 'input': expected a string or an array of input items.";
    }
    return null;
  },
  plan,
};
