/**
 * @module policy-store/refresh
 * Keeps a registry in step with saves made by *other* processes — on Workers, other isolates,
 * each with its own compiled copy. A save in this process already hot-swaps the registry; to see
 * the others' saves, `maybeRefresh()` reads the store's cheap fingerprint at most once per
 * interval and recompiles only when it changed. So a save reaches every isolate within
 * `intervalMs` (plus one fingerprint query) of its commit. Runtime-agnostic.
 *
 * A failed check (store unreachable, a stored set that does not compile) keeps the set in force
 * and is retried at the next interval: requests are never refused for it.
 */
import type { PolicyRegistry } from './registry.ts';

export interface PolicyRefresher {
  /** Reloads the registry if the store changed since the last check; checks at most once per interval. */
  maybeRefresh(): Promise<void>;
}

export interface RefreshOptions {
  /** Minimum time between fingerprint checks; 0 = every call. */
  intervalMs: number;
  /** The fingerprint read just before the registry was built (so the first check does not reload needlessly). */
  initialStamp?: string | null;
  now?: () => number;
  onError?: (e: unknown) => void;
}

/**
 * @example
 * const stamp0 = await store.stamp();
 * const registry = await createPolicyRegistry(store, { defaultPolicy: 'default' });
 * const refresher = createPolicyRefresher(registry, () => store.stamp(), { intervalMs: 5000, initialStamp: stamp0 });
 * await refresher.maybeRefresh(); // before each request
 */
export function createPolicyRefresher(
  registry: Pick<PolicyRegistry, 'reload'>,
  stamp: () => Promise<string>,
  opts: RefreshOptions,
): PolicyRefresher {
  const now = opts.now ?? (() => Date.now());
  let seen: string | null = opts.initialStamp ?? null;
  let checkedAt = opts.initialStamp === undefined ? -Infinity : now();
  let inflight: Promise<void> | null = null;

  async function check(): Promise<void> {
    try {
      // Read before reloading: a save that lands during the reload changes the stamp again.
      const s = await stamp();
      if (s !== seen) {
        await registry.reload();
        seen = s;
      }
    } catch (e) {
      opts.onError?.(e);
    } finally {
      checkedAt = now();
    }
  }

  return {
    maybeRefresh() {
      if (inflight) return inflight;
      if (now() - checkedAt < opts.intervalMs) return Promise.resolve();
      inflight = check().finally(() => {
        inflight = null;
      });
      return inflight;
    },
  };
}
