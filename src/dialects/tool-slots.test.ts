import { describe, expect, it } from 'vitest';
import { anthropicMessages } from './anthropic-messages/index.ts';
import { openaiChat } from './openai-chat/index.ts';
import { openaiResponses } from './openai-responses/index.ts';
import { VeilError } from '../util/errors.ts';
import { EMAIL as FIXTURE_EMAIL, PH, restoring } from '../../test/support/answer-fixtures.ts';
import { MAX_SCHEMA_DEPTH, restoreToolEcho, schemaTextSlots, toolSlots } from './tool-slots.ts';
import type { Dialect, TextSlot } from './types.ts';

const DESC = 'Looks up the order of kim@example.com';
const EMAIL = 'kim@example.com';

/** Parses, replaces the email in every rewritable slot, writes back (as the transform stage does): what would go upstream. */
function redacted(dialect: Dialect, body: object): Record<string, unknown> {
  const req = dialect.parse(structuredClone(body));
  const open = req.slots.filter((s) => s.rewritable !== false);
  return dialect.withTexts({ ...req, slots: open }, open.map((s) => s.text.split(EMAIL).join('<EMAIL_ABCDEF>')));
}

/** The slots the pipeline may rewrite, and the ones it must send as written. */
const rewritable = (slots: TextSlot[]) => slots.filter((s) => s.rewritable !== false);
const fixed = (slots: TextSlot[]) => slots.flatMap((s) => (s.rewritable === false ? [[s.path.join('.'), s.text, s.location]] : []));
const paths = (slots: TextSlot[]) => rewritable(slots).map((s) => s.path.join('.'));

