/**
 * @module admin/policies
 * Policy routes: list, read, history, validate, create, update, diff, roll back, and bindings
 * (organisation default, per team). Every save goes through the registry, which validates the
 * whole set, appends an immutable version and hot-swaps the compiled policies; every write is
 * recorded in the audit chain with the content hashes before and after.
 */
import type { Hono } from 'hono';
import * as z from 'zod';
import type { PolicyRegistry, SaveResult } from '../policy-store/registry.ts';
import type { PolicyVersion, PolicyVersionInfo } from '../policy-store/types.ts';
import { diffLines, unifiedDiff } from '../policy-store/diff.ts';
import { VeilError } from '../util/errors.ts';
import { intParam, PolicyInvalidError, readBody, recordAction, type AdminContext, type AdminEnv } from './http.ts';

const SourceBody = z.object({ source: z.string().min(1, 'source must not be empty'), message: z.string().max(500).optional() });
const ValidateBody = z.object({ source: z.string() });
const RollbackBody = z.object({ version: z.number().int().min(1), message: z.string().max(500).optional() });
const DiffBody = z.object({ source: z.string(), from: z.number().int().min(1).optional() });
const BindBody = z.object({ policy_id: z.string().min(1) });

function info(v: PolicyVersionInfo) {
  return { version: v.version, hash: v.hash, author: v.author, created_at: v.createdAt, message: v.message };
}

function summary(registry: PolicyRegistry, v: PolicyVersion) {
  const compiled = registry.get(v.policyId);
  return {
    id: v.policyId,
    ...info(v),
    description: compiled?.doc.description ?? '',
    extends: compiled?.doc.extends ?? null,
  };
}

async function detail(registry: PolicyRegistry, v: PolicyVersion) {
  // The resolved document of an older version is computed against the set in force today.
  const inForce = registry.get(v.policyId);
  let parsed: unknown = null;
  let resolvedHash: string | null = null;
  if (inForce && inForce.version === v.version) {
    parsed = inForce.doc;
    resolvedHash = inForce.hash;
  } else {
    const r = await registry.check(v.source, `${v.policyId}@v${v.version}`);
    if (r.ok) {
      parsed = r.policy.doc;
      resolvedHash = r.policy.hash;
    }
  }
  const doc = parsed as { description?: string; extends?: string } | null;
  return {
    id: v.policyId,
    ...info(v),
    description: doc?.description ?? '',
    extends: doc?.extends ?? null,
    in_force: inForce?.version === v.version,
    source: v.source,
    parsed,
    resolved_hash: resolvedHash,
  };
}

async function mustGet(registry: PolicyRegistry, id: string, version?: number): Promise<PolicyVersion> {
  const v = await registry.store.get(id, version);
  if (!v) throw new VeilError('not_found', version === undefined ? `Policy '${id.slice(0, 100)}' does not exist.` : `Policy '${id.slice(0, 100)}' has no version ${version}.`);
  return v;
}

/** Turns a save outcome into the response (or the error), recording the action when it changed something. */
async function answerSave(c: AdminContext, r: SaveResult, action: string, status: 200 | 201) {
  const registry = c.get('deps').registry;
  if (r.kind === 'invalid') throw new PolicyInvalidError(r.errors);
  if (r.kind === 'conflict') throw new VeilError('conflict', r.message);
  if (r.kind === 'not_found') throw new VeilError('not_found', r.message);
  if (r.kind === 'unchanged') return c.json({ ...(await detail(registry, r.version)), changed: false }, 200);
  const v = r.version;
  const compiled = registry.get(v.policyId);
  await recordAction(c, {
    action,
    target: `policy:${v.policyId}`,
    before: r.before?.hash ?? null,
    after: v.hash,
    note: `version ${v.version}${r.before ? ` (was ${r.before.version})` : ''}`,
    policyId: v.policyId,
    policyHash: compiled?.hash ?? null,
    policyVersion: v.version,
  });
  return c.json({ ...(await detail(registry, v)), changed: true }, status);
}

function diffResponse(id: string, from: { version: number | null; hash: string | null; source: string }, to: { version: number | null; hash: string | null; source: string }) {
  const lines = diffLines(from.source, to.source);
  const label = (v: number | null) => (v === null ? `${id} (unsaved)` : `${id}@${v}`);
  return {
    from: { version: from.version, hash: from.hash },
    to: { version: to.version, hash: to.hash },
    changed: lines.some((l) => l.op !== ' '),
    diff: unifiedDiff(lines, label(from.version), label(to.version)),
    lines,
  };
}

function bindingsBody(registry: PolicyRegistry) {
  const b = registry.bindings();
  return { default_policy: b.effectiveDefault, teams: b.teams.map((t) => ({ team: t.team, policy_id: t.policyId })) };
}

