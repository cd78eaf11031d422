import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector, runCommand, useTempDir } from '../../test/support/cli.ts';
import { createSqliteAuditStore } from '../audit/sqlite.node.ts';
import { makeRecord } from '../audit/test-records.ts';
import { openDatabase } from '../db/open.node.ts';
import { runAudit } from './audit.ts';

let dir: string;
let dbPath: string;
useTempDir('veil-cli-audit-', (d) => {
  dir = d;
  dbPath = join(d, 'veil.db');
});

const run = (argv: string[], extra: { signal?: AbortSignal; env?: Record<string, string>; auditSecret?: string } = {}) =>
  runCommand(runAudit, argv, { dbPath, ...extra });

async function seed(n: number, over: (i: number) => Partial<ReturnType<typeof makeRecord>> = () => ({})) {
  const db = openDatabase(dbPath);
  const store = createSqliteAuditStore(db);
  await Promise.all(Array.from({ length: n }, (_, i) => store.append(makeRecord(i + 1, over(i + 1)))));
  db.close();
}

/** An independent RFC 4180 reader, to check the writer's escaping from the outside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

describe('veil audit verify', () => {
  it('passes on an intact log and fails naming the edited, then the deleted, record', async () => {
    await seed(12);
    expect(await run(['verify'])).toMatchObject({ code: 0, out: 'OK: 12 records verified (1 chain).\n' });

    const db = openDatabase(dbPath);
    db.prepare("UPDATE audit_log SET decision = 'allow' WHERE seq = 8").run();
    let r = await run(['verify']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL: record seq 8 \(request req_000008\): hash does not match/);

    db.prepare("UPDATE audit_log SET decision = 'redact' WHERE seq = 8").run(); // undo
    expect((await run(['verify'])).code).toBe(0);
    db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
    db.close();
    r = await run(['verify']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL: record seq 6 \(request req_000006\): record\(s\) #5 is missing/);
  });

  it('checks checkpoint signatures when the audit secret is known', async () => {
    const db = openDatabase(dbPath);
    const store = createSqliteAuditStore(db, { secret: 'right', checkpointEvery: 3 });
    for (let i = 1; i <= 6; i++) store.appendSync(makeRecord(i));
    db.close();
    expect((await run(['verify'], { env: { VEIL_AUDIT_SECRET: 'right' } })).code).toBe(0);
    const wrong = await run(['verify'], { env: { VEIL_AUDIT_SECRET: 'wrong' } });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^FAIL: checkpoint: head checkpoint .* wrong signature/);
    expect((await run(['verify'], { auditSecret: 'right', env: { VEIL_AUDIT_SECRET: 'wrong' } })).code).toBe(0);
    expect((await run(['verify'])).code).toBe(0); // without a secret: structure only
  });

  it('refuses a missing database instead of creating one', async () => {
    const r = await run(['verify']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no database at/);
  });
});

describe('veil audit tail', () => {
  it('prints the newest N records oldest first, as text or JSON', async () => {
    await seed(30);
    const r = await run(['tail', '-n', '3']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.map((l) => l.split('  ')[0])).toEqual(['#28', '#29', '#30']);
    expect(lines[0]).toContain('req_000028');
    const json = (await run(['tail', '-n', '2', '--json'])).out.trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(json.map((j) => j.seq)).toEqual([29, 30]);
    expect((await run(['tail', '-n', 'x'])).code).toBe(2);
  });

  it('--follow prints records appended later until stopped', async () => {
    await seed(2);
    const ac = new AbortController();
    const stdout = collector();
    const running = runAudit(['tail', '-n', '1', '--follow'], { dbPath, stdout, stderr: collector(), signal: ac.signal });
    const db = openDatabase(dbPath);
    const store = createSqliteAuditStore(db);
    await new Promise((r) => setTimeout(r, 100));
    store.appendSync(makeRecord(3));
    store.appendSync(makeRecord(4));
    const deadline = Date.now() + 5000;
    while (!stdout.text.includes('req_000004') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(await running).toBe(0);
    db.close();
    expect(stdout.text.trim().split('\n').map((l) => l.split('  ')[0])).toEqual(['#2', '#3', '#4']);
  });
});

describe('veil audit export', () => {
  it('CSV parses back with commas, quotes, newlines and edge spaces intact', async () => {
    const nasty = ['a,b', 'say "hi"', 'two\nlines', ' padded ', 'cr\r\nlf', '=HYPERLINK("x")', 'plain'];
    await seed(nasty.length, (i) => ({ model: nasty[i - 1]!, team: i === 2 ? null : `t${i}` }));
    const out = join(dir, 'out.csv');
    const r = await run(['export', '--format', 'csv', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain(`Exported ${nasty.length} records to ${out}`);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const [header, ...body] = rows;
    expect(header!.slice(0, 5)).toEqual(['seq', 'chain_id', 'chain_seq', 'ts', 'request_id']);
    expect(body).toHaveLength(nasty.length);
    const col = (name: string) => header!.indexOf(name);
    expect(body.map((row) => row[col('model')])).toEqual(nasty);
    expect(body[1]![col('team')]).toBe('');
    expect(body[3]![col('findings')]).toBe('{"aws_access_key":1,"email":2}'); // stored sorted
    expect(body.every((row) => row.length === header!.length)).toBe(true);

    const safe = parseCsv((await run(['export', '--format', 'csv', '--excel-safe'])).out);
    expect(safe[6]![col('model')]).toBe(`'=HYPERLINK("x")`);
  });

  it('JSONL round-trips records; --since filters; bad flags are usage errors', async () => {
    await seed(10);
    const r = await run(['export', '--format', 'jsonl', '--since', makeRecord(8).ts]);
    expect(r.code).toBe(0);
    const recs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; findings: unknown; stream: boolean });
    expect(recs.map((x) => x.seq)).toEqual([8, 9, 10]);
    expect(recs[0]).toMatchObject({ findings: { email: 2, aws_access_key: 1 }, stream: true });
    expect((await run(['export', '--format', 'xml'])).code).toBe(2);
    expect((await run(['export'])).code).toBe(2);
    expect((await run(['export', '--format', 'csv', '--since', 'yesterday-ish'])).code).toBe(2);
    const bad = await run(['export', '--format', 'csv', '--out', join(dir, 'no', 'such', 'dir.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot write/);
  });

  it('streams a large export with progress on stderr', async () => {
    await seed(20_050);
    const out = join(dir, 'big.jsonl');
    const r = await run(['export', '--format', 'jsonl', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err.match(/exported \d+ records…/g)).toEqual(['exported 10000 records…', 'exported 20000 records…']);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(20_050);
  });

  it('--help for each subcommand', async () => {
    for (const argv of [['--help'], ['verify', '--help'], ['tail', '-h'], ['export', '--help']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: veil audit/);
    }
    expect((await run(['nope'])).code).toBe(2);
  });
});
