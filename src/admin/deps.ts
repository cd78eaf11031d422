/**
 * @module admin/deps
 * What the admin API needs from the entry: the stores (all behind interfaces, so a Workers entry
 * can pass D1 versions) and the running gateway's policy registry, which a save hot-swaps.
 */
import type { AuditLog } from '../audit/types.ts';
import type { ManagedKeyStore } from '../keys/types.ts';
import type { PolicyRegistry } from '../policy-store/registry.ts';
import type { Pseudonymizer } from '../transform/pseudonymizer.ts';
import type { Logger } from '../util/log.ts';
import type { AdminKeyStore, SettingsStore } from './admin-keys.ts';
import type { AuditReader } from './audit-reader.ts';

export interface AdminDeps {
  registry: PolicyRegistry;
  keys: ManagedKeyStore;
  adminKeys: AdminKeyStore;
  settings: SettingsStore;
  /** The gateway's audit log: admin actions are appended to the same chain; retention prunes it. */
  audit: AuditLog;
  reader: AuditReader;
  /** Per-team pseudonymizer, as the gateway's (the test bench shows the same placeholders). */
  pseudonymizer: (scope: string) => Promise<Pseudonymizer>;
  /** `VEIL_ADMIN_TOKEN`; null/empty = only personal admin keys work. */
  bootstrapToken?: string | null;
  /** Largest admin request body; default 1 MiB. */
  maxBodyBytes?: number;
  log?: Logger;
}
