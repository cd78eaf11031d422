/**
 * @module audit/row
 * The `audit_log` row as SQLite (and D1) stores it, and the two conversions: an `AuditRecord`
 * into the exact column values that get hashed and inserted, and a stored row back into a
 * `StoredAuditRecord` for display. Web-standard so the Node and D1 stores encode identically.
 */
import type { AuditCheckpoint, AuditDetail, AuditRecord, Decision, Route, StoredAuditRecord } from './types.ts';

/** Columns of `audit_log` as the drivers return them (no safeIntegers, no custom types). */
export interface AuditRow {
  seq: number;
  chain_id: string;
  chain_seq: number;
  ts: string;
  request_id: string;
  key_id: string | null;
  team: string | null;
  endpoint: string;
  model: string | null;
  decision: string | null;
  route: string;
  provider: string | null;
  policy_id: string | null;
  policy_hash: string | null;
  /** Canonical JSON object text, keys sorted: `{"email":2}`. */
  findings: string;
  status: number;
  error_code: string | null;
  /** 0 or 1. */
  stream: number;
  tokens_in: number | null;
  tokens_out: number | null;
  inspect_ms: number | null;
  upstream_ms: number | null;
  total_ms: number;
  /** Added by migration 0002; optional so rows built by older code still type-check. */
  policy_version?: number | null;
  /** Admin-action detail as JSON text (migration 0002). */
  detail?: string | null;
  prev_hash: string;
  hash: string;
}

/** A row before the database assigns `seq`. */
export type NewAuditRow = Omit<AuditRow, 'seq'>;

/** The content columns: everything except the chain position and the hash. */
export type AuditRowContent = Omit<AuditRow, 'seq' | 'chain_id' | 'chain_seq' | 'prev_hash' | 'hash'>;

/** Columns of `audit_checkpoints` (without the autoincrement id). */
export interface CheckpointRow {
  chain_id: string;
  chain_seq: number;
  hash: string;
  kind: 'head' | 'prune';
  created_at: string;
  mac: string | null;
}

/** Columns in insert order; the Node and D1 stores build their INSERT from this list. */
export const AUDIT_COLUMNS = [
  'chain_id', 'chain_seq', 'ts', 'request_id', 'key_id', 'team', 'endpoint', 'model', 'decision',
  'route', 'provider', 'policy_id', 'policy_hash', 'findings', 'status', 'error_code', 'stream',
  'tokens_in', 'tokens_out', 'inspect_ms', 'upstream_ms', 'total_ms', 'policy_version', 'detail',
  'prev_hash', 'hash',
] as const satisfies readonly (keyof NewAuditRow)[];

// Lone surrogates do not survive UTF-8 storage; replacing them first keeps hash == stored text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ANY_SURROGATE = /[\uD800-\uDFFF]/;

// Records come from every failure path of the gateway; a missing field must still be written.
function text(v: unknown): string {
  const s = typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
  return ANY_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\uFFFD') : s;
}

function textOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : text(v);
}

function intOrNull(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : null;
}

// Timings are kept to the microsecond so every value round-trips through a REAL column exactly.
function msOrNull(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) ? Math.round(n * 1000) / 1000 : null;
}

/**
 * Canonical findings text: keys sorted by code unit, counts as non-negative integers.
 * Built by hand because `JSON.stringify` puts integer-like keys first whatever the order.
 */
export function encodeFindings(findings: Record<string, number>): string {
  const entries = Object.entries(findings)
    .map(([k, v]) => [text(k), typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0] as const)
    .filter(([, v]) => v > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** Findings column back to an object; a malformed column yields `{}` (verify flags the row). */
export function decodeFindings(column: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(column);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'number') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/** The column values a record is stored (and hashed) as. Never throws. */
export function encodeRecord(r: AuditRecord): AuditRowContent {
  return {
    ts: text(r.ts),
    request_id: text(r.requestId),
    key_id: textOrNull(r.keyId),
    team: textOrNull(r.team),
    endpoint: text(r.endpoint),
    model: textOrNull(r.model),
    decision: textOrNull(r.decision),
    route: text(r.route),
    provider: textOrNull(r.provider),
    policy_id: textOrNull(r.policyId),
    policy_hash: textOrNull(r.policyHash),
    findings: encodeFindings(r.findings ?? {}),
    status: intOrNull(r.status) ?? 0,
    error_code: textOrNull(r.errorCode),
    stream: r.stream ? 1 : 0,
    tokens_in: intOrNull(r.tokensIn),
    tokens_out: intOrNull(r.tokensOut),
    inspect_ms: msOrNull(r.inspectMs),
    upstream_ms: msOrNull(r.upstreamMs),
    total_ms: msOrNull(r.totalMs) ?? 0,
    policy_version: intOrNull(r.policyVersion),
    detail: encodeDetail(r.detail),
  };
}

/** Detail as JSON text with a fixed key order, so the hashed text is the same on every writer. */
export function encodeDetail(d: AuditDetail | null | undefined): string | null {
  if (d === null || d === undefined || typeof d !== 'object') return null;
  const o: Record<string, unknown> = {
    actor: text(d.actor),
    role: text(d.role),
    action: text(d.action),
    target: textOrNull(d.target),
    before: textOrNull(d.before),
    after: textOrNull(d.after),
  };
  if (d.note !== undefined) o.note = text(d.note);
  return JSON.stringify(o);
}

/** Detail column back to an object; null when absent or malformed. */
export function decodeDetail(column: string | null | undefined): AuditDetail | null {
  if (column === null || column === undefined) return null;
  try {
    const v: unknown = JSON.parse(column);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as AuditDetail) : null;
  } catch {
    return null;
  }
}

/** A stored row as the public record type. */
export function decodeRow(row: AuditRow): StoredAuditRecord {
  return {
    seq: row.seq,
    chainId: row.chain_id,
    chainSeq: row.chain_seq,
    ts: row.ts,
    requestId: row.request_id,
    keyId: row.key_id,
    team: row.team,
    endpoint: row.endpoint,
    model: row.model,
    decision: row.decision as Decision | null,
    route: row.route as Route,
    provider: row.provider,
    policyId: row.policy_id,
    policyHash: row.policy_hash,
    findings: decodeFindings(row.findings),
    status: row.status,
    errorCode: row.error_code,
    stream: row.stream === 1,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
    inspectMs: row.inspect_ms,
    upstreamMs: row.upstream_ms,
    totalMs: row.total_ms,
    // Only when set, so records written before migration 0002 decode exactly as before.
    ...(row.policy_version !== null && row.policy_version !== undefined ? { policyVersion: row.policy_version } : {}),
    ...(row.detail !== null && row.detail !== undefined ? { detail: decodeDetail(row.detail) } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function decodeCheckpoint(row: CheckpointRow): AuditCheckpoint {
  return {
    chainId: row.chain_id,
    chainSeq: row.chain_seq,
    hash: row.hash,
    kind: row.kind,
    createdAt: row.created_at,
    mac: row.mac,
  };
}
