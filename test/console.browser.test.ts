/**
 * The admin console in real Chromium (Debian `chromium`, driven by playwright-core) against a
 * real gateway: Node entry, SQLite, the repo's policies (copied), the mock upstream, and requests
 * sent with the official `openai` SDK. One flow, in order, as an administrator would use it: sign
 * in; break a policy and see the error flagged on its line; fix and save it; try it on the test
 * bench; find a real request in the audit log, open it, filter, export CSV; read the dashboard;
 * create and revoke a key. Screenshots of each page go to a temp dir, or to `docs/img/` with
 * `VEIL_SCREENSHOTS=1` (how the README's images are made).
 *
 * Without Chromium this file skips (reason printed); under CI (`CI=true`) that is a failure.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.node.ts';
import { createSqliteAuditStore } from '../src/audit/sqlite.node.ts';
import type { AuditRecord, Decision } from '../src/audit/types.ts';
import { findChromium, launchBrowser, type BrowserSession } from './support/browser.ts';
import { eventually, REPO_POLICIES, startTestGateway, type TestGateway } from './support/gateway.ts';
import { startMockUpstream, type MockUpstream } from './support/mock-upstream/index.ts';

const ADMIN_TOKEN = 'adm_test_console_7f3a9c2e51b8d406';
const EMAIL = 'jane.doe@example.com';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7xq2n3t0Yj9pQ1Xw8bZ3mK4sL5vN6cR7dT8eU9fV0gW1hX2i\nY3jZ4kA5lB6mC7nD8oE9pF0qG1rH2sI3tJ4uK5vL6wM7xN8yO9zP0aQ1bR2cS3dT\n-----END RSA PRIVATE KEY-----';

const chromium = findChromium();
if (chromium.skipReason) console.warn(chromium.skipReason);

const SHOTS = process.env.VEIL_SCREENSHOTS ? resolve(import.meta.dirname, '..', 'docs', 'img') : mkdtempSync(join(tmpdir(), 'veil-shots-'));

/**
 * A day of plausible past traffic on its own audit chain, so the dashboard's charts have a shape.
 * Deterministic (seeded), no values, just types and counts like real records.
 */
function seedHistory(dbPath: string, secret: string): number {
  const db = openDatabase(dbPath);
  const store = createSqliteAuditStore(db, { chainId: 'history', secret, checkpointEvery: 0 });
  let x = 42;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const teams = ['research', 'support', 'finance', 'legal'];
  const now = Date.now();
  const records: AuditRecord[] = [];
  for (let hour = 23; hour >= 1; hour--) {
    const volume = 6 + Math.round(10 * Math.sin(((24 - hour) / 24) * Math.PI) + rnd() * 6);
    for (let i = 0; i < volume; i++) {
      const r = rnd();
      const decision: Decision = r < 0.55 ? 'allow' : r < 0.86 ? 'redact' : r < 0.95 ? 'local' : 'block';
      const findings: Record<string, number> =
        decision === 'allow' ? {} : decision === 'redact' ? (rnd() < 0.6 ? { EMAIL: 1 + Math.floor(rnd() * 2) } : { PHONE: 1, PERSON: 1 }) : decision === 'local' ? { KR_RRN: 1 } : { SECRET: 1 };
      const record: AuditRecord = {
        ts: new Date(now - hour * 3_600_000 + Math.floor(rnd() * 3_600_000)).toISOString(),
        requestId: '',
        keyId: null,
        team: teams[Math.floor(rnd() * teams.length)]!,
        endpoint: 'POST /v1/chat/completions',
        model: decision === 'local' ? 'local/private' : 'gpt-4o-mini',
        decision,
        route: decision === 'local' ? 'local' : decision === 'block' ? 'none' : 'remote',
        provider: decision === 'local' ? 'local' : decision === 'block' ? null : 'openai',
        policyId: 'default',
        policyHash: null,
        findings,
        status: decision === 'block' ? 403 : 200,
        errorCode: decision === 'block' ? 'policy_blocked' : null,
        stream: rnd() < 0.4,
        tokensIn: 40 + Math.floor(rnd() * 400),
        tokensOut: decision === 'block' ? null : 20 + Math.floor(rnd() * 300),
        inspectMs: 0.3 + rnd(),
        upstreamMs: decision === 'block' ? null : 200 + rnd() * 900,
        totalMs: 220 + rnd() * 900,
      };
      records.push(record);
    }
  }
  records.sort((a, b) => a.ts.localeCompare(b.ts));
  records.forEach((r, i) => store.appendSync({ ...r, requestId: `req_hist${String(i).padStart(5, '0')}` }));
  store.flush();
  db.close();
  return records.length;
}

