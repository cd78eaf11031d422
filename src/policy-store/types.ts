/**
 * @module policy-store/types
 * Versioned policies and their bindings, behind one small interface so SQLite (Node) and D1
 * (Workers) can both hold them. Every save appends an immutable version; the newest version of
 * an id is the one in force. Runtime-agnostic: types only.
 */

export interface PolicyVersion {
  policyId: string;
  /** 1, 2, 3… per policy id. */
  version: number;
  /** The YAML exactly as saved. */
  source: string;
  /** SHA-256 hex of `source`. */
  hash: string;
  author: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  message: string;
}

export type PolicyVersionInfo = Omit<PolicyVersion, 'source'>;

export interface NewPolicyVersion {
  policyId: string;
  source: string;
  hash: string;
  author: string;
  message: string;
}

export interface TeamBinding {
  team: string;
  policyId: string;
}

export interface PolicyBindings {
  /** Organisation default set by an admin; null = the gateway config's `default_policy`. */
  defaultPolicy: string | null;
  teams: TeamBinding[];
}

export interface PolicyStore {
  /** The version in force of every policy id (the newest), ordered by id. */
  current(): Promise<PolicyVersion[]>;
  /** One version, or the one in force when `version` is omitted; null if absent. */
  get(policyId: string, version?: number): Promise<PolicyVersion | null>;
  /** Every version of an id, newest first, without sources. */
  history(policyId: string): Promise<PolicyVersionInfo[]>;
  /**
   * Appends versions atomically (all or none), each numbered after the id's newest, and returns
   * them as stored. Never rewrites an existing version.
   */
  append(versions: readonly NewPolicyVersion[]): Promise<PolicyVersion[]>;
  bindings(): Promise<PolicyBindings>;
  setDefault(policyId: string): Promise<void>;
  /** Binds a team to a policy, or removes its binding with `null`. */
  setTeam(team: string, policyId: string | null): Promise<void>;
}
