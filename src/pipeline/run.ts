/**
 * @module pipeline/run
 * The one ordered composition of the stages, shared by every dialect:
 * parse → inspect → decide → transform → route → provider → restore → respond (→ audit).
 * Each stage is a function of the previous stage's output; only this file calls them in order.
 */
import type { AuditDraft } from '../audit/draft.ts';
import { round } from '../audit/draft.ts';
import type { LoadedPolicy } from '../config/policy-load.ts';
import { decide, describeBlock } from '../decide/decide.ts';
import type { AnswerTransforms, Dialect, ParsedRequest, StreamStats } from '../dialects/types.ts';
import type { GatewayKey } from '../keys/types.ts';
import { readBounded } from '../providers/remote.ts';
import type { LocalModel } from '../providers/types.ts';
import { conversationOwner, type ConversationMemory, type Thread } from '../restore/conversation-memory.ts';
import { checkModel, route, type RouteTable } from '../route/route.ts';
import type { Pseudonymizer } from '../transform/pseudonymizer.ts';
import { isVeilError, VeilError } from '../util/errors.ts';
import { randomId } from '../util/hash.ts';
import type { Logger } from '../util/log.ts';
import { readSse, type SseEvent } from '../util/sse.ts';
import { answerTransforms } from './answer-transforms.ts';
import { answerInspector, inspectRequest, rejectSensitiveModelName } from './inspect-request.ts';
import { requireJsonData, sseResponse, type StreamEnd } from './stream.ts';
import { redactRequest } from './transform-request.ts';

export interface PipelineDeps {
  routes: RouteTable;
  /** Pseudonymizer for a scope (the key's team): placeholders are stable within a team only. */
  pseudonymizer: (scope: string) => Promise<Pseudonymizer>;
  upstreamTimeoutMs: number;
  /** Largest non-streamed upstream answer accepted. */
  maxUpstreamBytes: number;
  /** Most bytes relayed from one streamed upstream answer; past it the stream ends with an error event. */
  maxUpstreamStreamBytes: number;
  log: Logger;
  now: () => number;
  /** Placeholders of answers and conversations a later request may continue (Responses `previous_response_id`, `conversation`); absent = none remembered. */
  conversations?: ConversationMemory;
}

export interface RequestScope {
  requestId: string;
  key: GatewayKey;
  policy: LoadedPolicy;
  /** Calls `fn` once if the client disconnects before its response is complete (at once if it has). */
  onClientGone: (fn: () => void) => void;
  audit: AuditDraft;
  /** Response headers set so far (request id, decision, route); the http layer adds them to errors too. */
  headers: Record<string, string>;
  /** The client's request headers by name; only those the dialect lists in `forwardHeaders` go upstream. */
  clientHeader?: (name: string) => string | null;
}

