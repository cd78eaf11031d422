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
 * Which schema strings are slots (`schemaTextSlots`): all of them, and the names too, but not all
 * can be rewritten. A string is text (inspected and redacted like a prompt) unless rewriting it
 * would change what the schema means to a validator: property names (keys of `properties`,
 * `dependentSchemas`, `dependencies`), `patternProperties` keys, subschema names (`$defs`,
 * `definitions`), the strings of the machine-read keywords in `FIXED` (`required`,
 * `dependentRequired`, `pattern`, `$ref` and its kin, `$id`/anchors, `discriminator`), keys
 * in a schema position that are not keywords Veil knows (a vendor `x-…` name), keys inside
 * data values, and tool and output-schema names (`nameSlot`). Those are slots with `rewritable: false` and a `location` naming what they are
 * ("a tool schema property name"): inspected as written with the request's policy, never written
 * back. A finding in one cannot be redacted, so the decide stage escalates a `redact` to `local`
 * or `block` (`decide/decide.ts`); it never goes upstream as written. Not inspected at all: the
 * fixed vocabulary of `VOCABULARY` (`type`, `format`, `contentEncoding`/`contentMediaType`,
 * `$schema`) and the names of keywords Veil knows. A denylist rather than a list of text keywords,
 * so that annotations Veil does not know (`markdownDescription`, vendor `x-…` notes) are inspected
 * too (fail closed). Under the data keywords (`enum`, `const`, `default`, `examples`, `example`)
 * every string at any depth is a value an instance may hold, so even a nested `type` there is
 * data. Only strings that a detector flags (or that hold a value pseudonymized elsewhere in the
 * request) are rewritten, so a schema without sensitive text goes upstream unchanged.
 *
 * Restoring: the model copies schema values into its output (an `enum` value as a tool-call
 * argument, a `const` in structured JSON). They arrive as the same placeholders and are restored by
 * the answer transforms like any other, because the placeholders are in the request's pseudonym
 * session. The Responses API also echoes `tools` and `text.format` in its response object;
 * `restoreToolEcho` puts the client's own strings back there. Known gaps: names are inspected as
 * written, so a value a detector finds only in prose form (`jane_doe_at_corp_com` is no e-mail) is
 * not found; tool names (`function.name`) are not slots; consecutive rewritable schema strings
 * are joined at their seams like other text slots (`inspect/across-slots.ts`), non-rewritable
 * ones are inspected alone (`pipeline/inspect-request.ts`).
 */
import { VeilError } from '../util/errors.ts';
import { setTexts } from './json-path.ts';
import type { JsonObject, JsonPath, TextSlot } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Keywords whose strings are machine-read: rewriting them would break validation or references,
 * so each string (and object key) in them is a non-rewritable slot, named by what it is.
 */
const FIXED: Record<string, string> = {
  required: 'required property name', dependentRequired: 'required property name', pattern: 'pattern',
  $ref: 'reference', $dynamicRef: 'reference', $recursiveRef: 'reference',
  $id: 'identifier', id: 'identifier', $anchor: 'anchor', $dynamicAnchor: 'anchor', discriminator: 'discriminator',
};
/** Keywords whose strings are a fixed vocabulary (`string`, `date-time`, a metaschema URI): not inspected. */
const VOCABULARY = new Set(['type', 'format', 'contentEncoding', 'contentMediaType', '$schema', '$vocabulary', '$recursiveAnchor']);
/** Keywords whose value is data an instance may hold: every string in it is text. */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'example']);
/** Keywords mapping names to subschemas, and what their names are. */
const SCHEMA_MAP: Record<string, string> = {
  properties: 'property name', patternProperties: 'patternProperties key', $defs: 'subschema name', definitions: 'subschema name',
  dependentSchemas: 'property name', dependencies: 'property name',
};
/**
 * Every other keyword Veil knows: its name is vocabulary, not worth an inspection. A key in a
 * schema position outside these sets (a vendor `x-…` name, or a property name put where a keyword
 * belongs) is inspected as a non-rewritable name.
 */
