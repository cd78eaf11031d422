/**
 * @module test/support/browser
 * Real Chromium for the console's browser tests: the Debian `chromium` package driven by
 * `playwright-core` (no bundled browser download), headless, in a fresh profile directory that
 * is deleted afterwards. Absent Chromium is a skip with the reason on a developer machine and a
 * failure under CI (`CI=true`), where `.ci/run` installs it.
 *
 * @example
 * const chromium = findChromium();
 * describe.skipIf(!chromium.path)('console', () => { ... launchBrowser(chromium.path!) ... });
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, reproducible headless run in a container (no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** The Chromium binary, or why the browser tests skip. Throws under CI: there it must exist. */
export function findChromium(): { path: string | null; skipReason?: string } {
  if (existsSync(CHROMIUM_PATH)) return { path: CHROMIUM_PATH };
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CI must run the browser tests (.ci/run installs the chromium package).`);
  return { path: null, skipReason: `Chromium not found at ${CHROMIUM_PATH}: browser tests skipped (apt-get install chromium, or set VEIL_CHROMIUM).` };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for a "nothing broke" assertion. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(executablePath: string, opts: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  // Playwright refuses --user-data-dir in args; a persistent context on a fresh temp dir is the same thing.
  const profile = mkdtempSync(join(tmpdir(), 'veil-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1366, height: 768 },
    acceptDownloads: true,
    timeout: 20_000,
  });
  // Generous: under a full parallel test run on two cores a page can take seconds to settle.
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