// Skip reason: Debian chromium is not installed on this machine; under CI=true a missing
// chromium fails the run instead (test/support/browser.ts), and .ci/run installs it.
describe.skipIf(!chromium.path)('admin console in Chromium', () => {
  let mock: MockUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  let b: BrowserSession;
  let policiesDir: string;
  let redactId: string;
  let blockId: string;
  let seeded = 0;
  const savedEnv = process.env.VEIL_ADMIN_TOKEN;

  const url = (path: string) => `${gw.url}/admin${path}`;
  const adminApi = async (path: string) => (await fetch(`${gw.url}/admin/api${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json() as Promise<Record<string, unknown>>;
  const shot = async (name: string) => {
    // Transient toasts would cover the page in the README's pictures.
    await b.page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
    await b.page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    policiesDir = mkdtempSync(join(tmpdir(), 'veil-console-policies-'));
    cpSync(REPO_POLICIES, policiesDir, { recursive: true });
    // The Node entry reads the bootstrap admin token from the environment.
    process.env.VEIL_ADMIN_TOKEN = ADMIN_TOKEN;
    mock = await startMockUpstream();
    gw = await startTestGateway({ mock, policies: policiesDir, env: { VEIL_ADMIN_TOKEN: ADMIN_TOKEN } });
    seeded = seedHistory(gw.dbPath, 'test-secret-for-placeholders');
    client = new OpenAI({ apiKey: gw.key, baseURL: gw.baseURL, maxRetries: 0 });
    b = await launchBrowser(chromium.path!);
  });

  afterAll(async () => {
    await b?.close();
    await gw?.close();
    await mock?.close();
    if (policiesDir) rmSync(policiesDir, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env.VEIL_ADMIN_TOKEN;
    else process.env.VEIL_ADMIN_TOKEN = savedEnv;
    if (!process.env.VEIL_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  it('sends a visitor without a token to the login page, refuses a wrong token and signs in with the right one', async () => {
    const { page } = b;
    await page.goto(url('/policies'));
    await page.waitForURL(/\/admin\/login\?next=%2Fadmin%2Fpolicies$/);
    await expectFocused(page, 'token');
    await page.keyboard.type('adm_wrong_token_000000000');
    await page.keyboard.press('Enter');
    await expectText(page, '#login-error', 'not accepted');
    await page.fill('#token', ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/policies'));
    await expectText(page, '#whoami', 'bootstrap · admin');
    expect(await page.evaluate(() => sessionStorage.getItem('veil.adminToken'))).toBe(ADMIN_TOKEN);
    // The refused login logged the browser's own "401" line; nothing else may have gone wrong.
    expect(b.problems.filter((p) => !p.includes('401'))).toEqual([]);
    b.problems.length = 0;
  });

  let savedSource = '';

  it('flags a policy error on its line as the user types, then saves the fix as a new version', async () => {
    const { page } = b;
    await page.waitForFunction(() => (document.querySelector('#source') as HTMLTextAreaElement).value.includes('id: default'));
    await expectText(page, '#validation-status', 'Valid');
    const original = await page.inputValue('#source');
    const broken = original.replace('  EMAIL: { action: redact }', '  EMIAL: { action: redact }');
    expect(broken).not.toBe(original);
    const line = broken.split('\n').findIndex((l) => l.includes('EMIAL')) + 1;

    await page.fill('#source', broken);
    await expectText(page, '#errors', `Line ${line}`);
    await expectText(page, '#errors', 'EMIAL');
    await expectText(page, '#validation-status', 'error');
    expect(await page.textContent('#gutter .err')).toBe(String(line));
    expect(await page.isDisabled('#save')).toBe(true);
    // The error is a button: it takes the caret to the offending line.
    await page.click('#errors button');
    await expectFocused(page, 'source');
    const caretLine = await page.evaluate(() => {
      const t = document.querySelector('#source') as HTMLTextAreaElement;
      return t.value.slice(0, t.selectionStart).split('\n').length;
    });
    expect(caretLine).toBe(line);
    await shot('policy-error');

    savedSource = original.replace('  IP_ADDRESS: { action: redact }', '  IP_ADDRESS: { action: block }');
    expect(savedSource).not.toBe(original);
    await page.fill('#source', savedSource);
    await expectText(page, '#validation-status', 'Valid');
    expect(await page.isVisible('#errors')).toBe(false);
    await expectText(page, '#diff', '+  IP_ADDRESS: { action: block }');
    await expectText(page, '#diff', '-  IP_ADDRESS: { action: redact }');
    await page.fill('#save-message', 'Block requests that carry IP addresses');
    await page.click('#save');
    await expectText(page, '#policy-meta', 'Version 2 in force');
    await expectText(page, '#versions-body', 'Block requests that carry IP addresses');
    await expectText(page, '#diff', 'No changes');

    const inForce = await adminApi('/policies/default');
    expect(inForce.version).toBe(2);
    expect(inForce.source).toBe(savedSource);
    expect(inForce.author).toBe('bootstrap');
  });

  it('runs the test bench on the unsaved editor text and highlights the findings in the sample', async () => {
    const { page } = b;
    await page.fill('#bench-text', `Please write to ${EMAIL} about the renewal.`);
    await page.click('#bench-run');
    await expectText(page, '#bench-decision', 'redact');
    const mark = page.locator('#bench-sample mark.finding');
    await mark.first().waitFor();
    expect(await mark.count()).toBe(1);
    expect(await mark.first().textContent()).toBe(`${EMAIL}EMAIL`);
    const transformed = (await page.textContent('#bench-transformed'))!;
    expect(transformed).toMatch(/^Please write to <EMAIL_[A-Z0-9]+> about the renewal\.$/);

    // Unsaved edit: the bench follows the editor, not the version in force.
    await page.fill('#source', savedSource.replace('  EMAIL: { action: redact }', '  EMAIL: { action: block }'));
    await expectText(page, '#validation-status', 'Valid');
    await page.focus('#bench-text');
    await page.keyboard.press('Control+Enter');
    await expectText(page, '#bench-decision', 'block');
    // Put the editor back to the version in force and show the redact result for the screenshot.
    await page.fill('#source', savedSource);
    await expectText(page, '#diff', 'No changes');
    await page.fill('#bench-text', `Please send the signed contract to ${EMAIL} and call me on +1 415 555 0134 tomorrow.`);
    await page.click('#bench-run');
    await expectText(page, '#bench-decision', 'redact');
    await page.locator('#bench-sample mark').first().waitFor();
    await expectText(page, '#validation-status', 'Valid');
    // Filling leaves the caret at the end, so the text is scrolled: the gutter must follow it.
    const scroll = await page.evaluate(() => [document.querySelector('#source')!.scrollTop, document.querySelector('#gutter')!.scrollTop]);
    expect(scroll[0]).toBeGreaterThan(0);
    expect(scroll[1]).toBe(scroll[0]);
    await page.evaluate(() => {
      const t = document.querySelector('#source') as HTMLTextAreaElement;
      t.setSelectionRange(0, 0);
      t.scrollTop = 0;
      t.dispatchEvent(new Event('scroll'));
    });
    // The gutter follows the textarea's scroll, so line numbers stay beside their lines.
    expect(await page.evaluate(() => document.querySelector('#gutter')!.scrollTop)).toBe(0);
    await shot('policy-editor');
  });

  it('finds a request sent through the gateway in the audit table, opens it and filters', async () => {
    const { page } = b;
    for (const content of ['Summarise our Q3 plan.', 'Translate this to French: good morning.']) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    }
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Write to ${EMAIL} today.` }] }).withResponse();
    redactId = r.response.headers.get('x-veil-request-id')!;
    const blocked = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Use this key:\n${PEM}` }] }).catch((e: unknown) => e as APIError);
    expect(blocked).toBeInstanceOf(APIError);
    blockId = (blocked as APIError).headers?.get('x-veil-request-id') ?? '';
    expect(blockId).not.toBe('');
    await eventually(() => gw.auditRows().find((row) => row.request_id === blockId));

    await page.goto(url('/audit'));
    const row = page.locator(`#audit-body tr[data-request-id="${redactId}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(4).textContent()).toBe('redact');
    expect(await row.locator('td').nth(7).textContent()).toBe('EMAIL ×1');
    expect(await row.locator('td').nth(8).textContent()).toBe('default v2');
    await expectText(page, '#chain-badge', 'Chain verified');

    // Detail in a modal dialog; Escape closes it and focus returns to the row's button.
    await row.locator('button').click();
    await expectText(page, '#record-dialog', redactId);
    await expectText(page, '#record-dialog', 'EMAIL × 1');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !(document.querySelector('#record-dialog') as HTMLDialogElement).open);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(redactId);

    await page.selectOption('#f-decision', 'block');
    await page.selectOption('#f-range', '1h');
    await page.click('#audit-filters button[type=submit]');
    await page.waitForURL(/decision=block/);
    await page.locator(`#audit-body tr[data-request-id="${blockId}"]`).waitFor();
    const decisions = await page.locator('#audit-body tr td:nth-child(5)').allTextContents();
    expect(decisions.length).toBeGreaterThan(0);
    expect(new Set(decisions)).toEqual(new Set(['block']));
    expect(await page.locator(`#audit-body tr[data-request-id="${redactId}"]`).count()).toBe(0);
  });

  it('exports the filtered audit log as CSV through the streamed export', async () => {
    const { page } = b;
    await page.click('#audit-filters button[type=reset]');
    await page.waitForURL(url('/audit'));
    await page.locator(`#audit-body tr[data-request-id="${redactId}"]`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(download.suggestedFilename()).toMatch(/^veil-audit-[\d-]+\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/request_?id/i);
    expect(lines.filter((l) => l.includes(redactId))).toHaveLength(1);
    expect(lines.some((l) => l.includes(blockId))).toBe(true);
    expect(csv).not.toContain(EMAIL);
    await page.locator(`#audit-body tr[data-request-id="${redactId}"]`).waitFor();
    await shot('audit-log');
  });

  it('draws the dashboard from the audit statistics', async () => {
    const { page } = b;
    await page.goto(url(''));
    await page.locator('#chart-decision svg rect').first().waitFor();
    const stats = await adminApi(`/audit/stats?from=${encodeURIComponent(new Date(Date.now() - 25 * 3_600_000).toISOString())}`);
    expect(stats.total).toBeGreaterThanOrEqual(seeded + 4);
    const shown = Number((await page.textContent('#stat-total .value'))!.replace(/,/g, ''));
    expect(shown).toBe(stats.total);
    expect(await page.getAttribute('#chart-decision svg', 'aria-label')).toMatch(/^Requests by decision: \d+ allow, \d+ redact, \d+ local, \d+ block/);
    expect(await page.locator('#chart-route svg rect').count()).toBeGreaterThan(10);
    await expectText(page, '#top-findings', 'EMAIL');
    await expectText(page, '#blocked-body', blockId);
    await shot('dashboard');
  });

  it('creates a key (secret shown once) with a rate limit and allowed models, and revokes it', async () => {
    const { page } = b;
    await page.goto(url('/keys'));
    await page.locator('#keys-body tr[data-key-id]').first().waitFor();
    await page.fill('#new-team', 'qa-team');
    await page.selectOption('#new-policy', 'default');
    await page.fill('#new-rpm', '30');
    await page.fill('#new-models', 'gpt-4o-mini');
    await page.click('#create-key button[type=submit]');
    await expectText(page, '#new-secret-value', 'veil_');
    const secret = (await page.textContent('#new-secret-value'))!;
    const row = page.locator('#keys-body tr', { hasText: 'qa-team' });
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe('30/min');
    expect(await row.locator('td').nth(4).textContent()).toBe('gpt-4o-mini');

    const qa = new OpenAI({ apiKey: secret, baseURL: gw.baseURL, maxRetries: 0 });
    const ok = await qa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.choices[0]!.message.content).toBe('echo: hi');
    const notAllowed = await qa.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e as APIError);
    expect((notAllowed as APIError).status).toBe(403);

    await page.click('#dismiss-secret');
    expect(await page.isVisible('#new-secret')).toBe(false);
    await shot('keys');

    await row.getByRole('button', { name: /^Revoke key/ }).click();
    await expectText(page, '#revoke-text', 'qa-team');
    await page.click('#revoke-confirm');
    await expectText(page, '#keys-count', '1 revoked');
    await page.check('#show-revoked');
    expect(await page.locator('#keys-body tr', { hasText: 'qa-team' }).locator('td').nth(6).textContent()).toBe('revoked');
    const refused = await qa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e as APIError);
    expect((refused as APIError).status).toBe(401);
  });

  it('signs out, and shows an auditor every page with the writes disabled', async () => {
    const { page } = b;
    const res = await fetch(`${gw.url}/admin/api/admin-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'alice', role: 'auditor' }),
    });
    expect(res.status).toBe(201);
    const { secret } = (await res.json()) as { secret: string };

    await page.click('#signout');
    await page.waitForURL(/\/admin\/login$/);
    expect(await page.evaluate(() => sessionStorage.getItem('veil.adminToken'))).toBeNull();
    await page.fill('#token', secret);
    await page.click('#login-submit');
    await page.waitForURL(url(''));
    await expectText(page, '#whoami', 'alice · auditor');

    await page.goto(url('/policies'));
    await expectText(page, '#validation-status', 'Valid');
    await page.fill('#source', savedSource.replace('  EMAIL: { action: redact }', '  EMAIL: { action: local }'));
    await expectText(page, '#diff', '+  EMAIL: { action: local }');
    expect(await page.isDisabled('#save')).toBe(true);
    expect(await page.getAttribute('#save', 'title')).toBe('Needs the admin role');
    // Reading and the test bench still work for an auditor.
    await page.click('#bench-run');
    await expectText(page, '#bench-decision', 'local');
    await page.locator('#versions-body tr', { hasText: 'v1' }).getByRole('button', { name: 'Roll back' }).waitFor();
    expect(await page.locator('#versions-body button', { hasText: 'Roll back' }).first().isDisabled()).toBe(true);

    await page.goto(url('/keys'));
    await page.locator('#keys-body tr[data-key-id]').first().waitFor();
    expect(await page.isDisabled('#create-key button[type=submit]')).toBe(true);
    expect(await page.locator('#keys-body button', { hasText: 'Revoke' }).first().isDisabled()).toBe(true);
  });

  it('logged no script errors and no CSP violations along the way', () => {
    expect(b.problems).toEqual([]);
  });
});

async function expectText(page: import('playwright-core').Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(([s, t]) => (document.querySelector(s!)?.textContent ?? '').includes(t!), [selector, text] as const, { timeout: 10_000 });
  } catch {
    const actual = await page.evaluate((s) => document.querySelector(s)?.textContent ?? '(no such element)', selector);
    throw new Error(`Expected ${selector} to contain ${JSON.stringify(text)}; it reads ${JSON.stringify(actual.slice(0, 400))}`);
  }
}

async function expectFocused(page: import('playwright-core').Page, id: string): Promise<void> {
  await page.waitForFunction((i) => document.activeElement?.id === i, id, { timeout: 2_000 });
}
