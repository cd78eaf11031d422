/**
 * @module audit/types
 * The audit record and the store interface. Implemented by `audit/sqlite-store.ts` (Node,
 * better-sqlite3) and later a D1 store (Workers). A record holds no prompt or answer text and
 * no matched value: finding types and counts only.
 */

export type Decision = 'allow' | 'redact' | 'local' | 'block';
export type Route = 'remote' | 'local' | 'none';

export interface AuditRecord {
  /** ISO-8601 UTC time the request arrived. */
  ts: string;
  requestId: string;
  keyId: string | null;
  team: string | null;
  /** e.g. `POST /v1/chat/completions` */
  endpoint: string;
  /** Model name as the client asked for it. */
  model: string | null;
  /** `null` when the request never reached a decision (bad JSON, bad key). */
  decision: Decision | null;
  route: Route;
  /** Provider id that answered, e.g. `openai`, `local`; null if none did. */
  provider: string | null;
  policyId: string | null;
  policyHash: string | null;
  /** Entity type → count. Never values. */
  findings: Record<string, number>;
  status: number;
  errorCode: string | null;
  stream: boolean;
  tokensIn: number | null;
  tokensOut: number | null;
  inspectMs: number | null;
  upstreamMs: number | null;
  totalMs: number;
}

/** A stored record: the content plus its place in the hash chain. */
export interface StoredAuditRecord extends AuditRecord {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  since?: string;
  limit?: number;
  afterSeq?: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** First record that does not verify, with why. */
  firstBad?: { seq: number; requestId?: string; reason: string };
}

export interface AuditStore {
  append(record: AuditRecord): Promise<void>;
  query(q: AuditQuery): Promise<StoredAuditRecord[]>;
  verify(): Promise<VerifyResult>;
}
