/**
 * @module http/env
 * What the Hono context carries for one request: typed, set by middleware, read by routes.
 */
import type { AuditDraft } from '../audit/draft.ts';
import type { Dialect } from '../dialects/types.ts';
import type { GatewayKey } from '../keys/types.ts';
import type { RequestIo } from './request-io.ts';

export interface VeilVariables {
  requestId: string;
  audit: AuditDraft;
  /** Response headers decided so far; copied onto every response, errors included. */
  veilHeaders: Record<string, string>;
  /** Set when the response was built with every `veilHeaders` entry, so they need no copying. */
  veilHeadersSent?: boolean;
  /** The dialect of the route, so errors come back in the client's own shape. */
  dialect: Dialect;
  key: GatewayKey;
  /** Body, headers and client-gone hook of this request (`requestIoOf`). */
  io?: RequestIo;
}

export type VeilEnv = { Variables: VeilVariables };
