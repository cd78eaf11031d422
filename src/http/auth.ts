/**
 * @module http/auth
 * Gateway key authentication. Accepts `Authorization: Bearer …` (OpenAI clients) and
 * `x-api-key` (Anthropic clients). The key never leaves this middleware: providers set their own.
 */
import type { MiddlewareHandler } from 'hono';
import type { KeyStore } from '../keys/types.ts';
import { VeilError } from '../util/errors.ts';
import type { VeilEnv } from './env.ts';
import { requestIoOf, type RequestIoSource } from './request-io.ts';

export function presentedKey(header: (name: string) => string | null): string | null {
  const auth = header('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  return header('x-api-key')?.trim() || null;
}

export function requireGatewayKey(keys: KeyStore, requestIo?: RequestIoSource): MiddlewareHandler<VeilEnv> {
  return async (c, next) => {
    const presented = presentedKey(requestIoOf(c, requestIo).header);
    if (!presented) throw new VeilError('unauthorized', 'Missing gateway key: send "Authorization: Bearer <veil key>".');
    const key = await keys.verify(presented);
    if (!key) throw new VeilError('unauthorized', 'Invalid or revoked gateway key.');
    c.set('key', key);
    c.get('audit').set({ keyId: key.id, team: key.team });
    await next();
  };
}
