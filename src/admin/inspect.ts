/**
 * @module admin/inspect
 * The test bench: `POST /inspect` runs a saved or unsaved policy over a sample text exactly as
 * the gateway would — the same inspector, the same decision, and redact spans replaced through
 * the same per-team pseudonymizer — and returns findings, decision and the transformed text.
 * Nothing is stored and nothing is audited (the text may be sensitive; it is never logged).
 */
import type { Hono } from 'hono';
import * as z from 'zod';
import type { LoadedPolicy } from '../config/policy-load.ts';
import { decide } from '../decide/decide.ts';
import { VeilError } from '../util/errors.ts';
import { PolicyInvalidError, readBody, type AdminEnv } from './http.ts';

const InspectBody = z.object({
  text: z.string(),
  /** A policy id, or YAML text (anything with a line break or a colon). */
  policy: z.string().min(1).optional(),
  team: z.string().min(1).max(200).optional(),
});

const looksLikeYaml = (s: string) => /[\n:]/.test(s);

export function inspectRoutes(app: Hono<AdminEnv>): void {
  app.post('/inspect', async (c) => {
    const deps = c.get('deps');
    const body = await readBody(c, InspectBody);
    let policy: LoadedPolicy;
    let version: number | null = null;
    if (body.policy !== undefined && looksLikeYaml(body.policy)) {
      const r = await deps.registry.check(body.policy, 'unsaved');
      if (!r.ok) throw new PolicyInvalidError(r.errors);
      policy = r.policy;
    } else {
      const id = body.policy ?? deps.registry.defaultPolicyId();
      const p = deps.registry.get(id);
      if (!p) throw new VeilError('not_found', `Policy '${id.slice(0, 100)}' does not exist.`);
      policy = p;
      version = p.version;
    }
    let findings;
    try {
      findings = policy.inspector.inspect(body.text);
    } catch {
      throw new VeilError('inspection_failed', 'The detectors failed on this text.');
    }
    const decision = decide(findings, policy.doc);
    const rules = policy.doc.rules;
    const redact = findings.filter((f) => rules[f.type]?.action === 'redact');
    const session = (await deps.pseudonymizer(body.team ?? 'default')).session();
    const transformed = redact.length ? await session.apply(body.text, redact, (t) => rules[t]?.method ?? 'mask') : body.text;
    return c.json({
      policy: { id: policy.doc.id, version, hash: policy.hash },
      findings: findings.map((f) => ({
        start: f.start,
        end: f.end,
        type: f.type,
        score: Math.round(f.score * 1000) / 1000,
        detector: f.detector,
        action: rules[f.type]?.action ?? 'allow',
      })),
      decision: decision.action,
      fired: decision.fired,
      transformed,
    });
  });
}
