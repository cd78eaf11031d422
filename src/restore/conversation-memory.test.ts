import { describe, expect, it } from 'vitest';
import { ConversationMemory, conversationOwner, joinReverse, type Thread } from './conversation-memory.ts';

const A = conversationOwner({ id: 'key_a', team: 'red' });
const B = conversationOwner({ id: 'key_b', team: 'red' });
const ans = (id: string): Thread => ({ kind: 'answer', id });
const conv = (id: string): Thread => ({ kind: 'conversation', id });
const map = (...pairs: [string, string][]) => new Map(pairs);
const mail = map(['<EMAIL_K3F9A2>', 'kim@x.com']);

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('ConversationMemory', () => {
  it('recalls what was remembered for the same owner and answer id', () => {
    const m = new ConversationMemory();
    m.remember(A, ans('resp_1'), mail);
    expect(m.recall(A, ans('resp_1'))).toEqual(mail);
  });

  it('misses an unknown id, and never stores an empty map', () => {
    const m = new ConversationMemory();
    expect(m.recall(A, ans('resp_nope'))).toBeUndefined();
    m.remember(A, ans('resp_1'), new Map());
    expect(m.size).toBe(0);
    expect(m.recall(A, ans('resp_1'))).toBeUndefined();
  });

  it('is scoped by owner: another key, or the same key id in another team, gets nothing', () => {
    const m = new ConversationMemory();
    m.remember(A, ans('resp_1'), mail);
    expect(m.recall(B, ans('resp_1'))).toBeUndefined();
    expect(m.recall(conversationOwner({ id: 'key_a', team: 'blue' }), ans('resp_1'))).toBeUndefined();
    // The miss did not disturb the owner's entry.
    expect(m.recall(A, ans('resp_1'))).toEqual(mail);
  });

  it('owners and ids cannot be spliced into each other', () => {
    expect(conversationOwner({ id: 'b', team: 'a|' })).not.toBe(conversationOwner({ id: '|b', team: 'a' }));
    const m = new ConversationMemory();
    m.remember('o', ans('x|resp_1'), mail);
    expect(m.recall('o|x', ans('resp_1'))).toBeUndefined();
  });

  it('answer ids and conversation ids never reach each other\'s entries, whatever the client names', () => {
    const m = new ConversationMemory();
    m.remember(A, ans('resp_1'), mail);
    expect(m.recall(A, conv('resp_1'))).toBeUndefined();
    m.remember(A, conv('conv_1'), mail);
    expect(m.recall(A, ans('conv_1'))).toBeUndefined();
    // An id spelling the kind separator and an owner cannot splice across kinds either.
    const owner = 'o';
    m.remember(owner, conv('x'), mail);
    expect(m.recall(owner, ans(`x|conversation|${owner.length}:${owner}|x`))).toBeUndefined();
    expect(m.recall(A, conv('conv_1'))).toEqual(mail);
    expect(m.recall(A, ans('resp_1'))).toEqual(mail);
  });

  it('extend joins new entries to a conversation\'s, the new ones winning, and restarts its TTL', () => {
    const c = clock();
    const m = new ConversationMemory({ ttlMs: 60_000, now: c.now });
    const other = map(['<EMAIL_OTHER1>', 'lee@x.com']);
    m.extend(A, conv('conv_1'), mail);
    c.advance(50_000);
    m.extend(A, conv('conv_1'), other);
    expect([...m.recall(A, conv('conv_1'))!]).toEqual([...mail, ...other]);
    // Stored again at 50 s: alive 60 s from then, not from the first turn.
    c.advance(59_999);
    expect(m.recall(A, conv('conv_1'))?.size).toBe(2);
    c.advance(1);
    expect(m.recall(A, conv('conv_1'))).toBeUndefined();
    // The newer value wins a conflicting placeholder; another owner's conversation is untouched.
    m.extend(B, conv('conv_1'), mail);
    m.extend(A, conv('conv_1'), mail);
    m.extend(A, conv('conv_1'), map(['<EMAIL_K3F9A2>', 'new@x.com']));
    expect(m.recall(A, conv('conv_1'))?.get('<EMAIL_K3F9A2>')).toBe('new@x.com');
    expect(m.recall(B, conv('conv_1'))).toEqual(mail);
    expect(m.size).toBe(2);
  });

  it('drops an entry once its TTL has passed (fake clock)', () => {
    const c = clock();
    const m = new ConversationMemory({ ttlMs: 60_000, now: c.now });
    m.remember(A, ans('resp_1'), mail);
    c.advance(59_999);
    expect(m.recall(A, ans('resp_1'))).toEqual(mail);
    // A recall does not extend the life of an entry: it lives `ttlMs` from when it was stored.
    c.advance(1);
    expect(m.recall(A, ans('resp_1'))).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it('sweeps expired entries at the front when storing a new one', () => {
    const c = clock();
    const m = new ConversationMemory({ ttlMs: 1_000, now: c.now });
    m.remember(A, ans('resp_1'), mail);
    m.remember(A, ans('resp_2'), mail);
    c.advance(1_000);
    m.remember(A, ans('resp_3'), mail);
    expect(m.size).toBe(1);
  });

  it('holds at most maxConversations, evicting the least recently used', () => {
    const m = new ConversationMemory({ maxConversations: 3 });
    for (const id of ['resp_1', 'resp_2', 'resp_3']) m.remember(A, ans(id), mail);
    expect(m.recall(A, ans('resp_1'))).toBeDefined(); // resp_1 is now the most recently used
    m.remember(A, ans('resp_4'), mail);
    expect(m.size).toBe(3);
    expect(m.recall(A, ans('resp_2'))).toBeUndefined();
    for (const id of ['resp_1', 'resp_3', 'resp_4']) expect(m.recall(A, ans(id))).toEqual(mail);
    for (let i = 0; i < 50; i++) m.remember(B, ans(`resp_x${i}`), mail);
    expect(m.size).toBe(3);
  });

  it('holds at most maxEntries placeholders in total; a map over the whole budget is not stored', () => {
    const m = new ConversationMemory({ maxEntries: 3 });
    const two = map(['<EMAIL_AAAAAA>', 'a@x.com'], ['<EMAIL_BBBBBB>', 'b@x.com']);
    m.remember(A, ans('resp_1'), two);
    m.remember(A, ans('resp_2'), two); // 4 > 3: resp_1 goes
    expect(m.recall(A, ans('resp_1'))).toBeUndefined();
    expect(m.recall(A, ans('resp_2'))).toEqual(two);
    m.remember(A, ans('resp_big'), map(['<A_1>', '1'], ['<A_2>', '2'], ['<A_3>', '3'], ['<A_4>', '4']));
    expect(m.recall(A, ans('resp_big'))).toBeUndefined();
    expect(m.recall(A, ans('resp_2'))).toEqual(two);
  });

  it('storing the same id again replaces its entries and keeps the count right', () => {
    const m = new ConversationMemory({ maxEntries: 2 });
    m.remember(A, ans('resp_1'), mail);
    m.remember(A, ans('resp_1'), mail);
    m.remember(A, ans('resp_2'), mail);
    expect(m.size).toBe(2);
    expect(m.recall(A, ans('resp_1'))).toEqual(mail);
  });
});

describe('continueFrom', () => {
  it('no previous id: the request\'s own map, untouched', () => {
    const own = map(['<EMAIL_OWN111>', 'own@x.com']);
    expect(new ConversationMemory().continueFrom(A, null, own)).toEqual({ reverse: own, missed: false, conflicts: 0 });
  });

  it('a hit joins the inherited entries with the request\'s own', () => {
    const m = new ConversationMemory();
    m.remember(A, ans('resp_1'), mail);
    const own = map(['<EMAIL_OWN111>', 'own@x.com']);
    const c = m.continueFrom(A, ans('resp_1'), own);
    expect(c.missed).toBe(false);
    expect(c.conflicts).toBe(0);
    expect([...c.reverse]).toEqual([...mail, ...own]);
    // A request with nothing of its own restores with the remembered map as it is.
    expect(m.continueFrom(A, ans('resp_1'), new Map()).reverse).toBe(m.recall(A, ans('resp_1')));
  });

  it('continues a conversation from the conversation\'s entries, not an answer\'s of the same id', () => {
    const m = new ConversationMemory();
    const other = map(['<EMAIL_OTHER1>', 'lee@x.com']);
    m.remember(A, conv('conv_1'), mail);
    m.remember(A, ans('conv_1'), other);
    const own = map(['<EMAIL_OWN111>', 'own@x.com']);
    const c = m.continueFrom(A, conv('conv_1'), own);
    expect(c.missed).toBe(false);
    expect([...c.reverse]).toEqual([...mail, ...own]);
    expect(m.continueFrom(B, conv('conv_1'), own)).toEqual({ reverse: own, missed: true, conflicts: 0 });
  });

  it('a miss (unknown id, another owner) is reported, and the request keeps its own map', () => {
    const m = new ConversationMemory();
    m.remember(A, ans('resp_1'), mail);
    const own = map(['<EMAIL_OWN111>', 'own@x.com']);
    expect(m.continueFrom(A, ans('resp_2'), own)).toEqual({ reverse: own, missed: true, conflicts: 0 });
    expect(m.continueFrom(B, ans('resp_1'), own)).toEqual({ reverse: own, missed: true, conflicts: 0 });
  });
});

describe('joinReverse', () => {
  it('the request\'s own value wins a conflict, and the conflict is counted', () => {
    const inherited = map(['<EMAIL_K3F9A2>', 'first@x.com'], ['<EMAIL_K3F9A2X>', 'second@x.com']);
    const own = map(['<EMAIL_K3F9A2>', 'second@x.com']);
    const { reverse, conflicts } = joinReverse(inherited, own);
    expect(conflicts).toBe(1);
    expect(reverse.get('<EMAIL_K3F9A2>')).toBe('second@x.com');
    expect(reverse.get('<EMAIL_K3F9A2X>')).toBe('second@x.com');
    // Neither input is changed: a remembered map may be shared by several answers.
    expect(inherited.get('<EMAIL_K3F9A2>')).toBe('first@x.com');
  });

  it('the same placeholder for the same value is no conflict', () => {
    expect(joinReverse(mail, new Map(mail)).conflicts).toBe(0);
  });
});
