/**
 * @module dialects/anthropic-messages/parse
 * Anthropic Messages request → canonical request. Slots: `system` (string or text blocks), message
 * text, `text` blocks, `tool_use.input` (an object: inspected as its JSON text, written back as an
 * object), `tool_result` content (string or blocks), `thinking` text in assistant history, and
 * plain-text `document` sources, and the tool definitions and output schema (`tool-slots.ts`).
 * Images, PDFs and other blocks pass through untouched and are
 * counted as opaque parts.
 */
import { toolSlots } from '../tool-slots.ts';
import type { ChatMessage as CanonicalMessage } from '../../providers/types.ts';
import { VeilError } from '../../util/errors.ts';
import { setTexts } from '../json-path.ts';
import type { JsonObject, JsonPath, ParsedRequest, TextSlot } from '../types.ts';
import { CountTokensRequest, MessagesRequest } from './schema.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(path: JsonPath, what: string): never {
  throw new VeilError('invalid_request', `Invalid '${path.join('.')}': ${what}`);
}

function checkBody(body: unknown): asserts body is JsonObject {
  if (!isObj(body)) throw new VeilError('invalid_request', 'The request body must be a JSON object.');
}

function zodFailure(issues: readonly { path: PropertyKey[]; message: string }[]): never {
  const issue = issues[0]!;
  // zod messages name the expected shape, never the received value.
  throw new VeilError('invalid_request', `Invalid '${issue.path.map(String).join('.') || 'body'}': ${issue.message}`);
}

/** Collects slots and canonical text for one content array (a message's, or a tool result's). */
class Walker {
  readonly slots: TextSlot[] = [];
  opaqueParts = 0;

  text(path: JsonPath, text: string, out: string[]): void {
    this.slots.push({ path, text, kind: 'text' });
    out.push(text);
  }

  /** Returns the texts of the blocks, for the local model. */
  blocks(blocks: readonly Obj[], base: JsonPath, out: string[], tool: { onlyResults: boolean }): void {
    blocks.forEach((b, j) => {
      const at = [...base, j];
      switch (b.type) {
        case 'text':
          if (typeof b.text !== 'string') invalid([...at, 'text'], 'expected a string');
          this.text([...at, 'text'], b.text, out);
          tool.onlyResults = false;
          break;
        case 'tool_use':
        case 'server_tool_use': {
          if (typeof b.name !== 'string') invalid([...at, 'name'], 'expected a string');
          if (!isObj(b.input)) invalid([...at, 'input'], 'expected an object');
          const json = JSON.stringify(b.input);
          this.slots.push({ path: [...at, 'input'], text: json, kind: 'json' });
          out.push(`${b.name}(${json})`);
          tool.onlyResults = false;
          break;
        }
        case 'tool_result':
          if (typeof b.content === 'string') this.text([...at, 'content'], b.content, out);
          else if (Array.isArray(b.content)) {
            if (!b.content.every(isObj)) invalid([...at, 'content'], 'expected a string or an array of content blocks');
            this.blocks(b.content, [...at, 'content'], out, { onlyResults: false });
          } else if (b.content !== undefined) invalid([...at, 'content'], 'expected a string or an array of content blocks');
          break;
        case 'thinking':
          // Assistant history: the model's own reasoning can quote the user's data.
          if (typeof b.thinking !== 'string') invalid([...at, 'thinking'], 'expected a string');
          this.slots.push({ path: [...at, 'thinking'], text: b.thinking, kind: 'text' });
          tool.onlyResults = false;
          break;
        case 'document':
          if (isObj(b.source) && b.source.type === 'text' && typeof b.source.data === 'string') {
            this.text([...at, 'source', 'data'], b.source.data, out);
          } else this.opaqueParts++;
          tool.onlyResults = false;
          break;
        default:
          // image, redacted_thinking, search results, future block types: untouched, counted.
          this.opaqueParts++;
          tool.onlyResults = false;
      }
    });
  }
}

/** Parses `POST /v1/messages` (`countTokens`: the count_tokens body, no `max_tokens`, never streamed). */
export function parseMessagesRequest(body: unknown, opts: { countTokens?: boolean } = {}): ParsedRequest {
  checkBody(body);
  const r = opts.countTokens ? CountTokensRequest.safeParse(body) : MessagesRequest.safeParse(body);
  if (!r.success) zodFailure(r.error.issues);
  const req = r.data as MessagesRequest;
  const w = new Walker();
  const messages: CanonicalMessage[] = [];

  if (typeof req.system === 'string') {
    const out: string[] = [];
    w.text(['system'], req.system, out);
    messages.push({ role: 'system', content: req.system });
  } else if (Array.isArray(req.system)) {
    const out: string[] = [];
    req.system.forEach((b, j) => w.text(['system', j, 'text'], b.text, out));
    messages.push({ role: 'system', content: out.join('\n') });
  }

  req.messages.forEach((m, i) => {
    const out: string[] = [];
    const tool = { onlyResults: true };
    if (typeof m.content === 'string') {
      w.text(['messages', i, 'content'], m.content, out);
      tool.onlyResults = false;
    } else w.blocks(m.content, ['messages', i, 'content'], out, tool);
    const role = m.role === 'assistant' ? 'assistant' : tool.onlyResults && Array.isArray(m.content) && m.content.length > 0 ? 'tool' : 'user';
    messages.push({ role, content: out.join('\n') });
  });

  return {
    model: req.model,
    stream: !opts.countTokens && req.stream === true,
    body,
    slots: [...w.slots, ...toolSlots(body as JsonObject)],
    opaqueParts: w.opaqueParts,
    chat: {
      messages,
      maxTokens: req.max_tokens,
      temperature: req.temperature,
      topP: req.top_p,
      stop: req.stop_sequences,
    },
  };
}

/**
 * Writes slot texts back. `json` slots (`tool_use.input`) go back as objects: a redacted JSON text
 * that no longer parses throws, and the pipeline refuses the request rather than forward the original.
 */
export function withMessagesTexts(req: ParsedRequest, texts: readonly string[]): JsonObject {
  const copy = setTexts(req.body, req.slots.map((s, i) => ({ path: s.path, text: texts[i]! })));
  req.slots.forEach((s, i) => {
    if (s.kind !== 'json') return;
    const value: unknown = JSON.parse(texts[i]!);
    if (!isObj(value)) throw new Error('tool_use input is no longer an object');
    // setTexts copied every container on this path, so assigning in the copy leaves the client's body intact.
    let node = copy as Record<string | number, unknown>;
    for (const key of s.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[s.path[s.path.length - 1]!] = value;
  });
  return copy;
}
