/**
 * @module audit/export
 * Turns stored audit records into JSONL or CSV lines, streamed: records are read a page at a
 * time and yielded one line at a time, so exporting millions of rows needs no big array.
 * Web-standard so a Workers admin endpoint can stream the same formats from D1.
 */
import type { AuditQuery, StoredAuditRecord } from './types.ts';

export type ExportFormat = 'jsonl' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv'];

/** CSV columns: header name and the record field it comes from. Header names match the DB. */
export const CSV_COLUMNS = [
  ['seq', 'seq'],
  ['chain_id', 'chainId'],
  ['chain_seq', 'chainSeq'],
  ['ts', 'ts'],
  ['request_id', 'requestId'],
  ['key_id', 'keyId'],
  ['team', 'team'],
  ['endpoint', 'endpoint'],
  ['model', 'model'],
  ['decision', 'decision'],
  ['route', 'route'],
  ['provider', 'provider'],
  ['policy_id', 'policyId'],
  ['policy_hash', 'policyHash'],
  ['findings', 'findings'],
  ['status', 'status'],
  ['error_code', 'errorCode'],
  ['stream', 'stream'],
  ['tokens_in', 'tokensIn'],
  ['tokens_out', 'tokensOut'],
  ['inspect_ms', 'inspectMs'],
  ['upstream_ms', 'upstreamMs'],
  ['total_ms', 'totalMs'],
  ['prev_hash', 'prevHash'],
  ['hash', 'hash'],
  // Added by migration 0002; kept last so earlier exports stay a prefix of this column order.
  ['policy_version', 'policyVersion'],
  ['detail', 'detail'],
] as const satisfies readonly (readonly [string, keyof StoredAuditRecord])[];

export interface CsvOptions {
  /**
   * Prefix text cells starting with `= + - @` (or tab/CR) with `'` so a spreadsheet shows them
   * instead of evaluating them. Model names and request ids come from clients, so this matters
   * when an export is opened in Excel; off by default because it changes the values.
   */
  excelSafe?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted when it holds a comma, quote, line break or edge space. */
export function csvField(value: unknown, opts: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (opts.excelSafe && typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Header line, CRLF-terminated as RFC 4180 asks. */
export function csvHeader(): string {
  return CSV_COLUMNS.map(([name]) => name).join(',') + '\r\n';
}

export function toCsvLine(r: StoredAuditRecord, opts: CsvOptions = {}): string {
  return CSV_COLUMNS.map(([, field]) => csvField(r[field], opts)).join(',') + '\r\n';
}

/** One JSON object per line; keys in a fixed order. */
export function toJsonLine(r: StoredAuditRecord): string {
  return (
    JSON.stringify({
      seq: r.seq,
      chainId: r.chainId,
      chainSeq: r.chainSeq,
      ts: r.ts,
      requestId: r.requestId,
      keyId: r.keyId,
      team: r.team,
      endpoint: r.endpoint,
      model: r.model,
      decision: r.decision,
      route: r.route,
      provider: r.provider,
      policyId: r.policyId,
      policyHash: r.policyHash,
      findings: r.findings,
      status: r.status,
      errorCode: r.errorCode,
      stream: r.stream,
      tokensIn: r.tokensIn,
      tokensOut: r.tokensOut,
      inspectMs: r.inspectMs,
      upstreamMs: r.upstreamMs,
      totalMs: r.totalMs,
      prevHash: r.prevHash,
      hash: r.hash,
      policyVersion: r.policyVersion ?? null,
      detail: r.detail ?? null,
    }) + '\n'
  );
}

/**
 * Reads any store's `query` page by page (by `afterSeq`), so D1 and SQLite export the same way.
 * @example
 * for await (const r of pageRecords((q) => store.query(q), { since })) …
 */
export async function* pageRecords(
  query: (q: AuditQuery) => Promise<StoredAuditRecord[]>,
  opts: { since?: string; afterSeq?: number; pageSize?: number } = {},
): AsyncGenerator<StoredAuditRecord> {
  const limit = Math.max(1, opts.pageSize ?? 1000);
  let afterSeq = opts.afterSeq ?? 0;
  for (;;) {
    const page = await query({ since: opts.since, afterSeq, limit });
    for (const r of page) yield r;
    if (page.length < limit) return;
    afterSeq = page[page.length - 1]!.seq;
  }
}

/** The export as lines (header first for CSV). */
export async function* exportLines(
  records: AsyncIterable<StoredAuditRecord> | Iterable<StoredAuditRecord>,
  format: ExportFormat,
  opts: CsvOptions = {},
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  for await (const r of records) yield format === 'csv' ? toCsvLine(r, opts) : toJsonLine(r);
}