const KNOWN_KEYWORDS = new Set([
  ...Object.keys(FIXED), ...VOCABULARY, ...DATA, ...Object.keys(SCHEMA_MAP),
  'title', 'description', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'nullable', 'additionalProperties',
  'unevaluatedProperties', 'propertyNames', 'minProperties', 'maxProperties', 'items', 'prefixItems', 'additionalItems',
  'unevaluatedItems', 'contains', 'minContains', 'maxContains', 'minItems', 'maxItems', 'uniqueItems', 'allOf', 'anyOf',
  'oneOf', 'not', 'if', 'then', 'else', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'contentSchema',
]);

/**
 * Nesting allowed below a schema's root: the request body's own limit (`MAX_JSON_DEPTH` in
 * `http/body.ts`), so a body the gateway accepts is never refused here; the check keeps the walk
 * bounded for any other caller.
 */
export const MAX_SCHEMA_DEPTH = 512;

/** Whose schema a walk is in, for locations: `a ${owner} property name`. */
export type SchemaOwner = 'tool schema' | 'structured-output schema' | 'tool input example';

/**
 * The slots of one JSON Schema at `base`, in document order: text slots, and non-rewritable slots
 * for names and machine-read strings (see the module comment). Iterative, and refuses a schema
 * nested deeper than {@link MAX_SCHEMA_DEPTH} (`invalid_request`): every slot's path is as long as
 * its depth, so unbounded nesting would cost quadratic time.
 */
export function schemaTextSlots(schema: unknown, base: JsonPath, owner: SchemaOwner = 'tool schema'): TextSlot[] {
  return walk(schema, base, SCHEMA, owner);
}

/**
 * Where a node is: a schema position (keys are keywords), under a data keyword (every string is
 * text, every key a non-rewritable name), or under a machine-read keyword (every string and key is
 * non-rewritable, named by the string).
 */
const SCHEMA = 0;
const DATA_AT = 1;
type Mode = typeof SCHEMA | typeof DATA_AT | string;
type Frame = { node: unknown; path: JsonPath; mode: Mode };

