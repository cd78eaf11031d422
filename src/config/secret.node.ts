/**
 * @module config/secret.node
 * The gateway's server secret (placeholder HMAC key, audit checkpoint signatures). Without
 * VEIL_SECRET, a random one is created once beside the database (mode 0600) so placeholders stay
 * stable across restarts and `veil audit verify` can check checkpoint signatures. Production
 * should set VEIL_SECRET explicitly.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomId } from '../util/hash.ts';
import type { GatewayConfig } from './config-schema.ts';

export function gatewaySecret(cfg: Pick<GatewayConfig, 'secret' | 'db'>): string {
  if (cfg.secret) return cfg.secret;
  const dir = dirname(resolve(cfg.db));
  const file = join(dir, 'veil.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const s = randomId('vs', 32);
  writeFileSync(file, s + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return s;
}
