/**
 * @module config/policy-schema
 * The redaction policy as a security team writes it in `policies/*.yaml`. One schema, types
 * inferred from it. Validation of things the schema cannot see (unknown entity types, regexes
 * that do not compile) happens in `config/policy-load.ts`, which also maps errors to YAML lines.
 */
import * as z from 'zod';

/** What happens to a request in which a finding of this type occurs. Strictest wins. */
export const Action = z.enum(['allow', 'redact', 'local', 'block']);
export type Action = z.infer<typeof Action>;

/** Severity order used to pick the request's decision: block > local > redact > allow. */
export const ACTION_RANK: Record<Action, number> = { allow: 0, redact: 1, local: 2, block: 3 };

/**
 * How a `redact` replaces the span: `pseudonymize` is reversible (placeholder restored in the
 * answer), `mask` is one-way (placeholder never restored), `hash` replaces with a keyed digest.
 */
export const RedactMethod = z.enum(['pseudonymize', 'mask', 'hash']);
export type RedactMethod = z.infer<typeof RedactMethod>;

const TypeName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'entity types are UPPER_SNAKE, e.g. EMAIL or KR_RRN');

export const Rule = z
  .object({
    action: Action,
    method: RedactMethod.default('pseudonymize'),
    /** Findings scoring below this are ignored for this type. */
    min_score: z.number().min(0).max(1).default(0.5),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

export const Dictionary = z
  .object({
    name: z.string().min(1),
    /** Entity type its matches are reported as; needs an entry in `rules`. */
    type: TypeName,
    terms: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const CustomPattern = z
  .object({
    name: z.string().min(1),
    type: TypeName,
    regex: z.string().min(1),
    /** Regex flags; `g` is implied. */
    flags: z.string().regex(/^[imsu]*$/).default('i'),
    score: z.number().min(0).max(1).default(0.8),
  })
  .strict();

export const PolicyDoc = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'policy ids are lower-case letters, digits, - and _'),
    description: z.string().default(''),
    /** Another policy id whose rules this one starts from (its own rules override). */
    extends: z.string().optional(),
    /** Rules per entity type. A detector runs only if one of its types has a rule here. */
    rules: z.record(TypeName, Rule).default({}),
    dictionaries: z.array(Dictionary).default([]),
    patterns: z.array(CustomPattern).default([]),
    /** Also scan model answers and mask credentials the model emits (SECRET, PRIVATE_KEY, PASSWORD and custom patterns). */
    inspect_output: z.boolean().default(false),
    /**
     * If inspection itself fails (a bug, a resource limit), forward the request unredacted
     * instead of blocking it. Off by default: Veil fails closed.
     */
    fail_open: z.boolean().default(false),
  })
  .strict();
export type PolicyDoc = z.infer<typeof PolicyDoc>;
