/**
 * @module policy-store/registry
 * The policies in force, compiled, for the running gateway: what `createApp` resolves a key's
 * policy through, and what the admin API saves through. A save validates and compiles the whole
 * set with the new text in place (so `extends` works across versions: a base change reaches the
 * policies built on it) and only then appends the version and swaps the compiled set in one
 * assignment — requests in flight keep the policy they started with, the next one sees the new
 * one, and a bad save changes nothing. Saves are serialized. Runtime-agnostic.
 */
import { loadPolicies, parsePolicy, PolicyLoadError, type LoadedPolicy, type PolicyError } from '../config/policy-load.ts';
import type { GatewayKey } from '../keys/types.ts';
import { sha256Hex } from '../util/hash.ts';
import type { NewPolicyVersion, PolicyBindings, PolicyStore, PolicyVersion } from './types.ts';

/** A compiled policy with its place in the store. */
export interface VersionedPolicy extends LoadedPolicy {
  /** Version in force; null only for policies that never went through a store. */
  version: number | null;
  /** SHA-256 of the YAML text (the version's hash); `hash` is of the resolved document. */
  contentHash: string;
}

export type CheckResult = { ok: true; id: string; policy: LoadedPolicy } | { ok: false; errors: PolicyError[] };

export type SaveResult =
  | { kind: 'saved'; version: PolicyVersion; before: PolicyVersion | null }
  | { kind: 'unchanged'; version: PolicyVersion }
  | { kind: 'invalid'; errors: PolicyError[] }
  | { kind: 'conflict'; message: string }
  | { kind: 'not_found'; message: string };

export interface SaveInput {
  source: string;
  author: string;
  message: string;
  /** `create`: the id must be new. `update`: the YAML id must equal `id`, which must exist. */
  mode: { create: true } | { update: string };
}

export interface PolicyRegistry {
  /** The key's own policy, else its team's binding, else the organisation default. */
  forKey(key: Pick<GatewayKey, 'policyId' | 'team'>): VersionedPolicy | undefined;
  ids(): string[];
  get(id: string): VersionedPolicy | undefined;
  defaultPolicyId(): string;
  bindings(): PolicyBindings & { effectiveDefault: string };
  /** Validates `source` against the set in force without saving; `extends` resolves against it. */
  check(source: string, file?: string): Promise<CheckResult>;
  save(input: SaveInput): Promise<SaveResult>;
  /** New version equal to an old one. */
  rollback(id: string, version: number, author: string, message: string): Promise<SaveResult>;
  setDefault(id: string): Promise<boolean>;
  setTeam(team: string, id: string | null): Promise<boolean>;
  /** Re-reads the store and recompiles. Throws `PolicyLoadError` if the stored set is invalid. */
  reload(): Promise<void>;
  readonly store: PolicyStore;
}

const label = (v: Pick<PolicyVersion, 'policyId' | 'version'>): string => `${v.policyId}@v${v.version}`;

/**
 * Whether `hash` is one of the versions from the newest one `author` imported up to the newest
 * (`history` is newest first); all versions when none was imported (a policy made in the console
 * and exported to a file).
 */
function knownSinceLastImport(history: readonly { author: string; hash: string }[], author: string, hash: string): boolean {
  for (const h of history) {
    if (h.hash === hash) return true;
    if (h.author === author) return false;
  }
  return false;
}

/**
 * Imports policy files into the store: every file whose text differs from the version in force
 * becomes a new version. All or nothing — the whole set (files over the store) must validate, or
 * `PolicyLoadError` is thrown naming file, line and field and nothing is written.
 * Returns the ids that got a new version.
 *
 * `onlyNewTexts` (Workers): also skip a file whose text is already *some* version of its id.
 * Isolates start all the time there, so "differs from the version in force" would let every new
 * isolate undo the admin API's edits with the bundled text; instead a bundled text is imported
 * once — by the first isolate of the deploy that changed it — and an isolate of an older deploy
 * still running during a rollout cannot bring its text back either.
 *
 * `keepLaterEdits` (Node start): also skip a file whose text the store already had at or after
 * its id's last import by `author` — the file has not changed since (or holds a later version,
 * written back by `veil policy export`), so a version saved after it (a console edit) stays in
 * force instead of being silently undone by a restart; `onKept` is told which. A file changed to
 * any other text (an older one included: a revert in git) still wins.
 */
export async function importPolicySources(
  store: PolicyStore,
  files: readonly { file: string; text: string }[],
  author = 'import',
  opts: { onlyNewTexts?: boolean; keepLaterEdits?: boolean; onKept?: (policyId: string, file: string) => void } = {},
): Promise<string[]> {
  const errors: PolicyError[] = [];
  const byId = new Map<string, { file: string; text: string }>();
  for (const f of files) {
    const r = parsePolicy(f.text, f.file);
    if (!r.ok) errors.push(...r.errors);
    else if (byId.has(r.policy.id)) {
      errors.push({ file: f.file, line: null, field: 'id', message: `duplicate policy id '${r.policy.id}' (also in ${byId.get(r.policy.id)!.file})` });
    } else byId.set(r.policy.id, f);
  }
  if (errors.length) throw new PolicyLoadError(errors);
  const current = await store.current();
  const inForce = new Map(current.map((v) => [v.policyId, v.hash]));
  const changed: NewPolicyVersion[] = [];
  for (const [id, f] of byId) {
    const hash = await sha256Hex(f.text);
    if (inForce.get(id) === hash) continue;
    if (opts.onlyNewTexts && inForce.has(id) && (await store.history(id)).some((h) => h.hash === hash)) continue;
    if (opts.keepLaterEdits && inForce.has(id) && knownSinceLastImport(await store.history(id), author, hash)) {
      opts.onKept?.(id, f.file);
      continue;
    }
    changed.push({ policyId: id, source: f.text, hash, author, message: `imported from ${f.file}` });
  }
  if ((opts.onlyNewTexts || opts.keepLaterEdits) && changed.length === 0) return [];
  // Validated as the set it would become (stored versions with the files in place).
  const incoming = opts.onlyNewTexts || opts.keepLaterEdits ? new Set(changed.map((c) => c.policyId)) : new Set(byId.keys());
  const sources = current.filter((v) => !incoming.has(v.policyId)).map((v) => ({ file: label(v), text: v.source }));
  for (const id of incoming) sources.push(byId.get(id)!);
  await loadPolicies(sources); // throws PolicyLoadError: nothing written
  if (changed.length) await store.append(changed);
  return changed.map((c) => c.policyId);
}

