/**
 * @module dialects/openai-responses/parse
 * OpenAI Responses request → canonical request. Slots: `instructions`, `input` as a string, and
 * in input items: message content (string, `input_text` / `output_text` / `refusal` parts),
 * `function_call.arguments` (JSON text), `function_call_output.output` (string or text parts),
 * custom tool call inputs and outputs, reasoning summaries, and the tool definitions and
 * `text.format` schema (`tool-slots.ts`). Images, files and audio pass
 * through untouched and are counted as opaque parts; so are item types Veil does not know.
 * `previous_response_id` or `conversation` and `store` say which earlier answer or conversation
 * this request continues and whether its own answer can be continued (`ParsedRequest.conversation`);
 * naming both is a 400, as upstream.
 */
import { toolSlots } from '../tool-slots.ts';
import type { ChatMessage as CanonicalMessage } from '../../providers/types.ts';
import { VeilError } from '../../util/errors.ts';
import type { JsonObject, JsonPath, ParsedRequest, TextSlot } from '../types.ts';
import { ResponsesRequest } from './schema.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(path: JsonPath, what: string): never {
  throw new VeilError('invalid_request', `Invalid '${path.join('.')}': ${what}`);
}

const ROLES: Record<string, CanonicalMessage['role']> = { user: 'user', assistant: 'assistant', system: 'system', developer: 'system' };

class Walker {
  readonly slots: TextSlot[] = [];
  opaqueParts = 0;

  text(path: JsonPath, text: string, out: string[], kind: TextSlot['kind'] = 'text'): void {
    this.slots.push({ path, text, kind });
    out.push(text);
  }

  /** Message content or a tool output: a string, or parts. */
  content(v: unknown, path: JsonPath, out: string[]): void {
    if (typeof v === 'string') return this.text(path, v, out);
    if (!Array.isArray(v)) invalid(path, 'expected a string or an array of content parts');
    v.forEach((p: unknown, j) => {
      if (!isObj(p)) invalid([...path, j], 'expected a content part object');
      if ((p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') && typeof p.text === 'string') this.text([...path, j, 'text'], p.text, out);
      else if (p.type === 'refusal' && typeof p.refusal === 'string') this.text([...path, j, 'refusal'], p.refusal, out);
      else if (p.type === 'input_text' || p.type === 'output_text') invalid([...path, j, 'text'], 'expected a string');
      else this.opaqueParts++;
    });
  }

  item(item: Obj, i: number, messages: CanonicalMessage[]): void {
    const at: JsonPath = ['input', i];
    const out: string[] = [];
    const type = item.type ?? (typeof item.role === 'string' ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const role = typeof item.role === 'string' ? ROLES[item.role] : undefined;
        if (!role) invalid([...at, 'role'], "expected one of 'user', 'assistant', 'system', 'developer'");
        this.content(item.content, [...at, 'content'], out);
        messages.push({ role, content: out.join('\n') });
        return;
      }
      case 'function_call':
        if (typeof item.arguments !== 'string') invalid([...at, 'arguments'], 'expected a string');
        if (typeof item.name !== 'string') invalid([...at, 'name'], 'expected a string');
        this.slots.push({ path: [...at, 'arguments'], text: item.arguments, kind: 'json' });
        messages.push({ role: 'assistant', content: `${item.name}(${item.arguments})` });
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        this.content(item.output, [...at, 'output'], out);
        messages.push({ role: 'tool', content: out.join('\n') });
        return;
      case 'custom_tool_call':
        if (typeof item.input !== 'string') invalid([...at, 'input'], 'expected a string');
        this.text([...at, 'input'], item.input, out);
        messages.push({ role: 'assistant', content: `${String(item.name)}(${item.input})` });
        return;
      case 'reasoning':
        // The model's earlier reasoning can quote the user's data; the encrypted part stays opaque.
        for (const field of ['summary', 'content'] as const) {
          const parts = item[field];
          if (!Array.isArray(parts)) continue;
          parts.forEach((p: unknown, j) => {
            if (isObj(p) && typeof p.text === 'string') this.slots.push({ path: [...at, field, j, 'text'], text: p.text, kind: 'text' });
          });
        }
        if (item.encrypted_content != null) this.opaqueParts++;
        return;
      case 'item_reference':
        return;
      default:
        // Hosted tool calls and future item types: untouched, counted.
        this.opaqueParts++;
    }
  }
}

export function parseResponsesRequest(body: unknown): ParsedRequest {
  if (!isObj(body)) throw new VeilError('invalid_request', 'The request body must be a JSON object.');
  const r = ResponsesRequest.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    // zod messages name the expected shape, never the received value.
    throw new VeilError('invalid_request', `Invalid '${issue.path.map(String).join('.') || 'body'}': ${issue.message}`);
  }
  const req = r.data;
  const previousId = req.previous_response_id || null;
  const conversationId = (typeof req.conversation === 'string' ? req.conversation : req.conversation?.id) || null;
  // The upstream refuses the pair too; refused here so no request reaches it meaning two histories.
  if (previousId !== null && conversationId !== null) {
    throw new VeilError('invalid_request', "'previous_response_id' and 'conversation' cannot be used together.");
  }
  const w = new Walker();
  const messages: CanonicalMessage[] = [];
  if (typeof req.instructions === 'string') {
    w.text(['instructions'], req.instructions, []);
    messages.push({ role: 'system', content: req.instructions });
  }
  if (typeof req.input === 'string') {
    w.text(['input'], req.input, []);
    messages.push({ role: 'user', content: req.input });
  } else if (Array.isArray(req.input)) {
    req.input.forEach((item, i) => w.item(item, i, messages));
  }
  return {
    model: req.model,
    stream: req.stream === true,
    body: body as JsonObject,
    slots: [...w.slots, ...toolSlots(body as JsonObject)],
    opaqueParts: w.opaqueParts,
    // The upstream keeps the answer unless told not to (`store: false`), and a later request may
    // continue it: the pipeline remembers which placeholders this one used.
    conversation: { previousId, conversationId, stored: req.store !== false },
    chat: {
      messages,
      maxTokens: req.max_output_tokens ?? undefined,
      temperature: req.temperature ?? undefined,
      topP: req.top_p ?? undefined,
    },
  };
}