describe('tool descriptions are inspected in every dialect', () => {
  it.each([
    ['openai chat', openaiChat, { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', description: DESC, parameters: {} } }] }, ['tools', 0, 'function', 'description']],
    ['anthropic', anthropicMessages, { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', description: DESC, input_schema: { type: 'object' } }] }, ['tools', 0, 'description']],
    ['responses', openaiResponses, { model: 'm', input: 'hi', tools: [{ type: 'function', name: 'f', description: DESC, parameters: {} }] }, ['tools', 0, 'description']],
  ] as const)('%s', (_name, dialect, body, path) => {
    const req = dialect.parse(structuredClone(body));
    const i = req.slots.findIndex((s) => JSON.stringify(s.path) === JSON.stringify(path));
    expect(i).toBeGreaterThanOrEqual(0);
    expect(req.slots[i]!.text).toBe(DESC);
    const texts = req.slots.map((s, k) => (k === i ? 'Looks up the order of <EMAIL_ABCDEF>' : s.text));
    expect(JSON.stringify(dialect.withTexts(req, texts))).not.toContain('kim@example.com');
  });
});

describe('schemaTextSlots: which strings of a JSON Schema are text', () => {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:orders',
    title: 'Order lookup',
    description: 'Find orders',
    type: 'object',
    required: ['customer', 'type'],
    properties: {
      customer: { type: 'string', format: 'email', pattern: '^[^@]+@corp\\.test$', description: 'Customer mail', examples: ['a@corp.test'], default: 'b@corp.test' },
      // Property names that are also keywords are names here, not keywords.
      type: { type: 'string', enum: ['refund', 'exchange', 7, null], const: 'refund' },
      description: { $ref: '#/$defs/note' },
      tags: { type: 'array', items: { type: 'string', title: 'Tag' }, prefixItems: [{ description: 'first tag' }] },
    },
    $defs: { note: { anyOf: [{ type: 'string', description: 'free note' }, { type: 'null' }], $comment: 'author note' } },
    dependentRequired: { customer: ['type'] },
    additionalProperties: false,
    'x-internal': 'ask ops',
  };

  it('lists descriptions, titles, comments, unknown annotations and data values as rewritable text', () => {
    const slots = schemaTextSlots(schema, ['s']);
    expect(rewritable(slots).map((s) => [s.path.join('.'), s.text])).toEqual([
      ['s.title', 'Order lookup'],
      ['s.description', 'Find orders'],
      ['s.properties.customer.description', 'Customer mail'],
      ['s.properties.customer.examples.0', 'a@corp.test'],
      ['s.properties.customer.default', 'b@corp.test'],
      ['s.properties.type.enum.0', 'refund'],
      ['s.properties.type.enum.1', 'exchange'],
      ['s.properties.type.const', 'refund'],
      ['s.properties.tags.items.title', 'Tag'],
      ['s.properties.tags.prefixItems.0.description', 'first tag'],
      ['s.$defs.note.anyOf.0.description', 'free note'],
      ['s.$defs.note.$comment', 'author note'],
      ['s.x-internal', 'ask ops'],
    ]);
    expect(slots.every((s) => s.kind === 'text')).toBe(true);
  });

  it('lists names, required entries, patterns, references and ids as non-rewritable, naming each place; never type, format or $schema', () => {
    const slots = schemaTextSlots(schema, ['s']);
    expect(fixed(slots)).toEqual([
      ['s.$id', 'urn:orders', 'a tool schema identifier'],
      ['s.required.0', 'customer', 'a tool schema required property name'],
      ['s.required.1', 'type', 'a tool schema required property name'],
      ['s.properties.customer', 'customer', 'a tool schema property name'],
      ['s.properties.customer.pattern', '^[^@]+@corp\\.test$', 'a tool schema pattern'],
      ['s.properties.type', 'type', 'a tool schema property name'],
      ['s.properties.description', 'description', 'a tool schema property name'],
      ['s.properties.description.$ref', '#/$defs/note', 'a tool schema reference'],
      ['s.properties.tags', 'tags', 'a tool schema property name'],
      ['s.$defs.note', 'note', 'a tool schema subschema name'],
      ['s.dependentRequired.customer', 'customer', 'a tool schema required property name'],
      ['s.dependentRequired.customer.0', 'type', 'a tool schema required property name'],
      ['s.x-internal', 'x-internal', 'a tool schema keyword name'],
    ]);
    const texts = slots.map((s) => s.text);
    for (const vocabulary of ['https://json-schema.org/draft/2020-12/schema', 'object', 'string', 'email', 'array']) expect(texts).not.toContain(vocabulary);
  });

  it('names patternProperties keys, definitions, discriminators and keys inside values; an output schema as such', () => {
    const slots = schemaTextSlots(
      {
        patternProperties: { '^kim@': { description: 'd' } },
        definitions: { Kim: { $dynamicAnchor: 'kim' } },
        discriminator: { propertyName: 'kind', mapping: { vip: '#/definitions/Kim' } },
        default: { 'kim@example.com': 'x' },
      },
      ['o'],
      'structured-output schema',
    );
    expect(fixed(slots)).toEqual([
      ['o.patternProperties.^kim@', '^kim@', 'a structured-output schema patternProperties key'],
      ['o.definitions.Kim', 'Kim', 'a structured-output schema subschema name'],
      ['o.definitions.Kim.$dynamicAnchor', 'kim', 'a structured-output schema anchor'],
      ['o.discriminator.propertyName', 'propertyName', 'a structured-output schema discriminator'],
      ['o.discriminator.propertyName', 'kind', 'a structured-output schema discriminator'],
      ['o.discriminator.mapping', 'mapping', 'a structured-output schema discriminator'],
      ['o.discriminator.mapping.vip', 'vip', 'a structured-output schema discriminator'],
      ['o.discriminator.mapping.vip', '#/definitions/Kim', 'a structured-output schema discriminator'],
      ['o.default.kim@example.com', 'kim@example.com', 'a structured-output schema object key'],
    ]);
    expect(paths(slots)).toEqual(['o.patternProperties.^kim@.description', 'o.default.kim@example.com']);
  });

  it('treats every string under a data keyword as a value, even under keyword-like keys', () => {
    const slots = schemaTextSlots({ default: { type: 'vip', contacts: [{ $ref: 'kim' }] }, examples: [[' x ']] }, []);
    expect(rewritable(slots).map((s) => [s.path.join('.'), s.text])).toEqual([
      ['default.type', 'vip'],
      ['default.contacts.0.$ref', 'kim'],
      ['examples.0.0', ' x '],
    ]);
  });

  it('keeps the names in dependencies arrays as written and walks its subschemas', () => {
    const slots = schemaTextSlots({ dependencies: { a: ['b'], c: { description: 'needs c' } } }, []);
    expect(paths(slots)).toEqual(['dependencies.c.description']);
    expect(fixed(slots).map(([path, text]) => `${path}=${text}`)).toEqual(['dependencies.a=a', 'dependencies.a.0=b', 'dependencies.c=c']);
  });

  it('walks deep schemas up to the limit and refuses deeper ones, naming the field only', () => {
    const nested = (levels: number) => {
      let deep: Record<string, unknown> = { description: 'bottom kim@example.com' };
      for (let i = 0; i < levels; i++) deep = { items: deep };
      return deep;
    };
    const slots = schemaTextSlots(nested(MAX_SCHEMA_DEPTH - 1), ['tools', 0, 'parameters']);
    expect(slots).toHaveLength(1);
    expect(slots[0]!.text).toBe('bottom kim@example.com');
    expect(slots[0]!.path).toHaveLength(3 + MAX_SCHEMA_DEPTH);
    const t0 = performance.now();
    let err: unknown;
    try {
      schemaTextSlots(nested(200_000), ['tools', 0, 'parameters']);
    } catch (e) {
      err = e;
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(VeilError);
    expect((err as VeilError).code).toBe('invalid_request');
    expect((err as VeilError).message).toContain('tools.0.parameters');
    expect((err as VeilError).message).not.toContain('kim@');
  });

  it('yields no text for schemas without free text, only their names', () => {
    const slots = schemaTextSlots({ type: 'object', properties: { to: { type: 'string' } }, required: ['to'] }, []);
    expect(paths(slots)).toEqual([]);
    expect(fixed(slots)).toEqual([
      ['properties.to', 'to', 'a tool schema property name'],
      ['required.0', 'to', 'a tool schema required property name'],
    ]);
    expect(schemaTextSlots(true, [])).toEqual([]);
    expect(schemaTextSlots(undefined, [])).toEqual([]);
  });
});

describe('toolSlots: every place a body carries tool or output schemas', () => {
  const s = (extra: object) => ({ type: 'object', properties: { to: { type: 'string', description: 'd', ...extra } } });
  it('reads each dialect’s tool schema location, descriptions first', () => {
    const body = {
      tools: [
        { type: 'function', function: { name: 'a', description: 'fa', parameters: s({ enum: ['e1'] }) } },
        { name: 'b', description: 'fb', input_schema: s({}), input_examples: [{ to: 'x@y.z' }] },
        { type: 'function', name: 'c', description: 'fc', parameters: s({}) },
        { type: 'custom', custom: { name: 'g', description: 'grammar tool', format: { type: 'grammar', grammar: { definition: 'start: "kim"' } } } },
        'not an object',
      ],
      functions: [{ name: 'legacy', description: 'fl', parameters: s({}) }],
    };
    expect(paths(toolSlots(body))).toEqual([
      'tools.0.function.description',
      'tools.0.function.parameters.properties.to.description',
      'tools.0.function.parameters.properties.to.enum.0',
      'tools.1.description',
      'tools.1.input_schema.properties.to.description',
      'tools.1.input_examples.0.to',
      'tools.2.description',
      'tools.2.parameters.properties.to.description',
      'tools.3.custom.description',
      'functions.0.description',
      'functions.0.parameters.properties.to.description',
    ]);
  });

  it('names where each non-rewritable string is: a tool schema, an output schema, a tool input example', () => {
    const body = {
      tools: [{ name: 'b', input_schema: { type: 'object', properties: { 'kim@example.com': { type: 'string' } } }, input_examples: [{ 'kim@example.com': 'x' }] }],
      response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object', properties: { x: { type: 'string', pattern: '^kim$' } } } } },
    };
    expect(fixed(toolSlots(body))).toEqual([
      ['tools.0.name', 'b', 'a tool name'],
      ['tools.0.input_schema.properties.kim@example.com', 'kim@example.com', 'a tool schema property name'],
      ['tools.0.input_examples.0.kim@example.com', 'kim@example.com', 'a tool input example object key'],
      ['response_format.json_schema.name', 'n', 'a structured-output schema name'],
      ['response_format.json_schema.schema.properties.x', 'x', 'a structured-output schema property name'],
      ['response_format.json_schema.schema.properties.x.pattern', '^kim$', 'a structured-output schema pattern'],
    ]);
  });

  it('lists every tool and output schema name as a string sent as written', () => {
    const body = {
      tools: [
        { name: 'anthropic_or_responses', input_schema: { type: 'object' } },
        { type: 'function', function: { name: 'chat_fn', parameters: { type: 'object' } } },
        { type: 'custom', custom: { name: 'chat_custom' } },
      ],
      functions: [{ name: 'legacy_fn', parameters: { type: 'object' } }],
      text: { format: { type: 'json_schema', name: 'responses_format', schema: { type: 'object' } } },
    };
    expect(fixed(toolSlots(body))).toEqual([
      ['tools.0.name', 'anthropic_or_responses', 'a tool name'],
      ['tools.1.function.name', 'chat_fn', 'a tool name'],
      ['tools.2.custom.name', 'chat_custom', 'a tool name'],
      ['functions.0.name', 'legacy_fn', 'a tool name'],
      ['text.format.name', 'responses_format', 'a structured-output schema name'],
    ]);
  });

  it('reads structured-output schemas (chat response_format, Responses text.format, Anthropic output_format / output_config)', () => {
    expect(paths(toolSlots({ response_format: { type: 'json_schema', json_schema: { name: 'n', description: 'rd', schema: s({}) } } }))).toEqual([
      'response_format.json_schema.description',
      'response_format.json_schema.schema.properties.to.description',
    ]);
    expect(paths(toolSlots({ text: { format: { type: 'json_schema', name: 'n', description: 'td', schema: s({}) } } }))).toEqual([
      'text.format.description',
      'text.format.schema.properties.to.description',
    ]);
    expect(paths(toolSlots({ output_format: { type: 'json_schema', schema: s({}) }, output_config: { format: { type: 'json_schema', schema: s({}) } } }))).toEqual([
      'output_format.schema.properties.to.description',
      'output_config.format.schema.properties.to.description',
    ]);
    expect(toolSlots({ response_format: { type: 'json_object' }, text: { format: { type: 'text' } } })).toEqual([]);
  });
});

describe('tool schemas are redacted in every dialect, and stay valid', () => {
  const schema = {
    type: 'object',
    properties: {
      to: { type: 'string', description: `Default recipient ${EMAIL}`, enum: [EMAIL, 'ops@corp.test'], default: EMAIL, format: 'email' },
    },
    required: ['to'],
    additionalProperties: false,
  };
  it.each([
    ['openai chat', openaiChat, { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'send', parameters: schema } }] }, ['tools', 0, 'function', 'parameters']],
    ['anthropic', anthropicMessages, { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'send', input_schema: schema }] }, ['tools', 0, 'input_schema']],
    ['responses', openaiResponses, { model: 'm', input: 'hi', tools: [{ type: 'function', name: 'send', strict: true, parameters: schema }] }, ['tools', 0, 'parameters']],
  ] as const)('%s', (_name, dialect, body, at) => {
    const out = redacted(dialect, body);
    expect(JSON.stringify(out)).not.toContain(EMAIL);
    let sent: unknown = out;
    for (const k of at) sent = (sent as Record<string | number, unknown>)[k];
    // Same shape: only the flagged strings changed; names, types, format and required did not.
    expect(sent).toEqual({
      type: 'object',
      properties: { to: { type: 'string', description: 'Default recipient <EMAIL_ABCDEF>', enum: ['<EMAIL_ABCDEF>', 'ops@corp.test'], default: '<EMAIL_ABCDEF>', format: 'email' } },
      required: ['to'],
      additionalProperties: false,
    });
    // The client's body is untouched (the audit and retries see the original).
    expect(JSON.stringify(body)).toContain(EMAIL);
  });

  it('leaves a schema without findings byte-for-byte the same', () => {
    const body = { model: 'm', input: 'hi', tools: [{ type: 'function', name: 'send', parameters: { type: 'object', properties: { to: { type: 'string', description: 'who' } } } }] };
    expect(JSON.stringify(redacted(openaiResponses, body))).toBe(JSON.stringify(body));
  });
});

