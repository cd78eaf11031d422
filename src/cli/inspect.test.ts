import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runInspect } from './inspect.ts';

let dir: string;
let policyFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-inspect-'));
  writeFileSync(join(dir, 'base.yaml'), [
    'id: base',
    'rules:',
    '  CLIENT: { action: redact, min_score: 0.5 }',
    'dictionaries:',
    '  - { name: clients, type: CLIENT, terms: [삼성전자, Falcon] }',
  ].join('\n'));
  policyFile = join(dir, 'test.yaml');
  writeFileSync(policyFile, [
    'id: test',
    'extends: base',
    'rules:',
    '  EMPLOYEE_ID: { action: block, min_score: 0.5 }',
    'patterns:',
    "  - { name: emp, type: EMPLOYEE_ID, regex: 'EMP-\\d{6}', score: 0.9 }",
  ].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], input = '') {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(input);
  const code = await runInspect(argv, { stdin, stdout, stderr });
  return { code, out, err };
}

describe('veil inspect', () => {
  it('reads JSONL and writes one findings line per input, with the rule action', async () => {
    const input = [
      JSON.stringify({ id: 1, text: '삼성전자는 EMP-123456 건을' }),
      '',
      JSON.stringify({ id: 'b', text: 'nothing here, falconry' }),
    ].join('\n');
    const r = await run(['--policy', policyFile], input);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        id: 1,
        findings: [
          { start: 0, end: 4, type: 'CLIENT', score: 1, detector: 'dictionary.clients', action: 'redact' },
          { start: 6, end: 16, type: 'EMPLOYEE_ID', score: 0.9, detector: 'pattern.emp', action: 'block' },
        ],
      },
      { id: 'b', findings: [] },
    ]);
  });

  it('inspects a single --text with id null', async () => {
    const r = await run(['--policy', policyFile, '--text', 'Falcon은 비밀']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ id: null, findings: [{ start: 0, end: 6, type: 'CLIENT', score: 1, detector: 'dictionary.clients', action: 'redact' }] });
  });

  it('answers bad lines with an error line, never echoing the text, and exits 1', async () => {
    const r = await run(['--policy', policyFile], '{"id":7,"text":42}\nnot json secret-value\n{"id":8,"text":"EMP-000001"}\n');
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ id: 7, error: '"text" must be a string' });
    expect(lines[1]).toEqual({ id: null, error: 'invalid JSON' });
    expect(lines[2].findings).toHaveLength(1);
    expect(r.err + r.out).not.toContain('secret-value');
  });

  it('exits 2 on a missing policy or a bad argument', async () => {
    expect((await run(['--policy', join(dir, 'missing.yaml')])).code).toBe(2);
    expect((await run(['--bogus'])).code).toBe(2);
  });
});
