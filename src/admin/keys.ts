/**
 * @module admin/keys
 * Gateway keys (create — secret shown once —, list, change team/policy/limits, revoke) and the
 * personal admin keys. Each write is recorded in the audit chain with hashes of the key's
 * settings before and after, never the secret.
 */
import type { Hono } from 'hono';
import * as z from 'zod';
import type { GatewayKey } from '../keys/types.ts';
import { sha256Hex } from '../util/hash.ts';
import { VeilError } from '../util/errors.ts';
import { ADMIN_ROLES, type AdminKey } from './admin-keys.ts';
import { readBody, recordAction, type AdminContext, type AdminEnv } from './http.ts';

const Team = z.string().trim().min(1, 'team must not be empty').max(200);
const PolicyId = z.string().min(1).max(200).nullable();
const Rpm = z.number().int().min(1).max(1_000_000).nullable();
const Models = z.array(z.string().min(1).max(200)).max(200).nullable();

const CreateKey = z.object({ team: Team, policy_id: PolicyId.optional(), rate_limit_rpm: Rpm.optional(), allowed_models: Models.optional() });
const PatchKey = z.object({ team: Team.optional(), policy_id: PolicyId.optional(), rate_limit_rpm: Rpm.optional(), allowed_models: Models.optional() });
const CreateAdminKey = z.object({ name: z.string().trim().min(1, 'name must not be empty').max(200), role: z.enum(ADMIN_ROLES as [string, ...string[]]) });

export function keyView(k: GatewayKey) {
  return {
    id: k.id,
    prefix: k.prefix,
    team: k.team,
    policy_id: k.policyId,
    rate_limit_rpm: k.rateLimitRpm ?? null,
    allowed_models: k.allowedModels ?? null,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
  };
}

function adminKeyView(k: AdminKey) {
  return { id: k.id, prefix: k.prefix, name: k.name, role: k.role, created_at: k.createdAt, revoked_at: k.revokedAt };
}

/** Hash of a key's settings (not its secret), for the before/after of an audit record. */
const settingsHash = (k: GatewayKey | null) => (k ? sha256Hex(JSON.stringify({ ...keyView(k), created_at: undefined })) : Promise.resolve(null));

function checkPolicy(c: AdminContext, id: string | null | undefined): void {
  if (id && !c.get('deps').registry.get(id)) throw new VeilError('not_found', `Policy '${id.slice(0, 100)}' does not exist.`);
}

export function keyRoutes(app: Hono<AdminEnv>): void {
  app.get('/keys', async (c) => c.json({ data: (await c.get('deps').keys.list()).map(keyView) }));

  app.post('/keys', async (c) => {
    const body = await readBody(c, CreateKey);
    checkPolicy(c, body.policy_id);
    const { key, secret } = await c.get('deps').keys.create({
      team: body.team,
      policyId: body.policy_id ?? null,
      rateLimitRpm: body.rate_limit_rpm ?? null,
      allowedModels: body.allowed_models ?? null,
    });
    await recordAction(c, { action: 'key.create', target: `key:${key.id}`, after: await settingsHash(key), policyId: key.policyId });
    return c.json({ key: keyView(key), secret }, 201);
  });

  app.patch('/keys/:id', async (c) => {
    const deps = c.get('deps');
    const id = c.req.param('id');
    const body = await readBody(c, PatchKey);
    checkPolicy(c, body.policy_id);
    const before = await deps.keys.find(id);
    if (!before) throw new VeilError('not_found', `No gateway key '${id.slice(0, 100)}'.`);
    const key = (await deps.keys.update(id, {
      team: body.team,
      policyId: body.policy_id,
      rateLimitRpm: body.rate_limit_rpm,
      allowedModels: body.allowed_models,
    }))!;
    await recordAction(c, { action: 'key.update', target: `key:${id}`, before: await settingsHash(before), after: await settingsHash(key), policyId: key.policyId });
    return c.json({ key: keyView(key) });
  });

  app.post('/keys/:id/revoke', async (c) => {
    const deps = c.get('deps');
    const id = c.req.param('id');
    const before = await deps.keys.find(id);
    if (!before) throw new VeilError('not_found', `No gateway key '${id.slice(0, 100)}'.`);
    const changed = await deps.keys.revoke(id);
    const key = (await deps.keys.find(id))!;
    if (changed) await recordAction(c, { action: 'key.revoke', target: `key:${id}`, before: await settingsHash(before), after: await settingsHash(key) });
    return c.json({ key: keyView(key) });
  });

  app.get('/admin-keys', async (c) => c.json({ data: (await c.get('deps').adminKeys.list()).map(adminKeyView) }));

  app.post('/admin-keys', async (c) => {
    const body = await readBody(c, CreateAdminKey);
    const { key, secret } = await c.get('deps').adminKeys.create({ name: body.name, role: body.role as AdminKey['role'] });
    await recordAction(c, { action: 'admin_key.create', target: `admin_key:${key.id}`, note: `role=${key.role}` });
    return c.json({ key: adminKeyView(key), secret }, 201);
  });

  app.post('/admin-keys/:id/revoke', async (c) => {
    const deps = c.get('deps');
    const id = c.req.param('id');
    if (!(await deps.adminKeys.get(id))) throw new VeilError('not_found', `No admin key '${id.slice(0, 100)}'.`);
    if (await deps.adminKeys.revoke(id)) await recordAction(c, { action: 'admin_key.revoke', target: `admin_key:${id}` });
    return c.json({ key: adminKeyView((await deps.adminKeys.get(id))!) });
  });
}