describe('restoreToolEcho: the Responses answer echoes tools and text.format', () => {
  const echoed = {
    id: 'resp_1',
    object: 'response',
    output: [],
    tools: [{ type: 'function', name: 'send', parameters: { type: 'object', properties: { to: { type: 'string', description: `to ${PH}`, enum: [PH] } }, required: ['to'] } }],
    text: { format: { type: 'json_schema', name: 'mail', schema: { type: 'object', properties: { cc: { const: PH } } } }, verbosity: 'medium' },
  };

  it('puts the client’s strings back and leaves everything else as it was', () => {
    const out = restoreToolEcho(structuredClone(echoed), restoring.text) as typeof echoed;
    expect(out.tools[0]!.parameters.properties.to).toEqual({ type: 'string', description: `to ${FIXTURE_EMAIL}`, enum: [FIXTURE_EMAIL] });
    expect(out.text.format.schema.properties.cc.const).toBe(FIXTURE_EMAIL);
    expect(out.tools[0]!.parameters.required).toEqual(['to']);
    expect(out.text.verbosity).toBe('medium');
  });

  it('is applied by the Responses dialect to whole answers', () => {
    const { json } = openaiResponses.transformAnswer(structuredClone(echoed), restoring);
    expect(JSON.stringify(json)).not.toContain(PH);
    expect(JSON.stringify(json)).toContain(FIXTURE_EMAIL);
  });

  it('returns an answer without tools as it is', () => {
    const plain = { id: 'r', output: [] };
    expect(restoreToolEcho(plain, restoring.text)).toBe(plain);
  });
});
