import { describe, expect, it } from 'vitest';
import type { LoadedPolicy } from '../config/policy-load.ts';
import type { Finding } from '../inspect/types.ts';
import { loadPolicies } from '../config/policy-load.ts';
import { decide } from '../decide/decide.ts';
import { anthropicMessages } from '../dialects/anthropic-messages/index.ts';
import { openaiChat } from '../dialects/openai-chat/index.ts';
import { silentLogger } from '../util/log.ts';
import { inspectRequest, rejectSensitiveModelName } from './inspect-request.ts';

/** A policy whose inspector finds an EMAIL wherever '@' appears and counts its calls. */
function policy(opts: { throws?: boolean } = {}) {
  const calls: string[] = [];
  const inspector = {
    types: new Set(['EMAIL']),
    inspect(text: string): Finding[] {
      calls.push(text);
      if (opts.throws) throw new Error('boom');
      const at = text.indexOf('@');
      return at < 0 ? [] : [{ type: 'EMAIL', start: 0, end: text.length, score: 1, detector: 'test' }];
    },
  };
  const p = { doc: { id: 'p', fail_open: false }, hash: 'h', source: '', inspector, outputInspector: inspector } as unknown as LoadedPolicy;
  return { p, calls };
}

describe('rejectSensitiveModelName', () => {
  it('inspects a clean name once per policy version, then trusts it', () => {
    const { p, calls } = policy();
    for (let i = 0; i < 5; i++) rejectSensitiveModelName('gpt-4o-mini', p, silentLogger, 'r');
    expect(calls).toEqual(['gpt-4o-mini']);
    // A new policy version has a new inspector: inspected again.
    const next = policy();
    rejectSensitiveModelName('gpt-4o-mini', next.p, silentLogger, 'r');
    expect(next.calls).toEqual(['gpt-4o-mini']);
  });

  it('refuses a sensitive name every time, naming the type and never the value', () => {
    const { p, calls } = policy();
    for (let i = 0; i < 3; i++) {
      expect(() => rejectSensitiveModelName('jane@corp.example', p, silentLogger, 'r')).toThrow(/EMAIL/);
      try {
        rejectSensitiveModelName('jane@corp.example', p, silentLogger, 'r');
      } catch (e) {
        expect(String((e as Error).message)).not.toContain('jane');
      }
    }
    expect(calls.length).toBe(6);
  });

  it('fails closed when the inspector throws, and remembers nothing from the failure', () => {
    const { p, calls } = policy({ throws: true });
    expect(() => rejectSensitiveModelName('gpt-4o', p, silentLogger, 'r')).toThrow(expect.objectContaining({ code: 'inspection_failed' }));
    expect(() => rejectSensitiveModelName('gpt-4o', p, silentLogger, 'r')).toThrow(expect.objectContaining({ code: 'inspection_failed' }));
    expect(calls.length).toBe(2);
  });

  it('stays bounded: past its size the memory starts over instead of growing', () => {
    const { p, calls } = policy();
    for (let i = 0; i < 300; i++) rejectSensitiveModelName(`model-${i}`, p, silentLogger, 'r');
    calls.length = 0;
    rejectSensitiveModelName('model-0', p, silentLogger, 'r');
    rejectSensitiveModelName('model-299', p, silentLogger, 'r');
    // model-0 was forgotten when the set was cleared at 256; model-299 is still remembered.
    expect(calls).toEqual(['model-0']);
  });
});

