/**
 * @module admin/http
 * What every admin route shares: the context it runs in, the error it renders (OpenAI-shaped,
 * with `details` for policy errors), bounded JSON bodies checked with zod, and the audit record
 * each admin action leaves in the hash chain.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AuditDetail, AuditRecord } from '../audit/types.ts';
import type { PolicyError } from '../config/policy-load.ts';
import { readJsonBody } from '../http/body.ts';
import { randomId } from '../util/hash.ts';
import { VeilError } from '../util/errors.ts';
import type { AdminActor } from './admin-keys.ts';
import type { AdminDeps } from './deps.ts';

export type AdminEnv = {
  Variables: {
    actor: AdminActor;
    startedAt: number;
    deps: AdminDeps;
  };
};
export type AdminContext = Context<AdminEnv>;

/** A policy that does not validate: 422 with every problem as `details`. */
export class PolicyInvalidError extends VeilError {
  constructor(readonly details: PolicyError[]) {
    super('policy_invalid', `The policy has ${details.length} error(s); nothing was saved.`);
  }
}

export function renderAdminError(err: VeilError): { status: number; body: unknown } {
  const details = err instanceof PolicyInvalidError ? err.details.map((d) => ({ line: d.line, field: d.field, message: d.message, file: d.file })) : undefined;
  return { status: err.status, body: { error: { message: err.message, type: err.type, code: err.code, ...(details ? { details } : {}) } } };
}

/** Reads the body (capped) and checks it; the first zod issue names the field. */
export async function readBody<S extends z.ZodType>(c: AdminContext, schema: S): Promise<z.infer<S>> {
  const raw = await readJsonBody(c.req.raw, c.get('deps').maxBodyBytes ?? DEFAULT_MAX_BODY);
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new VeilError('invalid_request', `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  }
  return r.data;
}

export const DEFAULT_MAX_BODY = 1024 * 1024;

/** A query/path integer ≥ min, or a 400 naming the parameter. */
export function intParam(value: string | undefined, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (opts.min ?? 0) || (opts.max !== undefined && n > opts.max)) {
    throw new VeilError('invalid_request', `${name} must be an integer${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}${opts.max !== undefined ? ` and ≤ ${opts.max}` : ''}.`);
  }
  return n;
}

export interface ActionFacts {
  action: string;
  target: string | null;
  before?: string | null;
  after?: string | null;
  note?: string;
  status?: number;
  errorCode?: string | null;
  policyId?: string | null;
  policyHash?: string | null;
  policyVersion?: number | null;
}

/**
 * Appends the admin action to the audit chain. Awaited: an action that cannot be recorded is
 * reported as failed (500), like a gateway request whose record cannot be written.
 */
export async function recordAction(c: AdminContext, f: ActionFacts): Promise<void> {
  const deps = c.get('deps');
  const actor = c.get('actor');
  const detail: AuditDetail = {
    actor: actor.id,
    role: actor.role,
    action: f.action,
    target: f.target,
    before: f.before ?? null,
    after: f.after ?? null,
    ...(f.note !== undefined ? { note: f.note } : {}),
  };
  const record: AuditRecord = {
    ts: new Date().toISOString(),
    requestId: randomId('adm'),
    keyId: actor.id,
    team: null,
    endpoint: `ADMIN ${c.req.method} ${c.req.path}`.slice(0, 200),
    model: null,
    decision: null,
    route: 'none',
    provider: null,
    policyId: f.policyId ?? null,
    policyHash: f.policyHash ?? null,
    policyVersion: f.policyVersion ?? null,
    findings: {},
    status: f.status ?? 200,
    errorCode: f.errorCode ?? null,
    stream: false,
    tokensIn: null,
    tokensOut: null,
    inspectMs: null,
    upstreamMs: null,
    totalMs: Math.round((performance.now() - c.get('startedAt')) * 1000) / 1000,
    detail,
  };
  await deps.audit.append(record);
}
