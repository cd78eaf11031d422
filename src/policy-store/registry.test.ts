import { describe, expect, it } from 'vitest';
import { PolicyLoadError } from '../config/policy-load.ts';
import { openDatabase } from '../db/open.node.ts';
import { createPolicyRegistry, importPolicySources } from './registry.ts';
import { createSqlitePolicyStore } from './sqlite.node.ts';

const BASE = 'id: base\nrules:\n  EMAIL: { action: redact }\n';
const TEAM = 'id: team\nextends: base\nrules:\n  PHONE: { action: block }\n';

async function setup() {
  const db = openDatabase(':memory:');
  const store = createSqlitePolicyStore(db);
  await importPolicySources(store, [{ file: 'base.yaml', text: BASE }, { file: 'team.yaml', text: TEAM }], 'import');
  const registry = await createPolicyRegistry(store, { defaultPolicy: 'base' });
  return { db, store, registry };
}

const key = (over: { policyId?: string | null; team?: string } = {}) => ({ policyId: null, team: 't', ...over });

describe('policy registry', () => {
  it('imports files once: unchanged files make no new version, a changed file does', async () => {
    const { store } = await setup();
    expect(await importPolicySources(store, [{ file: 'base.yaml', text: BASE }])).toEqual([]);
    expect(await importPolicySources(store, [{ file: 'base.yaml', text: BASE + '# note\n' }])).toEqual(['base']);
    expect((await store.history('base')).map((h) => h.version)).toEqual([2, 1]);
  });

  it('onlyNewTexts (Workers): a text already stored as any version is not imported again, a new text is', async () => {
    const { store, registry } = await setup();
    const edited = BASE.replace('redact', 'block');
    expect((await registry.save({ source: edited, author: 'alice', message: 'm', mode: { update: 'base' } })).kind).toBe('saved');
    // A new isolate of the same deploy: the bundled text is version 1, so the admin's edit stays.
    expect(await importPolicySources(store, [{ file: 'base.yaml', text: BASE }], 'import', { onlyNewTexts: true })).toEqual([]);
    expect((await store.get('base'))!.source).toBe(edited);
    // The same call without the option is the Node rule: files win at start.
    expect(await importPolicySources(store, [{ file: 'base.yaml', text: BASE }], 'import')).toEqual(['base']);
    // A deploy with a changed file imports it once.
    const next = BASE + '# v2\n';
    expect(await importPolicySources(store, [{ file: 'base.yaml', text: next }], 'import', { onlyNewTexts: true })).toEqual(['base']);
    expect(await importPolicySources(store, [{ file: 'base.yaml', text: next }], 'import', { onlyNewTexts: true })).toEqual([]);
    expect((await store.history('base')).map((h) => h.version)).toEqual([4, 3, 2, 1]);
  });

  it('keepLaterEdits (Node start): a console edit survives a restart while its file is unchanged; a changed file wins', async () => {
    const { store, registry } = await setup();
    const start = (text: string) => {
      const kept: string[] = [];
      const imported = importPolicySources(store, [{ file: 'base.yaml', text }, { file: 'team.yaml', text: TEAM }], 'import', {
        keepLaterEdits: true,
        onKept: (id, file) => kept.push(`${id}:${file}`),
      });
      return imported.then((ids) => ({ ids, kept }));
    };
    const edit = async (source: string) => {
      expect((await registry.save({ source, author: 'alice', message: 'm', mode: { update: 'base' } })).kind).toBe('saved');
    };
    const inForce = async () => (await store.get('base'))!.source;

    const tightened = BASE.replace('redact', 'block');
    await edit(tightened);
    // Restart with the file as it was imported: the edit stays, and the operator is told why.
    expect(await start(BASE)).toEqual({ ids: [], kept: ['base:base.yaml'] });
    expect(await inForce()).toBe(tightened);
    // `veil policy export` writes the edit back; a later edit then survives a restart too.
    expect(await start(tightened)).toEqual({ ids: [], kept: [] });
    const later = tightened + '# reviewed\n';
    await edit(later);
    expect(await start(tightened)).toEqual({ ids: [], kept: ['base:base.yaml'] });
    expect(await inForce()).toBe(later);
    // A file changed in git to a text the store never had wins, once.
    const fromGit = BASE + '# from git\n';
    expect((await start(fromGit)).ids).toEqual(['base']);
    expect(await inForce()).toBe(fromGit);
    expect((await start(fromGit)).ids).toEqual([]);
    // A revert in git to a text imported before the last import wins as well.
    expect((await start(BASE)).ids).toEqual(['base']);
    expect(await inForce()).toBe(BASE);
  });

  it('keepLaterEdits keeps an edit of a policy that was made in the console and exported', async () => {
    const { store, registry } = await setup();
    const made = 'id: made\nrules:\n  PHONE: { action: redact }\n';
    expect((await registry.save({ source: made, author: 'alice', message: 'new', mode: { create: true } })).kind).toBe('saved');
    const edited = made.replace('redact', 'block');
    expect((await registry.save({ source: edited, author: 'alice', message: 'm', mode: { update: 'made' } })).kind).toBe('saved');
    const files = [{ file: 'base.yaml', text: BASE }, { file: 'team.yaml', text: TEAM }, { file: 'made.yaml', text: made }];
    expect(await importPolicySources(store, files, 'import', { keepLaterEdits: true })).toEqual([]);
    expect((await store.get('made'))!.source).toBe(edited);
  });

  it('import is all or nothing, naming file, line and field', async () => {
    const { store } = await setup();
    const bad = importPolicySources(store, [
      { file: 'base.yaml', text: BASE.replace('redact', 'block') },
      { file: 'broken.yaml', text: 'id: broken\nrules:\n  NOPE_X: { action: block }\n' },
    ]);
    await expect(bad).rejects.toBeInstanceOf(PolicyLoadError);
    await expect(bad).rejects.toThrow(/broken\.yaml:3: rules\.NOPE_X/);
    expect((await store.get('base'))!.version).toBe(1);
    expect(await store.get('broken')).toBeNull();
  });

  it('resolves key policy, then team binding, then the organisation default', async () => {
    const { registry } = await setup();
    expect(registry.forKey(key())!.doc.id).toBe('base');
    expect(registry.forKey(key({ policyId: 'team' }))!.doc.id).toBe('team');
    expect(await registry.setTeam('t', 'team')).toBe(true);
    expect(registry.forKey(key())!.doc.id).toBe('team');
    expect(registry.forKey(key({ team: 'other' }))!.doc.id).toBe('base');
    expect(await registry.setDefault('team')).toBe(true);
    expect(registry.forKey(key({ team: 'other' }))!.doc.id).toBe('team');
    expect(await registry.setDefault('ghost')).toBe(false);
    expect(await registry.setTeam('t', 'ghost')).toBe(false);
  });

  it('a saved base reaches the policy that extends it, with new version numbers, without reload', async () => {
    const { registry } = await setup();
    const before = registry.get('team')!;
    expect(before.doc.rules.EMAIL!.action).toBe('redact');
    const r = await registry.save({ source: BASE.replace('redact', 'local'), author: 'a', message: 'm', mode: { update: 'base' } });
    expect(r.kind).toBe('saved');
    expect(registry.get('base')!.version).toBe(2);
    const after = registry.get('team')!;
    expect(after.doc.rules.EMAIL!.action).toBe('local');
    expect(after.version).toBe(1); // its own text did not change
    expect(after.hash).not.toBe(before.hash); // but the resolved policy did
  });

  it('refuses invalid saves (and cycles through extends) without touching the set in force', async () => {
    const { registry, store } = await setup();
    const inForce = registry.get('base');
    const bad = await registry.save({ source: BASE.replace('id: base', 'id: base\nextends: team'), author: 'a', message: '', mode: { update: 'base' } });
    expect(bad.kind).toBe('invalid');
    expect(bad.kind === 'invalid' && bad.errors[0]!.message).toContain('cycle');
    expect(registry.get('base')).toBe(inForce);
    expect((await store.history('base')).length).toBe(1);
    expect((await registry.save({ source: BASE, author: 'a', message: '', mode: { create: true } })).kind).toBe('conflict');
    expect((await registry.save({ source: 'id: nope\n', author: 'a', message: '', mode: { update: 'nope' } })).kind).toBe('not_found');
    expect((await registry.save({ source: BASE, author: 'a', message: '', mode: { update: 'team' } })).kind).toBe('conflict');
  });

  it('serializes concurrent saves: every one gets its own version', async () => {
    const { registry, store } = await setup();
    const saves = await Promise.all(
      Array.from({ length: 5 }, (_, i) => registry.save({ source: `${BASE}# ${i}\n`, author: 'a', message: String(i), mode: { update: 'base' } })),
    );
    expect(saves.map((s) => s.kind === 'saved' && s.version.version).sort()).toEqual([2, 3, 4, 5, 6]);
    expect(registry.get('base')!.version).toBe(6);
    expect((await store.get('base'))!.source).toBe(`${BASE}# 4\n`);
  });

  it('rollback makes a new version equal to the old one', async () => {
    const { registry } = await setup();
    await registry.save({ source: BASE.replace('redact', 'block'), author: 'a', message: '', mode: { update: 'base' } });
    const r = await registry.rollback('base', 1, 'b', '');
    expect(r.kind === 'saved' && r.version).toMatchObject({ version: 3, message: 'rollback to version 1', author: 'b' });
    expect(registry.get('base')!.doc.rules.EMAIL!.action).toBe('redact');
    expect((await registry.rollback('base', 99, 'b', '')).kind).toBe('not_found');
  });
});