export async function runPipeline(dialect: Dialect, body: unknown, scope: RequestScope, deps: PipelineDeps): Promise<Response> {
  const { audit, policy, headers } = scope;
  const req = dialect.parse(body);
  // The model name is client text too: it goes upstream and into the audit log, so it must not carry a finding.
  rejectSensitiveModelName(req.model, policy, deps.log, scope.requestId);
  audit.set({ model: req.model, stream: req.stream });
  const kind = dialect.providerKind ?? 'openai';
  checkModel(req.model, deps.routes, kind);

  const t0 = deps.now();
  const inspection = inspectRequest(req, policy, deps.log, scope.requestId);
  const decision = decide(inspection.perSlot.flat(), policy.doc);
  // Images and files cannot be inspected: counted under a key no entity type can take (types are UPPER_SNAKE).
  const findings = req.opaqueParts > 0 ? { ...decision.counts, _opaque_parts: req.opaqueParts } : decision.counts;
  audit.set({ decision: decision.action, findings, inspectMs: round(deps.now() - t0) });
  headers['x-veil-decision'] = decision.action;
  if (inspection.failedOpen) headers['x-veil-inspection'] = 'failed-open';
  if (decision.action === 'block') throw new VeilError('policy_blocked', describeBlock(decision, policy.doc.id));

  const target = route(decision.action, req.model, deps.routes, kind);
  headers['x-veil-route'] = target.route;
  audit.set({ route: target.route, provider: target.route === 'local' ? 'local' : target.provider.id });

  if (target.route === 'local') return runLocal(dialect, req, target.model, scope, deps);

  const session = (await deps.pseudonymizer(scope.key.team)).session();
  let upstreamBody = decision.action === 'redact' ? await redactRequest(dialect, req, inspection, policy, session) : req.body;
  if (target.upstreamModel !== req.model) upstreamBody = { ...upstreamBody, model: target.upstreamModel };
  const guard = policy.doc.inspect_output ? answerInspector(policy, deps.log, scope.requestId) : null;
  const turn = conversationTurn(req, scope, deps, session.reverse);
  const t = answerTransforms(turn.reverse, guard);

  // The controller itself, not its signal: the provider aborts it on timeout rather than
  // building a second controller linked to this one.
  const upstreamCtl = linkedController(scope.onClientGone);
  const tUp = deps.now();
  const res = await target.provider.send(dialect.upstreamPath, upstreamBody, upstreamCtl, forwardedHeaders(dialect, scope.clientHeader));

  if (!req.stream) {
    const stalled = () => new VeilError('upstream_timeout', `Upstream body stalled for ${deps.upstreamTimeoutMs} ms.`);
    const text = await readBounded(res, deps.maxUpstreamBytes, { ms: deps.upstreamTimeoutMs, error: stalled });
    audit.set({ upstreamMs: round(deps.now() - tUp) });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new VeilError('upstream_error', `Upstream provider '${target.provider.id}' returned a body that is not JSON.`);
    }
    const out = dialect.transformAnswer(json, t);
    if (turn.remember && out.answerId) turn.remember(out.answerId);
    audit.set({ status: 200, tokensIn: out.usage?.promptTokens ?? null, tokensOut: out.usage?.completionTokens ?? null });
    // Nothing restored or masked (the dialect returned the parsed answer itself): send the
    // upstream's own bytes rather than serializing the same JSON again.
    return jsonResponse(out.json === json ? text : JSON.stringify(out.json), headers);
  }

  if (!res.body) throw new VeilError('upstream_error', 'Upstream provider sent an empty stream.');
  const stats: StreamStats = turn.remember ? { onAnswerId: turn.remember } : {};
  const stalled = () => new VeilError('upstream_timeout', `Upstream stream stalled for ${deps.upstreamTimeoutMs} ms.`);
  const tooLong = () => new VeilError('upstream_error', `Upstream provider '${target.provider.id}' stream exceeded ${deps.maxUpstreamStreamBytes} bytes.`);
  const source = readSse(res.body, { idle: { ms: deps.upstreamTimeoutMs, error: stalled }, max: { bytes: deps.maxUpstreamStreamBytes, error: tooLong } });
  const events = dialect.transformStream(requireJsonData(source), t, stats);
  // Events parsed from one upstream read leave as one chunk (one socket write), as a byte pipe's would.
  return streamToClient(dialect, events, stats, scope, deps, tUp, () => upstreamCtl.abort(), () => source.buffered > 0);
}

async function runLocal(dialect: Dialect, req: ParsedRequest, model: LocalModel, scope: RequestScope, deps: PipelineDeps): Promise<Response> {
  const ctl = linkedController(scope.onClientGone);
  const signal = ctl.signal;
  const tUp = deps.now();
  if (dialect.answerLocally) {
    const out = await dialect.answerLocally(req, model, signal);
    scope.audit.set({ status: 200, upstreamMs: round(deps.now() - tUp), tokensIn: out.usage?.promptTokens ?? null, tokensOut: out.usage?.completionTokens ?? null });
    return jsonResponse(JSON.stringify(out.json), scope.headers);
  }
  const gen = await model.generate(req.chat, signal);
  const meta = { id: randomId(dialect.localIdPrefix ?? 'chatcmpl'), model: model.id, created: Math.floor(Date.now() / 1000) };
  // The answer never left the machine and nothing was pseudonymized: nothing to restore.
  const identity: AnswerTransforms = answerTransforms(new Map(), null);
  if (req.stream) {
    const stats: StreamStats = {};
    return streamToClient(dialect, dialect.renderLocalStream(gen, meta, req, identity, stats), stats, scope, deps, tUp, () => ctl.abort());
  }
  let text = '';
  for await (const piece of gen.chunks) text += piece;
  const { usage, finishReason } = await gen.done;
  scope.audit.set({ status: 200, upstreamMs: round(deps.now() - tUp), tokensIn: usage.promptTokens, tokensOut: usage.completionTokens });
  return jsonResponse(JSON.stringify(dialect.renderLocal(text, { id: meta.id, model: meta.model, created: meta.created, usage, finishReason })), scope.headers);
}

/**
 * The reverse map the answer is restored with, and what remembers it under the answer's id (null:
 * nothing to remember). When the upstream keeps conversations, a request continuing an earlier
 * answer or a conversation only sends its new input, yet the model may repeat the earlier turns'
 * placeholders: the entries remembered for that answer or conversation (for this gateway key only)
 * are joined to the request's own. A conversation also keeps this turn, so its entries grow.
 */
