/**
 * @module dialects/tool-slots
 * Tool definitions and output schemas carry free text too: a developer (or an agent that writes
 * its own tools) can put customer names, internal hosts or keys into a tool's `description`, a
 * parameter's `description`, an `enum` of allowed values or an `examples` list. Every dialect lists
 * those strings as slots, so they are inspected and redacted like any prompt text.
 *
 * Where they live: tool descriptions at `tools[i].description` (Anthropic, Responses),
 * `tools[i].function.description` (OpenAI chat), `tools[i].custom.description` (chat custom tools)
 * and `functions[i].description` (legacy chat); JSON Schemas at `tools[i].input_schema`,
 * `tools[i].parameters`, `tools[i].function.parameters`, `functions[i].parameters`; example inputs
 * at `tools[i].input_examples`; structured-output schemas at `response_format.json_schema` (chat),
 * `text.format` (Responses), `output_format` and `output_config.format` (Anthropic). The paths do not
 * collide, so every dialect checks all of them: an absent path yields nothing, and a present one
 * reaches the upstream whichever dialect carried it.
 *
 * Which schema strings are text (`schemaTextSlots`): every string in a schema is inspected except
 * where rewriting it would change what the schema means to a validator — the structural keywords
 * in `STRUCTURAL` (`type`, `$ref`/`$id`/`$schema`/anchors, `required`, `format`, `pattern`,
 * `dependentRequired`, `contentEncoding`/`contentMediaType`, `discriminator`) and every object key
 * (property names). A denylist rather than a list of text keywords, so that annotations Veil does
 * not know (`markdownDescription`, vendor `x-…` notes) are inspected too (fail closed). Under the
 * data keywords (`enum`, `const`, `default`, `examples`, `example`) every string at any depth is a
 * value an instance may hold, so even a nested `type` there is data. Only strings that a detector
 * flags (or that hold a value pseudonymized elsewhere in the request) are rewritten, so a schema
 * without sensitive text goes upstream unchanged.
 *
 * Restoring: the model copies schema values into its output (an `enum` value as a tool-call
 * argument, a `const` in structured JSON). They arrive as the same placeholders and are restored by
 * the answer transforms like any other, because the placeholders are in the request's pseudonym
 * session. The Responses API also echoes `tools` and `text.format` in its response object;
 * `restoreToolEcho` puts the client's own strings back there. Known gaps: a value inside a
 * `pattern` regex or used as a property name still reaches the model as written; consecutive
 * schema strings are joined at their seams like other text slots (`inspect/across-slots.ts`).
 */
import { VeilError } from '../util/errors.ts';
import { setTexts } from './json-path.ts';
import type { JsonObject, JsonPath, TextSlot } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose strings are machine-read: rewriting them would break validation or references. */
const STRUCTURAL = new Set([
  'type', '$ref', '$id', 'id', '$schema', '$anchor', '$dynamicRef', '$dynamicAnchor', '$recursiveRef',
  '$recursiveAnchor', '$vocabulary', 'required', 'format', 'pattern', 'dependentRequired',
  'contentEncoding', 'contentMediaType', 'discriminator',
]);
/** Keywords whose value is data an instance may hold: every string in it is text. */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'example']);
/** Keywords mapping names (structural) to subschemas. */
const SCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);

/**
 * Nesting allowed below a schema's root: the request body's own limit (`MAX_JSON_DEPTH` in
 * `http/body.ts`), so a body the gateway accepts is never refused here; the check keeps the walk
 * bounded for any other caller.
 */
export const MAX_SCHEMA_DEPTH = 512;

/**
 * The text slots of one JSON Schema at `base`, in document order. Iterative, and refuses a schema
 * nested deeper than {@link MAX_SCHEMA_DEPTH} (`invalid_request`): every slot's path is as long as
 * its depth, so unbounded nesting would cost quadratic time.
 */
export function schemaTextSlots(schema: unknown, base: JsonPath): TextSlot[] {
  return walk(schema, base, false);
}

