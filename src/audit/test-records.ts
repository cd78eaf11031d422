/**
 * @module audit/test-records
 * Builds realistic audit records for tests and benches (no sensitive values, as in production).
 */
import type { AuditRecord } from './types.ts';

export function makeRecord(i: number, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    ts: new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + i * 1000).toISOString(),
    requestId: `req_${i.toString().padStart(6, '0')}`,
    keyId: 'k1a2b3c4d5e6',
    team: 'research',
    endpoint: 'POST /v1/chat/completions',
    model: 'gpt-4o-mini',
    decision: i % 4 === 0 ? 'redact' : 'allow',
    route: 'remote',
    provider: 'openai',
    policyId: 'default',
    policyHash: 'ab'.repeat(32),
    findings: i % 4 === 0 ? { email: 2, aws_access_key: 1 } : {},
    status: 200,
    errorCode: null,
    stream: i % 2 === 0,
    tokensIn: 120 + i,
    tokensOut: 48,
    inspectMs: 0.412,
    upstreamMs: 812.5,
    totalMs: 813.25,
    ...over,
  };
}
