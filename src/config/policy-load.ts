/**
 * @module config/policy-load
 * Turns policy YAML into a checked, compiled policy — or into errors naming file, line and field.
 * A policy is all-or-nothing: any error refuses the whole file, so the gateway never runs with a
 * half-read policy. Runtime-agnostic (no file access here; see `policy-dir.node.ts`).
 */
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { checkPattern, compileInspector, type Inspector } from '../inspect/engine.ts';
import { builtinTypes } from '../inspect/registry.ts';
import { sha256Hex } from '../util/hash.ts';
import { PolicyDoc } from './policy-schema.ts';

export interface LoadedPolicy {
  doc: PolicyDoc;
  /** SHA-256 of the source text, recorded in every audit record. */
  hash: string;
  source: string;
  inspector: Inspector;
  /**
   * What the output guard runs on answers (`inspect_output`): the policy's credential types and
   * custom patterns only. Answers are full of names and places the user asked about; masking
   * those would break the answer, and running every detector on every streamed word is costly.
   */
  outputInspector: Inspector;
}

/** Entity types the output guard looks for in answers: credentials a model may emit. */
export const OUTPUT_TYPES: ReadonlySet<string> = new Set(['SECRET', 'PRIVATE_KEY', 'PASSWORD']);

export interface PolicyError {
  file: string;
  line: number | null;
  field: string;
  message: string;
}

export type PolicyParse = { ok: true; policy: PolicyDoc } | { ok: false; errors: PolicyError[] };

export class PolicyLoadError extends Error {
  constructor(readonly errors: PolicyError[]) {
    super(errors.map(formatPolicyError).join('\n'));
    this.name = 'PolicyLoadError';
  }
}

export function formatPolicyError(e: PolicyError): string {
  return `${e.file}${e.line ? `:${e.line}` : ''}: ${e.field ? `${e.field}: ` : ''}${e.message}`;
}

/** Parses and validates one policy document. Does not resolve `extends` (see `resolvePolicies`). */
export function parsePolicy(text: string, file: string): PolicyParse {
  const lines = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (yamlDoc.errors.length > 0) {
    return {
      ok: false,
      errors: yamlDoc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? null,
        field: '',
        message: e.message.split('\n')[0] ?? 'invalid YAML',
      })),
    };
  }
  const lineOf = (path: readonly PropertyKey[]): number | null => {
    // Walk up the path until a node exists, so a missing field points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = yamlDoc.getIn(path.slice(0, n) as (string | number)[], true) as YamlNode | undefined;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    return null;
  };
  const parsed = PolicyDoc.safeParse(yamlDoc.toJS() ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        file,
        line: lineOf(i.path),
        field: i.path.join('.'),
        message: i.message,
      })),
    };
  }
  const policy = parsed.data;
  const errors: PolicyError[] = [];
  const known = builtinTypes();
  for (const d of policy.dictionaries) known.add(d.type);
  for (const p of policy.patterns) known.add(p.type);
  for (const type of Object.keys(policy.rules)) {
    if (!known.has(type)) {
      errors.push({ file, line: lineOf(['rules', type]), field: `rules.${type}`, message: `unknown entity type '${type}' (no detector, dictionary or pattern produces it)` });
    }
  }
  policy.patterns.forEach((p, i) => {
    const problem = checkPattern(p.regex, p.flags);
    if (problem) errors.push({ file, line: lineOf(['patterns', i, 'regex']), field: `patterns.${i}.regex`, message: problem });
    if (!policy.rules[p.type]) errors.push({ file, line: lineOf(['patterns', i, 'type']), field: `patterns.${i}.type`, message: `no rule for type '${p.type}': add rules.${p.type}` });
  });
  policy.dictionaries.forEach((d, i) => {
    if (!policy.rules[d.type]) errors.push({ file, line: lineOf(['dictionaries', i, 'type']), field: `dictionaries.${i}.type`, message: `no rule for type '${d.type}': add rules.${d.type}` });
  });
  return errors.length ? { ok: false, errors } : { ok: true, policy };
}

/** Merges `extends` chains: the child's rules override the base's; lists are concatenated. */
function flatten(id: string, docs: Map<string, PolicyDoc>, file: (id: string) => string, seen: string[] = []): PolicyDoc {
  const doc = docs.get(id)!;
  if (!doc.extends) return doc;
  if (seen.includes(doc.extends) || doc.extends === id) {
    throw new PolicyLoadError([{ file: file(id), line: null, field: 'extends', message: `extends cycle: ${[...seen, id, doc.extends].join(' → ')}` }]);
  }
  if (!docs.has(doc.extends)) {
    throw new PolicyLoadError([{ file: file(id), line: null, field: 'extends', message: `base policy '${doc.extends}' not found` }]);
  }
  const base = flatten(doc.extends, docs, file, [...seen, id]);
  return {
    ...doc,
    rules: { ...base.rules, ...doc.rules },
    dictionaries: [...base.dictionaries, ...doc.dictionaries],
    patterns: [...base.patterns, ...doc.patterns],
  };
}

/**
 * Parses, validates, resolves `extends` and compiles a set of policy sources. Throws
 * `PolicyLoadError` listing every problem if any source is bad: all or nothing.
 */
export async function loadPolicies(sources: { file: string; text: string }[]): Promise<Map<string, LoadedPolicy>> {
  const errors: PolicyError[] = [];
  const docs = new Map<string, PolicyDoc>();
  const fileOf = new Map<string, string>();
  const textOf = new Map<string, string>();
  for (const s of sources) {
    const r = parsePolicy(s.text, s.file);
    if (!r.ok) {
      errors.push(...r.errors);
      continue;
    }
    if (docs.has(r.policy.id)) {
      errors.push({ file: s.file, line: null, field: 'id', message: `duplicate policy id '${r.policy.id}' (also in ${fileOf.get(r.policy.id)})` });
      continue;
    }
    docs.set(r.policy.id, r.policy);
    fileOf.set(r.policy.id, s.file);
    textOf.set(r.policy.id, s.text);
  }
  if (errors.length) throw new PolicyLoadError(errors);
  const out = new Map<string, LoadedPolicy>();
  for (const id of docs.keys()) {
    const doc = flatten(id, docs, (x) => fileOf.get(x) ?? x);
    let inspector: Inspector;
    let outputInspector: Inspector;
    try {
      inspector = compileInspector({ rules: doc.rules, dictionaries: doc.dictionaries, patterns: doc.patterns });
      const outputRules = Object.fromEntries(Object.entries(doc.rules).filter(([type]) => OUTPUT_TYPES.has(type) || doc.patterns.some((p) => p.type === type)));
      outputInspector = compileInspector({ rules: outputRules, dictionaries: [], patterns: doc.patterns });
    } catch (e) {
      throw new PolicyLoadError([{ file: fileOf.get(id)!, line: null, field: '', message: (e as Error).message }]);
    }
    // The hash covers the resolved policy so a change to a base policy shows in its children's records.
    const hash = await sha256Hex(JSON.stringify(doc));
    out.set(id, { doc, hash, source: textOf.get(id)!, inspector, outputInspector });
  }
  return out;
}
