/**
 * @module restore/conversation-memory
 * What the restore stage needs across requests when a conversation is continued server-side
 * (OpenAI Responses `previous_response_id`, or a Conversations API `conversation`): the later
 * request carries only its new input, while the upstream holds the earlier turns — with their
 * placeholders — and the model may repeat them. So each answer id, and each conversation id, is
 * remembered with the placeholder → value entries its requests used (their own reverse maps plus
 * those they inherited), and a request continuing that answer or conversation restores with them too.
 * Answer ids and conversation ids live in separate key spaces (`Thread.kind`): a client naming
 * an answer id as a conversation, or the reverse, reaches nothing.
 *
 * Here, in `restore/`, because these entries exist only to restore answers: nothing is
 * pseudonymized from them, and the pipeline is the only caller (it owns the instance, one per app).
 *
 * Privacy: in memory only (never on disk, in the audit log or in logs), bounded (an LRU of
 * `maxConversations` answers and conversations, every entry dropped `ttlMs` after it was last
 * stored), and scoped to the gateway key that stored it: an id is not a secret (it travels in
 * the answer, and the upstream accepts it from anyone holding the upstream key), so another
 * key — even of the same team — naming it gets nothing back. On Workers the map is per isolate: a continuation served
 * by another isolate (or another Node process) is a miss, and the placeholders stay unrestored —
 * never a failure, never a wrong value.
 *
 * Limits are constants, not settings: they bound memory rather than tune behaviour, and a miss
 * only costs the restore of older placeholders.
 */

/** At most this many answers and conversations remembered (across all keys); the least recently used goes first. */
export const MAX_CONVERSATIONS = 1_000;
/** Entries are dropped this long after they were stored (a new turn stores afresh, restarting it). */
export const CONVERSATION_TTL_MS = 60 * 60 * 1000;
/** At most this many placeholder entries across all answers and conversations, so a few huge maps cannot fill memory. */
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

/**
 * What a request continues upstream: an earlier answer (`resp_…`, Responses `previous_response_id`)
 * or a conversation (`conv_…`, Responses `conversation`). The kind is part of the memory's key.
 */
export interface Thread {
  kind: 'answer' | 'conversation';
  id: string;
}

/** The reverse map a continuing request restores with, and how it was built. */
export interface Continuation {
  reverse: ReverseMap;
  /** The request named an answer or conversation not remembered for this key (unknown, expired, elsewhere). */
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

  /** Answers and conversations remembered now (expired ones not yet swept included). */
  get size(): number {
    return this.items.size;
  }

  /** The entries stored for `thread` by `owner`, or undefined (never stored, expired, evicted, another owner). */
  recall(owner: string, thread: Thread): ReverseMap | undefined {
    const k = slot(owner, thread);
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
   * Stores `entries` for `thread` under `owner`, replacing what was there. Empty maps and maps
   * larger than the whole budget are not stored. The map is kept as given: pass one nobody
   * mutates afterwards.
   */
  remember(owner: string, thread: Thread, entries: ReverseMap): void {
    if (entries.size === 0 || entries.size > this.maxEntries) return;
    const k = slot(owner, thread);
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
   * Stores `entries` for `thread` joined to what is remembered for it now, `entries` winning, and
   * restarts its TTL. For a conversation, where every turn adds to the same id: two turns in flight
   * at once both started from the same remembered map, and neither's new entries are lost.
   */
  extend(owner: string, thread: Thread, entries: ReverseMap): void {
    const now = this.recall(owner, thread);
    this.remember(owner, thread, now ? joinReverse(now, entries).reverse : entries);
  }

  /**
   * The reverse map for a request continuing `thread` (null: it continues nothing), joined
   * with the request's own. Its own entries win a conflict: they are what this request sent, so
   * what the model most likely means now.
   */
  continueFrom(owner: string, thread: Thread | null, own: ReverseMap): Continuation {
    if (thread === null) return { reverse: own, missed: false, conflicts: 0 };
    const inherited = this.recall(owner, thread);
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

// The kind first (a fixed word, not client text), then the owner length-prefixed: no (kind, owner,
// id) triple can spell another, so an answer id never reaches a conversation's entries or the reverse.
const slot = (owner: string, t: Thread) => `${t.kind}|${owner.length}:${owner}|${t.id}`;