/** `data`: inside a data keyword (every string is text); otherwise a schema position. */
function walk(root: unknown, base: JsonPath, asData: boolean): TextSlot[] {
  const slots: TextSlot[] = [];
  const stack: { node: unknown; path: JsonPath; data: boolean }[] = [{ node: root, path: base, data: asData }];
  while (stack.length > 0) {
    const { node, path, data } = stack.pop()!;
    if (path.length - base.length > MAX_SCHEMA_DEPTH) {
      throw new VeilError('invalid_request', `Invalid '${base.join('.')}': nested more than ${MAX_SCHEMA_DEPTH} levels deep.`);
    }
    if (typeof node === 'string') {
      slots.push({ path, text: node, kind: 'text' });
      continue;
    }
    const children: { node: unknown; path: JsonPath; data: boolean }[] = [];
    if (Array.isArray(node)) {
      node.forEach((v, i) => children.push({ node: v, path: [...path, i], data }));
    } else if (isObj(node)) {
      for (const [key, v] of Object.entries(node)) {
        if (data) children.push({ node: v, path: [...path, key], data: true });
        else if (STRUCTURAL.has(key)) continue;
        else if (DATA.has(key)) children.push({ node: v, path: [...path, key], data: true });
        else if (SCHEMA_MAP.has(key) && isObj(v)) {
          // Property names stay; each value is a subschema (`dependencies` arrays are names: structural).
          for (const [name, sub] of Object.entries(v)) if (!Array.isArray(sub)) children.push({ node: sub, path: [...path, key, name], data: false });
        } else children.push({ node: v, path: [...path, key], data: false });
      }
    }
    // Reversed onto the stack so they pop in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return slots;
}

function describedSchema(owner: unknown, path: JsonPath, schemaKey: string, out: TextSlot[]): void {
  if (!isObj(owner)) return;
  if (typeof owner.description === 'string') out.push({ path: [...path, 'description'], text: owner.description, kind: 'text' });
  if (owner[schemaKey] !== undefined) out.push(...schemaTextSlots(owner[schemaKey], [...path, schemaKey]));
}

/** Every text slot of the body's tool definitions and output schemas (see the module comment). */
export function toolSlots(body: JsonObject): TextSlot[] {
  const slots: TextSlot[] = [];
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool: unknown, i) => {
      if (!isObj(tool)) return;
      const at: JsonPath = ['tools', i];
      if (typeof tool.description === 'string') slots.push({ path: [...at, 'description'], text: tool.description, kind: 'text' });
      for (const key of ['input_schema', 'parameters']) {
        if (tool[key] !== undefined) slots.push(...schemaTextSlots(tool[key], [...at, key]));
      }
      // Example inputs (Anthropic) are values, like a schema's `examples`.
      if (tool.input_examples !== undefined) slots.push(...walk(tool.input_examples, [...at, 'input_examples'], true));
      describedSchema(tool.function, [...at, 'function'], 'parameters', slots);
      // A custom tool's `format` is a grammar (code, like `pattern`): only its description is text.
      const custom = tool.custom;
      if (isObj(custom) && typeof custom.description === 'string') slots.push({ path: [...at, 'custom', 'description'], text: custom.description, kind: 'text' });
    });
  }
  if (Array.isArray(body.functions)) body.functions.forEach((f: unknown, i) => describedSchema(f, ['functions', i], 'parameters', slots));
  const rf = body.response_format;
  if (isObj(rf)) describedSchema(rf.json_schema, ['response_format', 'json_schema'], 'schema', slots);
  if (isObj(body.text)) describedSchema(body.text.format, ['text', 'format'], 'schema', slots);
  if (isObj(body.output_format)) describedSchema(body.output_format, ['output_format'], 'schema', slots);
  if (isObj(body.output_config)) describedSchema(body.output_config.format, ['output_config', 'format'], 'schema', slots);
  return slots;
}

/**
 * An answer that echoes the request's tools and output schema (the Responses API's response object
 * does) carries their pseudonymized strings: returns a copy with each mapped through `restore`.
 */
export function restoreToolEcho(echo: JsonObject, restore: (s: string) => string): JsonObject {
  const slots = toolSlots(echo);
  if (slots.length === 0) return echo;
  return setTexts(echo, slots.map((s) => ({ path: s.path, text: restore(s.text) })));
}
