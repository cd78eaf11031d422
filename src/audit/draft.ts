/**
 * @module audit/draft
 * The audit record of one request while it is in flight. Every stage fills in what it learns;
 * `commit` writes it exactly once, whether the request succeeded, was refused, failed upstream or
 * was abandoned by the client mid-stream.
 */
import type { AuditRecord, AuditStore } from './types.ts';

export class AuditDraft {
  readonly record: AuditRecord;
  private committed: Promise<void> | null = null;
  /** Set by streaming handlers: the response is not finished when the handler returns. */
  deferred = false;

  constructor(
    private readonly store: AuditStore,
    private readonly startedAt: number,
    private readonly now: () => number,
    base: Pick<AuditRecord, 'requestId' | 'endpoint' | 'ts'>,
  ) {
    // Field by field, not `{ ...base, keyId: null, … }`: on Node 20's V8 every key added after a
    // spread costs microseconds, and this runs on every request (~100 µs for this record).
    this.record = {
      requestId: base.requestId,
      ts: base.ts,
      endpoint: base.endpoint,
      keyId: null,
      team: null,
      model: null,
      decision: null,
      route: 'none',
      provider: null,
      policyId: null,
      policyHash: null,
      findings: {},
      status: 0,
      errorCode: null,
      stream: false,
      tokensIn: null,
      tokensOut: null,
      inspectMs: null,
      upstreamMs: null,
      totalMs: 0,
    };
  }

  set(fields: Partial<AuditRecord>): void {
    Object.assign(this.record, fields);
  }

  /** Idempotent: the first call writes, later calls return the same promise. */
  commit(final: Partial<AuditRecord> = {}): Promise<void> {
    if (!this.committed) {
      Object.assign(this.record, final);
      this.record.totalMs = round(this.now() - this.startedAt);
      this.committed = this.store.append({ ...this.record, findings: { ...this.record.findings } });
    }
    return this.committed;
  }

  get isCommitted(): boolean {
    return this.committed !== null;
  }
}

export const round = (ms: number) => Math.round(ms * 100) / 100;