function conversationTurn(
  req: ParsedRequest,
  scope: RequestScope,
  deps: PipelineDeps,
  own: ReadonlyMap<string, string>,
): { reverse: ReadonlyMap<string, string>; remember: ((answerId: string) => void) | null } {
  const memory = deps.conversations;
  const conv = req.conversation;
  // Nothing continued and nothing to remember: the common case costs no lookup.
  if (!memory || !conv || (conv.previousId === null && conv.conversationId === null && own.size === 0)) return { reverse: own, remember: null };
  const owner = conversationOwner(scope.key);
  const conversation: Thread | null = conv.conversationId === null ? null : { kind: 'conversation', id: conv.conversationId };
  const from: Thread | null = conversation ?? (conv.previousId === null ? null : { kind: 'answer', id: conv.previousId });
  const c = memory.continueFrom(owner, from, own);
  // Ids and counts only. A miss is routine (nothing was redacted earlier, another process, expired).
  if (c.missed) deps.log.log('debug', `${conversation ? 'conversation' : 'previous response'} not remembered: earlier placeholders stay as written`, { requestId: scope.requestId });
  if (c.conflicts > 0) deps.log.log('warn', 'an earlier turn used a placeholder of this request for another value; this request\'s value wins', { requestId: scope.requestId, conflicts: c.conflicts });
  const reverse = c.reverse;
  if (reverse.size === 0 || (!conv.stored && !conversation)) return { reverse, remember: null };
  const remember = (answerId: string) => {
    if (conv.stored) memory.remember(owner, { kind: 'answer', id: answerId }, reverse);
    if (conversation) memory.extend(owner, conversation, reverse);
  };
  return { reverse, remember };
}

/**
 * A JSON answer from its text. A string body, not `Response.json`: on Node, @hono/node-server
 * writes a string body straight to the socket, while `Response.json` builds a full Response
 * whose body stream is then read back chunk by chunk.
 */
function jsonResponse(text: string, headers: Record<string, string>): Response {
  // Key by key: on Node 20 keys added to an object through a spread cost ~5 µs each.
  const all: Record<string, string> = { 'content-type': 'application/json' };
  for (const k of Object.keys(headers)) all[k] = headers[k]!;
  return new Response(text, { headers: all });
}

/**
 * A controller that also aborts when the client goes away. Cheaper than `AbortSignal.any` (on
 * Node 20 each `any` allocates a transferable signal with weak-ref bookkeeping), and the
 * client-gone hook lives only as long as its request, so it needs no removal.
 */
function linkedController(onClientGone: RequestScope['onClientGone']): AbortController {
  const ctl = new AbortController();
  onClientGone(() => ctl.abort());
  return ctl;
}

function forwardedHeaders(dialect: Dialect, client: ((name: string) => string | null) | undefined): Record<string, string> | undefined {
  if (!dialect.forwardHeaders || !client) return undefined;
  const out: Record<string, string> = {};
  for (const name of dialect.forwardHeaders) {
    const v = client(name);
    if (v !== null) out[name] = v;
  }
  return out;
}

/** Streams to the client and commits the audit record when the stream really ends. */
function streamToClient(
  dialect: Dialect,
  events: AsyncIterable<SseEvent>,
  stats: StreamStats,
  scope: RequestScope,
  deps: PipelineDeps,
  tUp: number,
  cancelUpstream: () => void,
  more?: () => boolean,
): Response {
  const { audit } = scope;
  audit.deferred = true;
  const finish = (end: StreamEnd) => {
    let status: number;
    let errorCode: string | null;
    if (end.kind === 'complete') [status, errorCode] = [200, stats.upstreamError ? 'upstream_error' : null];
    else if (end.kind === 'client_closed') [status, errorCode] = [499, 'client_closed'];
    else [status, errorCode] = isVeilError(end.error) ? [end.error.status, end.error.code] : [502, 'upstream_error'];
    const final = {
      upstreamMs: round(deps.now() - tUp),
      tokensIn: stats.usage?.promptTokens ?? null,
      tokensOut: stats.usage?.completionTokens ?? null,
      status,
      errorCode,
    };
    // Returned so the stream's last byte waits for the record: a client that saw a complete
    // answer must find it in the audit log even if the process dies right after.
    return audit.commit(final).catch((e) => deps.log.log('error', 'audit write failed', { requestId: scope.requestId, error: (e as Error)?.name }));
  };
  return sseResponse(events, {
    headers: scope.headers,
    onEnd: finish,
    onCancel: cancelUpstream,
    more,
    renderError: (e) => {
      const err = isVeilError(e) ? e : new VeilError('upstream_error', 'The upstream stream failed.');
      return dialect.renderStreamError(err);
    },
  });
}
