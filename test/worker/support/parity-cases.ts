/**
 * @module test/worker/support/parity-cases
 * One table of requests with the decision and audit content each must produce, and the runner
 * that plays them against any gateway `fetch`. The Node side (better-sqlite3 stores) and the
 * Workers side (D1 stores, in workerd) both run this table; each checks the table's expectations
 * and both compare their full results with one shared file snapshot, so any difference between
 * the two builds fails one of them. Web-standard only.
 */
import type { StoredAuditRecord } from '../../../src/audit/types.ts';
import { readSse } from '../../../src/util/sse.ts';

export const EMAIL = 'jane.doe@example.com';
export const RRN = '900101-1234568';
export const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7xq2n3t0Yj9pQ1Xw8bZ3mK4sL5vN6cR7dT8eU9fV0gW1hX2i\nY3jZ4kA5lB6mC7nD8oE9pF0qG1rH2sI3tJ4uK5vL6wM7xN8yO9zP0aQ1bR2cS3dT\n-----END RSA PRIVATE KEY-----';

export interface ParityCase {
  name: string;
  body: Record<string, unknown>;
  /** Omit the gateway key, or send a wrong one. */
  auth?: 'none' | 'wrong';
  expect: {
    status: number;
    decision: 'allow' | 'redact' | 'local' | 'block' | null;
    route: 'remote' | 'local' | 'none';
    findings: Record<string, number>;
    errorCode: string | null;
    /** Text the client must see in the answer (restored values included). */
    answerIncludes?: string;
  };
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

export const PARITY_CASES: ParityCase[] = [
  { name: 'clean text is allowed', body: chat('Write a haiku about the sea.'), expect: { status: 200, decision: 'allow', route: 'remote', findings: {}, errorCode: null, answerIncludes: 'haiku about the sea' } },
  {
    name: 'an email is redacted and restored',
    body: chat(`Reply to ${EMAIL} politely.`),
    expect: { status: 200, decision: 'redact', route: 'remote', findings: { EMAIL: 1 }, errorCode: null, answerIncludes: EMAIL },
  },
  {
    name: 'an email is redacted and restored in a stream',
    body: chat(`Stream a reply to ${EMAIL}.`, { stream: true, stream_options: { include_usage: true } }),
    expect: { status: 200, decision: 'redact', route: 'remote', findings: { EMAIL: 1 }, errorCode: null, answerIncludes: EMAIL },
  },
  {
    name: 'a resident registration number stays local',
    body: chat(`My number is ${RRN}.`),
    expect: { status: 200, decision: 'local', route: 'local', findings: { KR_RRN: 1 }, errorCode: null, answerIncludes: 'Kept on-premises.' },
  },
  {
    name: 'a resident registration number stays local in a stream',
    body: chat(`주민등록번호 ${RRN}`, { stream: true }),
    expect: { status: 200, decision: 'local', route: 'local', findings: { KR_RRN: 1 }, errorCode: null, answerIncludes: 'All good.' },
  },
  {
    name: 'a private key is blocked',
    body: chat(`Is this key safe?\n${PEM}`),
    expect: { status: 403, decision: 'block', route: 'none', findings: { PRIVATE_KEY: 1 }, errorCode: 'policy_blocked' },
  },
  { name: 'an unknown model is refused', body: chat('hello', { model: 'no-such-model' }), expect: { status: 404, decision: null, route: 'none', findings: {}, errorCode: 'model_not_found' } },
  { name: 'a wrong key is refused', body: chat('hello'), auth: 'wrong', expect: { status: 401, decision: null, route: 'none', findings: {}, errorCode: 'unauthorized' } },
];

export interface CaseResult {
  name: string;
  status: number;
  decisionHeader: string | null;
  routeHeader: string | null;
  /** The answer text as the client sees it (JSON content, or the stream's deltas joined). */
  answer: string;
  errorCode: string | null;
  /** A stream ended with `data: [DONE]`. */
  streamDone: boolean | null;
  requestId: string | null;
}

/** Plays one case against a gateway `fetch` (Node `app.fetch`, Workers `SELF.fetch`, …). */
export async function runCase(fetchGateway: (req: Request) => Promise<Response>, key: string, c: ParityCase): Promise<CaseResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (c.auth !== 'none') headers.authorization = `Bearer ${c.auth === 'wrong' ? 'veil_AAAAAAAAAAAA_' + 'x'.repeat(40) : key}`;
  const res = await fetchGateway(
    new Request('http://gateway.test/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify(c.body) }),
  );
  let answer = '';
  let errorCode: string | null = null;
  let streamDone: boolean | null = null;
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream') && res.body) {
    streamDone = false;
    for await (const ev of readSse(res.body)) {
      if (ev.data === '[DONE]') {
        streamDone = true;
        continue;
      }
      const j = JSON.parse(ev.data) as { choices?: Array<{ delta?: { content?: string } }> };
      answer += j.choices?.[0]?.delta?.content ?? '';
    }
  } else {
    const j = (await res.json()) as { choices?: Array<{ message?: { content?: string } }>; error?: { code?: string } };
    answer = j.choices?.[0]?.message?.content ?? '';
    errorCode = j.error?.code ?? null;
  }
  return {
    name: c.name,
    status: res.status,
    decisionHeader: res.headers.get('x-veil-decision'),
    routeHeader: res.headers.get('x-veil-route'),
    answer,
    errorCode,
    streamDone,
    requestId: res.headers.get('x-veil-request-id'),
  };
}

/** An audit record without what differs by run: ids, times, chain position. */
export function comparableRecord(r: StoredAuditRecord): Record<string, unknown> {
  const { ts, requestId, keyId, inspectMs, upstreamMs, totalMs, seq, chainId, chainSeq, prevHash, hash, ...rest } = r;
  void [ts, requestId, keyId, inspectMs, upstreamMs, totalMs, seq, chainId, chainSeq, prevHash, hash];
  return rest;
}

/** What both runtimes must produce identically for the whole table (the shared snapshot). */
export function paritySnapshot(results: CaseResult[], records: StoredAuditRecord[], policyHash: string): string {
  // The policy's own hash is checked against the loaded policy, not pinned: editing the policy
  // file must not break this snapshot unless decisions change.
  const record = (r: StoredAuditRecord | undefined) => {
    if (!r) return null;
    const c = comparableRecord(r);
    return { ...c, policyHash: c.policyHash === policyHash ? '<hash of the policy in force>' : c.policyHash };
  };
  return (
    JSON.stringify(
      results.map((r, i) => ({ ...r, requestId: undefined, record: record(records[i]) })),
      null,
      2,
    ) + '\n'
  );
}

/** Settings both sides run the table with (same secret → same placeholders → same token counts). */
export const PARITY_SECRET = 'parity-secret-0123456789abcdef0123';
export const PARITY_TEAM = 'parity';
