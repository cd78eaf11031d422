/**
 * @module restore/conversation-memory
 * What the restore stage needs across requests when a conversation is continued server-side
 * (OpenAI Responses `previous_response_id`): the later request carries only its new input, while
 * the upstream holds the earlier turns — with their placeholders — and the model may repeat them.
 * So each answer id is remembered with the placeholder → value entries its request used (its own
 * reverse map plus those it inherited), and a request continuing that answer restores with them too.
 *
 * Here, in `restore/`, because these entries exist only to restore answers: nothing is
 * pseudonymized from them, and the pipeline is the only caller (it owns the instance, one per app).
 *
 * Privacy: in memory only (never on disk, in the audit log or in logs), bounded (an LRU of
 * `maxConversations` answers, every entry dropped `ttlMs` after it was stored), and scoped to the
 * gateway key that stored it: an answer id is not a secret (it travels in the answer and the
 * upstream accepts it from anyone holding the upstream key), so another key — even of the same
 * team — naming it gets nothing back. On Workers the map is per isolate: a continuation served
 * by another isolate (or another Node process) is a miss, and the placeholders stay unrestored —
 * never a failure, never a wrong value.
 *
 * Limits are constants, not settings: they bound memory rather than tune behaviour, and a miss
 * only costs the restore of older placeholders.
 */

/** At most this many answers remembered (across all keys); the least recently used goes first. */
export const MAX_CONVERSATIONS = 1_000;
/** An answer's entries are dropped this long after it was stored (a new turn stores afresh). */
export const CONVERSATION_TTL_MS = 60 * 60 * 1000;
/** At most this many placeholder entries across all answers, so a few huge maps cannot fill memory. */
export const MAX_ENTRIES = 100_000;

export type ReverseMap = ReadonlyMap<string, string>;

export interface ConversationMemoryOptions {
  maxConversations?: number;
  ttlMs?: number;
  maxEntries?: number;
  /** Milliseconds; default `Date.now`. */
  now?: () => number;
}

interface Remembered {
  entries: ReverseMap;
  expiresAt: number;
}

/** The reverse map a continuing request restores with, and how it was built. */
export interface Continuation {
  reverse: ReverseMap;
  /** The request named a previous answer that is not remembered for this key (unknown, expired, elsewhere). */
  missed: boolean;
  /** Placeholders the request issued itself that an earlier turn had issued for another value; its own value wins. */
  conflicts: number;
}

/** Who may read an entry: the gateway key, within its team (a key moved to another team starts afresh). */
export function conversationOwner(key: { id: string; team: string }): string {
  return `${key.team.length}:${key.team}|${key.id}`;
}

export class ConversationMemory {
  private readonly items = new Map<string, Remembered>();
  private entryCount = 0;
  private readonly maxConversations: number;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: ConversationMemoryOptions = {}) {
    this.maxConversations = opts.maxConversations ?? MAX_CONVERSATIONS;
    this.ttlMs = opts.ttlMs ?? CONVERSATION_TTL_MS;
    this.maxEntries = opts.maxEntries ?? MAX_ENTRIES;
    this.now = opts.now ?? Date.now;
  }

  /** Answers remembered now (expired ones not yet swept included). */
  get size(): number {
    return this.items.size;
  }

  /** The entries stored for `answerId` by `owner`, or undefined (never stored, expired, evicted, another owner). */
  recall(owner: string, answerId: string): ReverseMap | undefined {
    const k = slot(owner, answerId);
    const item = this.items.get(k);
    if (!item) return undefined;
    this.items.delete(k);
    if (item.expiresAt <= this.now()) {
      this.entryCount -= item.entries.size;
      return undefined;
    }
    this.items.set(k, item); // most recently used last
    return item.entries;
  }

  /**
   * Stores `entries` for `answerId` under `owner`. Empty maps and maps larger than the whole
   * budget are not stored. The map is kept as given: pass one nobody mutates afterwards.
   */
  remember(owner: string, answerId: string, entries: ReverseMap): void {
    if (entries.size === 0 || entries.size > this.maxEntries) return;
    const k = slot(owner, answerId);
    const old = this.items.get(k);
    if (old) {
      this.items.delete(k);
      this.entryCount -= old.entries.size;
    }
    this.items.set(k, { entries, expiresAt: this.now() + this.ttlMs });
    this.entryCount += entries.size;
    this.evict();
  }

  /**
   * The reverse map for a request continuing `previousId` (null: it continues nothing), joined
   * with the request's own. Its own entries win a conflict: they are what this request sent, so
   * what the model most likely means now.
   */
  continueFrom(owner: string, previousId: string | null, own: ReverseMap): Continuation {
    if (previousId === null) return { reverse: own, missed: false, conflicts: 0 };
    const inherited = this.recall(owner, previousId);
    if (!inherited) return { reverse: own, missed: true, conflicts: 0 };
    return { ...joinReverse(inherited, own), missed: false };
  }

  private evict(): void {
    const t = this.now();
    for (const [k, item] of this.items) {
      const over = this.items.size > this.maxConversations || this.entryCount > this.maxEntries;
      // Oldest use first: expired ones at the front go too, cheaply, while we are here.
      if (!over && item.expiresAt > t) break;
      this.items.delete(k);
      this.entryCount -= item.entries.size;
    }
  }
}

/**
 * `inherited` and `own` as one map, `own` winning. Placeholders are a keyed digest of the value,
 * so the same placeholder should mean the same value in every turn; it can differ only after a
 * digest collision, where the tag a value gets depends on which values a request saw first.
 */
export function joinReverse(inherited: ReverseMap, own: ReverseMap): { reverse: ReverseMap; conflicts: number } {
  if (own.size === 0) return { reverse: inherited, conflicts: 0 };
  if (inherited.size === 0) return { reverse: own, conflicts: 0 };
  const out = new Map(inherited);
  let conflicts = 0;
  for (const [placeholder, value] of own) {
    const before = out.get(placeholder);
    if (before !== undefined && before !== value) conflicts++;
    out.set(placeholder, value);
  }
  return { reverse: out, conflicts };
}

// Length-prefixed, so no (owner, id) pair can spell another.
const slot = (owner: string, answerId: string) => `${owner.length}:${owner}|${answerId}`;