describe('inspectRequest: strings that must go upstream as written', () => {
  const EMAIL = 'jane.doe@corp.example';
  const load = async (yaml: string) => (await loadPolicies([{ file: 'p.yaml', text: yaml }])).get('p')!;
  const chat = (parameters: object, content = 'hi') =>
    openaiChat.parse({ model: 'm', messages: [{ role: 'user', content }], tools: [{ type: 'function', function: { name: 'f', description: 'Looks up an order', parameters } }] });

  it('finds a value in a property name, marks it with its place, and the decision is not redact', async () => {
    const req = chat({ type: 'object', properties: { [EMAIL]: { type: 'string' } } });
    const redactOnly = await load('id: p\nrules:\n  EMAIL: { action: redact }\n');
    const { perSlot } = inspectRequest(req, redactOnly, silentLogger, 'r');
    const at = req.slots.findIndex((s) => s.rewritable === false && s.text === EMAIL);
    expect(perSlot[at]).toEqual([expect.objectContaining({ type: 'EMAIL', location: 'a tool schema property name' })]);
    expect(decide(perSlot.flat(), redactOnly.doc)).toMatchObject({ action: 'block', counts: { EMAIL: 1 } });
    const withLocal = await load('id: p\nrules:\n  EMAIL: { action: redact }\n  KR_RRN: { action: local }\n');
    expect(decide(inspectRequest(req, withLocal, silentLogger, 'r').perSlot.flat(), withLocal.doc).action).toBe('local');
    const allowed = await load('id: p\nrules:\n  EMAIL: { action: allow }\n');
    expect(decide(inspectRequest(req, allowed, silentLogger, 'r').perSlot.flat(), allowed.doc).action).toBe('allow');
  });

  it('finds a value inside an Anthropic pattern and a required entry', async () => {
    const req = anthropicMessages.parse({
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ name: 'f', input_schema: { type: 'object', properties: { to: { type: 'string', pattern: `^${EMAIL}$` } }, required: [EMAIL] } }],
    });
    const p = await load('id: p\nrules:\n  EMAIL: { action: redact }\n');
    const d = decide(inspectRequest(req, p, silentLogger, 'r').perSlot.flat(), p.doc);
    expect(d.action).toBe('block');
    expect(d.unredactable).toEqual([
      { location: 'a tool schema pattern', type: 'EMAIL', count: 1 },
      { location: 'a tool schema required property name', type: 'EMAIL', count: 1 },
    ]);
  });

  it('leaves the findings of a request with plain names as they were', async () => {
    const p = await load('id: p\nrules:\n  EMAIL: { action: redact }\n');
    const req = chat({ type: 'object', properties: { to: { type: 'string', description: `Defaults to ${EMAIL}` } }, required: ['to'] });
    const { perSlot } = inspectRequest(req, p, silentLogger, 'r');
    expect(perSlot.flat()).toEqual([expect.objectContaining({ type: 'EMAIL' })]);
    expect(perSlot.flat()[0]).not.toHaveProperty('location');
    expect(decide(perSlot.flat(), p.doc).action).toBe('redact');
  });

  it('counts a value redacted elsewhere that sits in a name, even where no detector fires on the name', () => {
    // A context-dependent detector: "Dear Kim" is a name, "Kim" alone is not.
    const inspector = {
      inspect: (text: string): Finding[] => {
        const at = text.indexOf('Dear Kim');
        return at < 0 ? [] : [{ type: 'PERSON', start: at + 5, end: at + 8, score: 0.9, detector: 'person' }];
      },
    };
    const p = { doc: { id: 'p', fail_open: false, rules: { PERSON: { action: 'redact', method: 'pseudonymize', min_score: 0.5 } } }, inspector } as unknown as LoadedPolicy;
    const req = chat({ type: 'object', properties: { Kim: { type: 'string' }, to: { type: 'string' } } }, 'Dear Kim, your order');
    const { perSlot } = inspectRequest(req, p, silentLogger, 'r');
    const at = req.slots.findIndex((s) => s.rewritable === false && s.text === 'Kim');
    expect(perSlot[at]).toEqual([{ type: 'PERSON', start: 0, end: 3, score: 0.9, detector: 'person', location: 'a tool schema property name' }]);
    expect(decide(perSlot.flat(), p.doc)).toMatchObject({ action: 'block', counts: { PERSON: 2 } });
  });

  it('inspects a non-rewritable string on its own, never joined to its neighbours', () => {
    const { p, calls } = policy();
    const req = chat({ properties: { name: { description: 'b' } } });
    inspectRequest(req, p, silentLogger, 'r');
    // Slots: the message, the tool description, the name, the property description.
    expect(calls).toContain('name');
    expect(calls.filter((c) => c.includes('name'))).toEqual(['name']);
    // The rewritable neighbours are still joined at their seam, as before.
    expect(calls).toContain('Looks up an orderb');
  });

  it('inspects a clean name once per policy version; a name with a finding, and values redacted elsewhere, every time', () => {
    const calls: string[] = [];
    // Finds an e-mail wherever '@' appears, and a person only after "Dear ".
    const inspector = {
      inspect: (text: string): Finding[] => {
        calls.push(text);
        if (text.includes('@')) return [{ type: 'EMAIL', start: 0, end: text.length, score: 1, detector: 'email' }];
        const at = text.indexOf('Dear Kim');
        return at < 0 ? [] : [{ type: 'PERSON', start: at + 5, end: at + 8, score: 0.9, detector: 'person' }];
      },
    };
    const rules = { EMAIL: { action: 'redact' }, PERSON: { action: 'redact' } };
    const p = { doc: { id: 'p', fail_open: false, rules }, inspector } as unknown as LoadedPolicy;
    const req = chat({ properties: { Kim: {}, 'x@y.example': {} } });
    for (let i = 0; i < 3; i++) expect(decide(inspectRequest(req, p, silentLogger, 'r').perSlot.flat(), p.doc).action).toBe('block');
    expect(calls.filter((c) => c === 'Kim')).toHaveLength(1);
    expect(calls.filter((c) => c === 'x@y.example')).toHaveLength(3);
    // The cached clean name still counts when the prompt makes it a value redacted elsewhere.
    const again = chat({ properties: { Kim: {} } }, 'Dear Kim, hello');
    const { perSlot } = inspectRequest(again, p, silentLogger, 'r');
    expect(calls.filter((c) => c === 'Kim')).toHaveLength(1);
    expect(perSlot[again.slots.findIndex((s) => s.rewritable === false && s.text === 'Kim')]).toEqual([expect.objectContaining({ type: 'PERSON', location: 'a tool schema property name' })]);
  });
});
