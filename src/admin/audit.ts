/**
 * @module admin/audit
 * Audit routes: filtered cursor pages, one record, aggregates for the dashboard, streamed CSV /
 * JSONL export (a page at a time through a ReadableStream, never the whole log in memory), chain
 * verification, and the retention setting (applied with the store's `prune`, which leaves signed
 * checkpoints so `veil audit verify` keeps passing).
 */
import type { Hono } from 'hono';
import * as z from 'zod';
import { csvHeader, toCsvLine, toJsonLine, type ExportFormat } from '../audit/export.ts';
import type { StoredAuditRecord } from '../audit/types.ts';
import { sha256Hex } from '../util/hash.ts';
import { VeilError } from '../util/errors.ts';
import type { AuditFilter, AuditReader } from './audit-reader.ts';
import { intParam, readBody, recordAction, type AdminContext, type AdminEnv } from './http.ts';
import type { SettingsStore } from './admin-keys.ts';
import type { AuditLog } from '../audit/types.ts';

export const RETENTION_SETTING = 'audit.retention_days';
const EXPORT_PAGE = 500;
const DAY_MS = 86_400_000;

const FilterQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  team: z.string().max(200).optional(),
  key: z.string().max(200).optional(),
  decision: z.enum(['allow', 'redact', 'local', 'block']).optional(),
  route: z.enum(['remote', 'local', 'none']).optional(),
  model: z.string().max(200).optional(),
  status: z.string().regex(/^\d{3}$/, 'status must be a 3-digit HTTP status').optional(),
  finding: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'finding must be an entity type such as EMAIL').optional(),
  kind: z.enum(['request', 'admin']).optional(),
});

function isoParam(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new VeilError('invalid_request', `${name} must be an ISO-8601 time, e.g. 2025-06-01T00:00:00Z.`);
  // Stored times are toISOString() text, so the bound must be too for the text comparison.
  return new Date(t).toISOString();
}

export function parseFilter(c: AdminContext, defaultKind?: 'request'): AuditFilter {
  const q = FilterQuery.safeParse(c.req.query());
  if (!q.success) {
    const i = q.error.issues[0]!;
    throw new VeilError('invalid_request', `${i.path.join('.')}: ${i.message}`);
  }
  const f = q.data;
  return {
    from: isoParam(f.from, 'from'),
    to: isoParam(f.to, 'to'),
    team: f.team || undefined,
    key: f.key || undefined,
    decision: f.decision,
    route: f.route,
    model: f.model || undefined,
    status: f.status === undefined ? undefined : Number(f.status),
    finding: f.finding,
    kind: f.kind ?? defaultKind,
  };
}

/** The record as the API shows it: the 0002 fields always present. */
function view(r: StoredAuditRecord) {
  return { ...r, policyVersion: r.policyVersion ?? null, detail: r.detail ?? null };
}

/** A byte stream of the export, reading one page per pull. */
export function exportStream(reader: AuditReader, filter: AuditFilter, format: ExportFormat): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let cursor: number | undefined;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        if (!started) {
          started = true;
          if (format === 'csv') ctl.enqueue(enc.encode(csvHeader()));
        }
        if (done) return ctl.close();
        const page = await reader.list(filter, { cursor, limit: EXPORT_PAGE, order: 'asc' });
        let chunk = '';
        for (const r of page.data) chunk += format === 'csv' ? toCsvLine(r, { excelSafe: true }) : toJsonLine(r);
        if (chunk) ctl.enqueue(enc.encode(chunk));
        if (page.nextCursor === null) {
          done = true;
          ctl.close();
        } else cursor = page.nextCursor;
      },
    },
    { highWaterMark: 1 },
  );
}

/** Deletes records older than `days` (with prune checkpoints). Returns how many went. */
export async function applyRetention(audit: AuditLog, days: number, now = Date.now()): Promise<number> {
  return audit.prune(new Date(now - days * DAY_MS).toISOString());
}

export async function retentionDays(settings: SettingsStore): Promise<number | null> {
  const v = await settings.get(RETENTION_SETTING);
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

export function auditRoutes(app: Hono<AdminEnv>): void {
  app.get('/audit', async (c) => {
    const filter = parseFilter(c);
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 500 }) ?? 50;
    const cursor = intParam(c.req.query('cursor'), 'cursor', { min: 0 });
    const order = c.req.query('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new VeilError('invalid_request', 'order must be asc or desc.');
    const page = await c.get('deps').reader.list(filter, { cursor, limit, order });
    return c.json({ data: page.data.map(view), next_cursor: page.nextCursor === null ? null : String(page.nextCursor) });
  });

  app.get('/audit/stats', async (c) => {
    const s = await c.get('deps').reader.stats(parseFilter(c, 'request'));
    return c.json({
      total: s.total,
      blocked: s.blocked,
      by_decision: s.byDecision,
      by_route: s.byRoute,
      local_share: s.localShare,
      per_hour: s.perHour,
      top_findings: s.topFindings,
      tokens_by_team: s.tokensByTeam.map((t) => ({ team: t.team, requests: t.requests, tokens_in: t.tokensIn, tokens_out: t.tokensOut })),
    });
  });

  app.get('/audit/export', async (c) => {
    const format = c.req.query('format') ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl') throw new VeilError('invalid_request', 'format must be csv or jsonl.');
    const filter = parseFilter(c);
    // Recorded before the stream starts: the export is the action, whatever the client then reads.
    await recordAction(c, { action: 'audit.export', target: 'audit', note: `format=${format} filter=${await sha256Hex(JSON.stringify(filter))}`.slice(0, 200) });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return new Response(exportStream(c.get('deps').reader, filter, format), {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="veil-audit-${stamp}.${format}"`,
        'cache-control': 'no-store',
      },
    });
  });

  app.get('/audit/verify', async (c) => {
    const deps = c.get('deps');
    const r = await deps.audit.verify();
    return c.json({ ok: r.ok, checked: r.checked, chains: r.chains ?? null, checkpoints: await deps.reader.checkpointCount(), first_bad: r.firstBad ?? null });
  });

  app.get('/audit/retention', async (c) => c.json({ days: await retentionDays(c.get('deps').settings) }));

  app.put('/audit/retention', async (c) => {
    const deps = c.get('deps');
    const { days } = await readBody(c, z.object({ days: z.number().int().min(1).max(36_500).nullable() }));
    const before = await retentionDays(deps.settings);
    await deps.settings.set(RETENTION_SETTING, days);
    const deleted = days === null ? 0 : await applyRetention(deps.audit, days);
    await recordAction(c, { action: 'audit.retention', target: 'audit', before: before === null ? null : `days:${before}`, after: days === null ? null : `days:${days}`, note: `deleted ${deleted}` });
    return c.json({ days, deleted });
  });

  // Last, so `/audit/stats` etc. are not taken for a seq.
  app.get('/audit/:seq', async (c) => {
    const seq = intParam(c.req.param('seq'), 'seq', { min: 1 })!;
    const r = await c.get('deps').reader.get(seq);
    if (!r) throw new VeilError('not_found', `No audit record with seq ${seq}.`);
    return c.json(view(r));
  });
}
