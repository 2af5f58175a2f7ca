import fs from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureWebBuilt } from '../../web/build';
import { loadConfig, type Config } from '../../src/config';
import { createApp } from '../../src/api/app';
import { ensureIndexes } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { chromiumPath, testRunBlockerOnThisMachine } from '../../src/setup/machine';
import { startTestEnv, type TestEnv, type TestEnvOptions } from '../helpers/temporal';
import { TEST_SECRET, tokenFor } from '../api/helpers';

export const CHROMIUM = chromiumPath();
export const SCREENSHOTS = path.resolve(__dirname, '../../test-output/screenshots');

export interface WebEnv {
  env: TestEnv;
  baseUrl: string;
  browser: Browser;
  stop(): Promise<void>;
}

async function seedWithRetry(env: TestEnv): Promise<void> {
  // Test files running side by side seed the same database; a concurrent upsert can lose a race once.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureIndexes(env.db.models);
      await seedDatabase(env.db.models, { demoPasswords: true });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

/**
 * The built UI, the real API on a free port over a real worker, and headless Debian Chromium.
 * `settings(baseUrl)` replaces test defaults; the port is taken first, so settings can name the address.
 */
export async function startWebEnv(name: string, options: { timeScale?: number; settings?: (baseUrl: string) => Partial<Config>; worker?: Pick<TestEnvOptions, 'delivery' | 'database'> } = {}): Promise<WebEnv> {
  // The global setup checks this for the whole run; this covers a run it could not tell included browser tests.
  const blocker = testRunBlockerOnThisMachine(loadConfig().binDir, { servers: [], browser: true });
  if (blocker) throw new Error(blocker);
  await ensureWebBuilt();
  const env = await startTestEnv(name, options.worker ?? {});
  await seedWithRetry(env);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config: Config = { ...loadConfig(), taskQueue: env.taskQueue, jwtSecret: TEST_SECRET, timeScale: options.timeScale ?? 1, logLevel: 'silent', intakeRatePerMinute: 0, signInRatePerMinute: 0, signInFailuresPerAddress: 0, ...options.settings?.(baseUrl) };
  server.on('request', createApp({ config, db: env.db, temporal: env.temporal }));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    env,
    baseUrl,
    browser,
    stop: async () => {
      await browser.close().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await env.stop();
    },
  };
}

/** A page that fails the test on any uncaught error in the browser. */
export async function newPage(web: WebEnv, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await web.browser.newContext({ viewport, locale: 'zh-CN', baseURL: web.baseUrl });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // The Content-Security-Policy must let the UI do all it does: a refusal fails the test.
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  page.setDefaultTimeout(15_000);
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the development page, as a person of the seed. */
export async function signInAs(page: Page, personId: string): Promise<void> {
  await page.goto('/dev');
  await page.getByTestId(`signin-${personId}`).click();
  await page.waitForURL((url) => url.pathname !== '/dev');
}

/** Forgets the session cookie (the server's session is left to expire). */
export async function signOut(page: Page): Promise<void> {
  await page.context().clearCookies();
}

/** GET a case through the API as a person: what the buttons must match. */
export async function apiCase(web: WebEnv, caseId: string, personId: string): Promise<{ stage: string; allowedActions: string[]; [key: string]: unknown }> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases/${caseId}`, { headers: { Authorization: `Bearer ${tokenFor(personId)}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { stage: string; allowedActions: string[] };
}

export async function apiAct(web: WebEnv, caseId: string, personId: string, action: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases/${caseId}/actions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokenFor(personId)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(action),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${String(action.type)} by ${personId}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The case page's action buttons, in order. */
export async function actionButtons(page: Page): Promise<string[]> {
  await page.getByTestId('actions').waitFor();
  const ids = await page.locator('[data-testid^="action-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''));
  return ids.filter((id) => id !== 'action-done').map((id) => id.replace(/^action-/, ''));
}

/** Opens the case page as the signed-in person and checks its buttons are exactly the API's allowedActions. */
export async function openCase(web: WebEnv, page: Page, caseId: string, personId: string): Promise<string[]> {
  await page.goto(`/cases/${caseId}`);
  await page.getByTestId('case-page').waitFor();
  const expected = (await apiCase(web, caseId, personId)).allowedActions;
  if (expected.length === 0) await page.getByTestId('no-actions').waitFor();
  const buttons = await actionButtons(page);
  expect(buttons).toEqual(expected);
  return buttons;
}

/** Clicks an action, fills its form with `fill`, submits, and waits for the page to show it done. */
export async function doAction(page: Page, type: string, fill: (form: ReturnType<Page['getByTestId']>) => Promise<void> = async () => {}): Promise<void> {
  await page.getByTestId(`action-${type}`).click();
  const form = page.getByTestId(`form-${type}`);
  await form.waitFor();
  await fill(form);
  await page.getByTestId(`submit-${type}`).click();
  await page.getByTestId('action-done').waitFor();
}