function walk(root: unknown, base: JsonPath, rootMode: Mode, owner: SchemaOwner): TextSlot[] {
  const slots: TextSlot[] = [];
  const fixed = (path: JsonPath, text: string, what: string) => slots.push({ path, text, kind: 'text', rewritable: false, location: `a ${owner} ${what}` });
  const stack: Frame[] = [{ node: root, path: base, mode: rootMode }];
  while (stack.length > 0) {
    const { node, path, mode } = stack.pop()!;
    if (path.length - base.length > MAX_SCHEMA_DEPTH) {
      throw new VeilError('invalid_request', `Invalid '${base.join('.')}': nested more than ${MAX_SCHEMA_DEPTH} levels deep.`);
    }
    if (typeof node === 'string') {
      if (typeof mode === 'string') fixed(path, node, mode);
      else slots.push({ path, text: node, kind: 'text' });
      continue;
    }
    const children: Frame[] = [];
    if (Array.isArray(node)) {
      node.forEach((v, i) => children.push({ node: v, path: [...path, i], mode }));
    } else if (isObj(node)) {
      for (const [key, v] of Object.entries(node)) {
        const at = [...path, key];
        if (mode !== SCHEMA) {
          // A key inside a value or a machine-read keyword: a name, kept as written.
          children.push({ node: key, path: at, mode: mode === DATA_AT ? 'object key' : mode }, { node: v, path: at, mode });
          continue;
        }
        if (!KNOWN_KEYWORDS.has(key)) children.push({ node: key, path: at, mode: 'keyword name' });
        if (VOCABULARY.has(key)) continue;
        const fixedAs = FIXED[key];
        const names = SCHEMA_MAP[key];
        if (fixedAs !== undefined) children.push({ node: v, path: at, mode: fixedAs });
        else if (DATA.has(key)) children.push({ node: v, path: at, mode: DATA_AT });
        else if (names !== undefined && isObj(v)) {
          // Each name is kept as written; each value is a subschema (`dependencies` arrays are names).
          for (const [name, sub] of Object.entries(v)) {
            children.push({ node: name, path: [...at, name], mode: names });
            children.push({ node: sub, path: [...at, name], mode: Array.isArray(sub) ? names : SCHEMA });
          }
        } else children.push({ node: v, path: at, mode: SCHEMA });
      }
    }
    // Reversed onto the stack so they pop in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return slots;
}

/**
 * A tool's or output schema's `name`: an identifier the model calls it by and echoes back in its
 * tool calls, so it cannot be rewritten; but it is client text that reaches the upstream (which
 * refuses a name outside `[A-Za-z0-9_-]` only after receiving it), so it is inspected as written.
 */
function nameSlot(holder: unknown, path: JsonPath, location: string, out: TextSlot[]): void {
  if (isObj(holder) && typeof holder.name === 'string') out.push({ path: [...path, 'name'], text: holder.name, kind: 'text', rewritable: false, location });
}

function describedSchema(holder: unknown, path: JsonPath, schemaKey: string, owner: SchemaOwner, out: TextSlot[]): void {
  if (!isObj(holder)) return;
  nameSlot(holder, path, owner === 'tool schema' ? 'a tool name' : `a ${owner} name`, out);
  if (typeof holder.description === 'string') out.push({ path: [...path, 'description'], text: holder.description, kind: 'text' });
  if (holder[schemaKey] !== undefined) out.push(...schemaTextSlots(holder[schemaKey], [...path, schemaKey], owner));
}

/** Every text slot of the body's tool definitions and output schemas (see the module comment). */
export function toolSlots(body: JsonObject): TextSlot[] {
  const slots: TextSlot[] = [];
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool: unknown, i) => {
      if (!isObj(tool)) return;
      const at: JsonPath = ['tools', i];
      nameSlot(tool, at, 'a tool name', slots);
      if (typeof tool.description === 'string') slots.push({ path: [...at, 'description'], text: tool.description, kind: 'text' });
      for (const key of ['input_schema', 'parameters']) {
        if (tool[key] !== undefined) slots.push(...schemaTextSlots(tool[key], [...at, key]));
      }
      // Example inputs (Anthropic) are values, like a schema's `examples`.
      if (tool.input_examples !== undefined) slots.push(...walk(tool.input_examples, [...at, 'input_examples'], DATA_AT, 'tool input example'));
      describedSchema(tool.function, [...at, 'function'], 'parameters', 'tool schema', slots);
      // A custom tool's `format` is a grammar (code, like `pattern`): only its description is text.
      const custom = tool.custom;
      nameSlot(custom, [...at, 'custom'], 'a tool name', slots);
      if (isObj(custom) && typeof custom.description === 'string') slots.push({ path: [...at, 'custom', 'description'], text: custom.description, kind: 'text' });
    });
  }
  if (Array.isArray(body.functions)) body.functions.forEach((f: unknown, i) => describedSchema(f, ['functions', i], 'parameters', 'tool schema', slots));
  const out: SchemaOwner = 'structured-output schema';
  const rf = body.response_format;
  if (isObj(rf)) describedSchema(rf.json_schema, ['response_format', 'json_schema'], 'schema', out, slots);
  if (isObj(body.text)) describedSchema(body.text.format, ['text', 'format'], 'schema', out, slots);
  if (isObj(body.output_format)) describedSchema(body.output_format, ['output_format'], 'schema', out, slots);
  if (isObj(body.output_config)) describedSchema(body.output_config.format, ['output_config', 'format'], 'schema', out, slots);
  return slots;
}

/**
 * An answer that echoes the request's tools and output schema (the Responses API's response object
 * does) carries their pseudonymized strings: returns a copy with each mapped through `restore`.
 */
export function restoreToolEcho(echo: JsonObject, restore: (s: string) => string): JsonObject {
  // Names and patterns were never rewritten, so there is nothing of ours to put back in them.
  const slots = toolSlots(echo).filter((s) => s.rewritable !== false);
  if (slots.length === 0) return echo;
  return setTexts(echo, slots.map((s) => ({ path: s.path, text: restore(s.text) })));
}
