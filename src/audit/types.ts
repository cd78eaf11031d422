/**
 * @module audit/types
 * The audit record and the store interface. Implemented by `audit/sqlite.node.ts` (Node,
 * better-sqlite3) and later a D1 store (Workers); both hash with `audit/chain.ts`. A record holds no prompt or answer text and
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
  /**
   * Version of the policy in force (policy store), when the gateway runs with one. Optional so
   * older writers stay valid; covered by the hash when set.
   */
  policyVersion?: number | null;
  /** Set on admin-action records only (who did what, content hashes before/after); hashed when set. */
  detail?: AuditDetail | null;
}

/**
 * What an admin action record says. Hashes, ids and names only: never a secret, a token or a
 * policy's text.
 */
export interface AuditDetail {
  /** Admin key id, or `bootstrap` for the VEIL_ADMIN_TOKEN. */
  actor: string;
  role: string;
  /** e.g. `policy.update`, `key.create`, `audit.export`. */
  action: string;
  /** What was acted on, e.g. `policy:default`, `key:AbC123`. */
  target: string | null;
  /** SHA-256 hex of the thing before / after, null when it did not exist or does not apply. */
  before: string | null;
  after: string | null;
  /** Short extra facts (a version number, a filter), never content. */
  note?: string;
}

/** A stored record: the content plus its place in the hash chain (see docs/audit.md). */
export interface StoredAuditRecord extends AuditRecord {
  /** Global display order (autoincrement); not covered by the hash. */
  seq: number;
  /** The writer's chain: `main` for the Node gateway, one per isolate on Workers. */
  chainId: string;
  /** 1, 2, 3… within the chain; covered by the hash. */
  chainSeq: number;
  prevHash: string;
  hash: string;
}

/**
 * A signed chain head. `head`: the chain reached `chainSeq` with `hash` (rows up to it must
 * exist). `prune`: rows up to `chainSeq` were deleted on purpose by retention; the next row
 * links to `hash`. `mac` is HMAC-SHA256 under the server's audit secret, null when none is set.
 */
export interface AuditCheckpoint {
  chainId: string;
  chainSeq: number;
  hash: string;
  kind: 'head' | 'prune';
  createdAt: string;
  mac: string | null;
}

export interface AuditQuery {
  since?: string;
  limit?: number;
  afterSeq?: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** Distinct chains seen. */
  chains?: number;
  /**
   * First record that does not verify, with why. For `truncated` it is the last remaining record
   * of the chain (seq 0 when none remain); for `checkpoint` seq is 0 when no row is involved.
   */
  firstBad?: {
    seq: number;
    requestId?: string;
    reason: string;
    kind?: 'altered' | 'deleted' | 'reordered' | 'truncated' | 'checkpoint';
    chainId?: string;
    chainSeq?: number;
  };
}

export interface AuditStore {
  append(record: AuditRecord): Promise<void>;
  query(q: AuditQuery): Promise<StoredAuditRecord[]>;
  verify(): Promise<VerifyResult>;
}

/** What the CLI and the retention job need beyond `AuditStore`. */
export interface AuditLog extends AuditStore {
  /** The last `n` records, oldest first. */
  tail(n: number): Promise<StoredAuditRecord[]>;
  /** Records a signed `head` checkpoint for this writer's chain; null when the chain is empty. */
  checkpoint(): Promise<AuditCheckpoint | null>;
  /**
   * Deletes records older than `before` (ISO time), chain by chain, leaving a `prune`
   * checkpoint so `verify()` still passes. Returns how many records were deleted.
   */
  prune(before: string): Promise<number>;
}