export function policyRoutes(app: Hono<AdminEnv>): void {
  app.get('/policies', async (c) => {
    const registry = c.get('deps').registry;
    const current = await registry.store.current();
    return c.json({ data: current.map((v) => summary(registry, v)), default_policy: registry.defaultPolicyId() });
  });

  app.post('/policies/validate', async (c) => {
    const { source } = await readBody(c, ValidateBody);
    const r = await c.get('deps').registry.check(source, 'unsaved');
    if (!r.ok) return c.json({ ok: false, errors: r.errors.map((e) => ({ line: e.line, field: e.field, message: e.message, file: e.file })) });
    return c.json({ ok: true, policy: r.policy.doc, types: [...r.policy.inspector.types].sort() });
  });

  app.post('/policies', async (c) => {
    const body = await readBody(c, SourceBody);
    const r = await c.get('deps').registry.save({ source: body.source, message: body.message ?? '', author: c.get('actor').name, mode: { create: true } });
    return answerSave(c, r, 'policy.create', 201);
  });

  app.get('/policies/:id', async (c) => {
    const registry = c.get('deps').registry;
    const version = intParam(c.req.query('version'), 'version', { min: 1 });
    return c.json(await detail(registry, await mustGet(registry, c.req.param('id'), version)));
  });

  app.put('/policies/:id', async (c) => {
    const body = await readBody(c, SourceBody);
    const r = await c.get('deps').registry.save({ source: body.source, message: body.message ?? '', author: c.get('actor').name, mode: { update: c.req.param('id') } });
    return answerSave(c, r, 'policy.update', 200);
  });

  app.get('/policies/:id/versions', async (c) => {
    const registry = c.get('deps').registry;
    const id = c.req.param('id');
    const h = await registry.store.history(id);
    if (h.length === 0) throw new VeilError('not_found', `Policy '${id.slice(0, 100)}' does not exist.`);
    return c.json({ data: h.map(info) });
  });

  app.get('/policies/:id/versions/:version', async (c) => {
    const registry = c.get('deps').registry;
    const version = intParam(c.req.param('version'), 'version', { min: 1 })!;
    return c.json(await detail(registry, await mustGet(registry, c.req.param('id'), version)));
  });

  app.post('/policies/:id/rollback', async (c) => {
    const body = await readBody(c, RollbackBody);
    const id = c.req.param('id');
    const r = await c.get('deps').registry.rollback(id, body.version, c.get('actor').name, body.message ?? `rollback to version ${body.version}`);
    return answerSave(c, r, 'policy.rollback', 200);
  });

  app.get('/policies/:id/diff', async (c) => {
    const registry = c.get('deps').registry;
    const id = c.req.param('id');
    const to = await mustGet(registry, id, intParam(c.req.query('to'), 'to', { min: 1 }));
    const fromVersion = intParam(c.req.query('from'), 'from', { min: 1 }) ?? Math.max(1, to.version - 1);
    const from = await mustGet(registry, id, fromVersion);
    return c.json(diffResponse(id, from, to));
  });

  app.post('/policies/:id/diff', async (c) => {
    const registry = c.get('deps').registry;
    const body = await readBody(c, DiffBody);
    const id = c.req.param('id');
    const from = await mustGet(registry, id, body.from);
    return c.json(diffResponse(id, from, { version: null, hash: null, source: body.source }));
  });

  app.get('/bindings', (c) => c.json(bindingsBody(c.get('deps').registry)));

  app.put('/bindings/default', async (c) => {
    const registry = c.get('deps').registry;
    const { policy_id } = await readBody(c, BindBody);
    const before = registry.defaultPolicyId();
    if (!(await registry.setDefault(policy_id))) throw new VeilError('not_found', `Policy '${policy_id.slice(0, 100)}' does not exist.`);
    await recordAction(c, { action: 'binding.default', target: 'org', before: `policy:${before}`, after: `policy:${policy_id}`, policyId: policy_id });
    return c.json(bindingsBody(registry));
  });

  app.put('/bindings/teams/:team', async (c) => {
    const registry = c.get('deps').registry;
    const team = c.req.param('team');
    const { policy_id } = await readBody(c, BindBody);
    const before = registry.bindings().teams.find((t) => t.team === team)?.policyId ?? null;
    if (!(await registry.setTeam(team, policy_id))) throw new VeilError('not_found', `Policy '${policy_id.slice(0, 100)}' does not exist.`);
    await recordAction(c, { action: 'binding.team', target: `team:${team}`, before: before && `policy:${before}`, after: `policy:${policy_id}`, policyId: policy_id });
    return c.json(bindingsBody(registry));
  });

  app.delete('/bindings/teams/:team', async (c) => {
    const registry = c.get('deps').registry;
    const team = c.req.param('team');
    const before = registry.bindings().teams.find((t) => t.team === team)?.policyId ?? null;
    await registry.setTeam(team, null);
    await recordAction(c, { action: 'binding.team.remove', target: `team:${team}`, before: before && `policy:${before}`, after: null });
    return c.json(bindingsBody(registry));
  });
}