/**
 * Builds the registry from the store's versions in force. Throws `PolicyLoadError` if they do
 * not compile (the gateway must not start with a half-read policy set).
 * @example
 * const registry = await createPolicyRegistry(store, { defaultPolicy: 'default' });
 * registry.forKey(key)?.inspector.inspect(text);
 */
export async function createPolicyRegistry(store: PolicyStore, opts: { defaultPolicy: string }): Promise<PolicyRegistry> {
  let compiled = new Map<string, VersionedPolicy>();
  let binds: PolicyBindings = { defaultPolicy: null, teams: [] };
  let teamMap = new Map<string, string>();
  let queue: Promise<unknown> = Promise.resolve();

  // One save at a time: each validates against, and replaces, the set the previous one left.
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  async function compile(versions: readonly PolicyVersion[]): Promise<Map<string, VersionedPolicy>> {
    const loaded = await loadPolicies(versions.map((v) => ({ file: label(v), text: v.source })));
    const out = new Map<string, VersionedPolicy>();
    for (const v of versions) {
      const p = loaded.get(v.policyId);
      if (p) out.set(v.policyId, { ...p, version: v.version, contentHash: v.hash });
    }
    return out;
  }

  /** The current sources with `candidate` in place of its id, compiled; errors instead of throwing. */
  async function tryCompile(candidate: { source: string; file: string }): Promise<CheckResult & { current?: PolicyVersion[] }> {
    const parsed = parsePolicy(candidate.source, candidate.file);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const id = parsed.policy.id;
    const current = await store.current();
    const sources = current.filter((v) => v.policyId !== id).map((v) => ({ file: label(v), text: v.source }));
    sources.push({ file: candidate.file, text: candidate.source });
    try {
      const loaded = await loadPolicies(sources);
      return { ok: true, id, policy: loaded.get(id)!, current };
    } catch (e) {
      if (e instanceof PolicyLoadError) return { ok: false, errors: e.errors };
      return { ok: false, errors: [{ file: candidate.file, line: null, field: '', message: 'the policy could not be compiled' }] };
    }
  }

  async function reload(): Promise<void> {
    const versions = await store.current();
    const next = await compile(versions);
    binds = await store.bindings();
    teamMap = new Map(binds.teams.map((t) => [t.team, t.policyId]));
    compiled = next;
  }

  const defaultPolicyId = () => binds.defaultPolicy ?? opts.defaultPolicy;

  async function saveLocked(input: SaveInput): Promise<SaveResult> {
    const file = 'mode' in input && 'update' in input.mode ? `${input.mode.update} (unsaved)` : 'new policy (unsaved)';
    const checked = await tryCompile({ source: input.source, file });
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
    const id = checked.id;
    const before = (checked.current ?? []).find((v) => v.policyId === id) ?? null;
    if ('create' in input.mode && before) return { kind: 'conflict', message: `Policy '${id}' already exists; update it with PUT /admin/api/policies/${id}.` };
    if ('update' in input.mode) {
      if (id !== input.mode.update) return { kind: 'conflict', message: `The YAML declares id '${id}' but the URL names '${input.mode.update}'.` };
      if (!before) return { kind: 'not_found', message: `Policy '${id}' does not exist; create it with POST /admin/api/policies.` };
    }
    const hash = await sha256Hex(input.source);
    if (before && before.hash === hash) return { kind: 'unchanged', version: before };
    const [saved] = await store.append([{ policyId: id, source: input.source, hash, author: input.author, message: input.message }]);
    // Recompile from the store so the swapped set is exactly what is stored.
    await reload();
    return { kind: 'saved', version: saved!, before };
  }

  await reload();

  return {
    store,
    forKey(key) {
      return compiled.get(key.policyId ?? teamMap.get(key.team) ?? defaultPolicyId());
    },
    ids: () => [...compiled.keys()],
    get: (id) => compiled.get(id),
    defaultPolicyId,
    bindings: () => ({ ...binds, teams: [...binds.teams], effectiveDefault: defaultPolicyId() }),
    async check(source, file = 'unsaved') {
      const r = await tryCompile({ source, file });
      return r.ok ? { ok: true, id: r.id, policy: r.policy } : r;
    },
    save: (input) => serialized(() => saveLocked(input)),
    rollback: (id, version, author, message) =>
      serialized(async () => {
        const old = await store.get(id, version);
        if (!old) return { kind: 'not_found', message: `Policy '${id}' has no version ${version}.` } as const;
        return saveLocked({ source: old.source, author, message: message || `rollback to version ${version}`, mode: { update: id } });
      }),
    setDefault: (id) =>
      serialized(async () => {
        if (!compiled.has(id)) return false;
        await store.setDefault(id);
        await reload();
        return true;
      }),
    setTeam: (team, id) =>
      serialized(async () => {
        if (id !== null && !compiled.has(id)) return false;
        await store.setTeam(team, id);
        await reload();
        return true;
      }),
    reload: () => serialized(reload),
  };
}
