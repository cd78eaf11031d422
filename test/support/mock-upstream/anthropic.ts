/**
 * @module test/support/mock-upstream/anthropic
 * Anthropic Messages as the real API sends it: `POST /v1/messages` (a `message` object, or the
 * named-event stream `message_start`, per block `content_block_start` / `content_block_delta`
 * (`text_delta` or `input_json_delta` with `partial_json`) / `content_block_stop`, a `ping`
 * after the first block starts, `message_delta` with `stop_reason` and usage, `message_stop`;
 * in-stream failures as `event: error`) and `POST /v1/messages/count_tokens` (`{input_tokens}`).
 */
import { answerFor, chunkSizeFor, type EchoInput } from './behaviours.ts';
import { chunkText, eventFrame } from './sse.ts';
import {
  allStrings, anthropicErrorBody, estimateTokens, findLast, isObject, newId, partsText, stringField,
  type Endpoint, type Json, type PlanContext, type Planned,
} from './wire.ts';

function echoInput(json: Json): EchoInput {
  const last = findLast(json.messages, (m) => m.role === 'user');
  let userText = '';
  if (typeof last?.content === 'string') userText = last.content;
  else if (Array.isArray(last?.content)) {
    const texts: string[] = [];
    for (const block of last.content) {
      if (!isObject(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
      if (block.type === 'tool_result') texts.push(partsText(block.content, ['text']));
    }
    userText = texts.join('\n');
  }
  const tools = Array.isArray(json.tools) ? json.tools : [];
  const first: unknown = tools[0];
  return { userText, firstTool: isObject(first) && typeof first.name === 'string' ? first.name : null };
}

function inputTokens(json: Json): number {
  return estimateTokens(allStrings([json.system, json.messages]).join(''));
}

function validateMessages(json: Json): string | null {
  if (typeof json.model !== 'string' || json.model === '') return 'model: Field required';
  if (!Array.isArray(json.messages) || json.messages.length === 0) return 'messages: Field required';
  return null;
}

function plan(ctx: PlanContext): Planned {
  const { json, behaviour } = ctx;
  const answer = answerFor(behaviour, echoInput(json));
  const model = stringField(json, 'model');
  const id = newId('msg_01', 22);
  const toolId = newId('toolu_01', 22);
  const stopReason = answer.toolCall ? 'tool_use' : 'end_turn';
  const input = inputTokens(json);
  const output = estimateTokens((answer.text ?? '') + (answer.toolCall ? JSON.stringify(answer.toolCall.arguments) : ''));
  const usage = (outputTokens: number): Json => ({
    input_tokens: input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  });
  const message = (content: Json[], stop: string | null, outputTokens: number): Json => ({
    id, type: 'message', role: 'assistant', model, content,
    stop_reason: stop, stop_sequence: null, usage: usage(outputTokens),
  });

  if (json.stream !== true) {
    const content: Json[] = [];
    if (answer.text !== null) content.push({ type: 'text', text: answer.text });
    if (answer.toolCall) content.push({ type: 'tool_use', id: toolId, name: answer.toolCall.name, input: answer.toolCall.arguments });
    return { type: 'json', status: 200, body: message(content, stopReason, output) };
  }

  const size = chunkSizeFor(behaviour, ctx.tuning);
  const frames = [eventFrame('message_start', { type: 'message_start', message: message([], null, 1) })];
  let index = 0;
  const block = (start: Json, deltas: Json[]): void => {
    frames.push(eventFrame('content_block_start', { type: 'content_block_start', index, content_block: start }));
    if (index === 0) frames.push(eventFrame('ping', { type: 'ping' }));
    for (const delta of deltas) frames.push(eventFrame('content_block_delta', { type: 'content_block_delta', index, delta }));
    frames.push(eventFrame('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  };
  if (answer.text !== null) {
    block({ type: 'text', text: '' }, chunkText(answer.text, size).map((text) => ({ type: 'text_delta', text })));
  }
  if (answer.toolCall) {
    // The real API opens a tool_use block with an empty partial_json before the fragments.
    const pieces = ['', ...chunkText(JSON.stringify(answer.toolCall.arguments), size)];
    block(
      { type: 'tool_use', id: toolId, name: answer.toolCall.name, input: {} },
      pieces.map((partial_json) => ({ type: 'input_json_delta', partial_json })),
    );
  }
  frames.push(eventFrame('message_delta', {
    type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: output },
  }));
  frames.push(eventFrame('message_stop', { type: 'message_stop' }));
  return {
    type: 'sse', frames,
    errorFrame: (msg) => eventFrame('error', anthropicErrorBody(529, msg)),
  };
}

export const messages: Endpoint = {
  family: 'anthropic',
  validate(json) {
    if (typeof json.max_tokens !== 'number') return 'max_tokens: Field required';
    return validateMessages(json);
  },
  plan,
};

export const countTokens: Endpoint = {
  family: 'anthropic',
  validate: validateMessages,
  plan: (ctx) => ({ type: 'json', status: 200, body: { input_tokens: inputTokens(ctx.json) } }),
};
