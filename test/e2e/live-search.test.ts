// Live queues and search in Chromium, at desktop and phone size, in Chinese and English:
// a case a grid worker files appears in the village administrator's open queue without a
// reload, with the navigation's count; search by name, phone and number; "my cases"; the
// deadline order; saving, picking and deleting a filter.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tokenFor } from '../api/helpers';
import { apiAct, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const PHONE = { width: 390, height: 844 };
const MARK = randomBytes(2).toString('hex');

beforeAll(async () => {
  // Heartbeats each second, so a stream whose sign-in ended closes within the test's patience.
  web = await startWebEnv('e2e-live-search', { settings: () => ({ liveHeartbeatMs: 1000 }) });
});
afterAll(async () => {
  await web?.stop();
});

/** Files a case as the grid worker, through the API: someone else, in another browser. */
async function fileAsGridWorker(title: string, name: string, phone: string): Promise<{ id: string; caseNumber: string }> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-grid')}` },
    body: JSON.stringify({ category: 'neighbour_dispute', title, description: '两户人家因楼道堆放杂物发生争执，需社区调解。', channel: 'grid', location: { centreId: VILLAGE, address: '东门社区 8 号楼' }, complainant: { name, phone } }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; caseNumber: string };
}

async function waitingCount(page: Page): Promise<number> {
  const badge = page.getByTestId('nav-queue').getByTestId('waiting-badge');
  return (await badge.count()) === 0 ? 0 : Number(await badge.innerText());
}

async function openQueue(page: Page): Promise<void> {
  await page.goto('/queue');
  await page.getByTestId('queue-total').waitFor();
  await page.locator('[data-testid="live-status"][data-state="live"]').waitFor();
}

async function noWiderThanScreen(page: Page): Promise<void> {
  expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
}

it('desktop, Chinese: a case filed by another user appears in the open queue by itself, and the count goes up', async () => {
  const { page, errors, context } = await newPage(web);
  await signInAs(page, 'p-dongmen-admin');
  await openQueue(page);
  expect(await page.getByTestId('live-status').innerText()).toContain('实时更新中');
  const before = await waitingCount(page);
  const filed = await fileAsGridWorker(`楼道杂物纠纷 ${MARK}`, '欧阳明月', '13711112222');
  const row = page.locator(`[data-testid="queue"] tr[data-case-id="${filed.id}"]`);
  await row.waitFor();
  expect(await row.innerText()).toContain(filed.caseNumber);
  expect(await row.getByTestId('origin').innerText()).toBe('东门社区');
  await page.getByTestId('nav-queue').getByTestId('waiting-badge').waitFor();
  // Other test files may file in the same village too: at least this one more.
  await expect.poll(() => waitingCount(page)).toBeGreaterThan(before);
  await screenshot(page, '60-live-queue-zh-desktop');

  // Search by name, by the whole phone number written another way, by case number.
  await page.locator('input[name=q]').fill('欧阳明月');
  await page.getByTestId('search-submit').click();
  await expect.poll(() => page.locator('[data-testid="queue"] tbody tr').count()).toBe(1);
  expect(await page.locator('[data-testid="queue"] tbody tr').getAttribute('data-case-id')).toBe(filed.id);
  expect(page.url()).toContain('q=');
  await screenshot(page, '61-search-name-zh-desktop');
  await page.locator('input[name=q]').fill('+86 137-1111-2222');
  await page.getByTestId('search-submit').click();
  await expect.poll(async () => (await page.locator('[data-testid="queue"] tbody tr').count()) === 1 && (await page.getByTestId('queue-total').innerText())).toBe('共 1 件');
  await page.locator('input[name=q]').fill(filed.caseNumber);
  await page.getByTestId('search-submit').click();
  await expect.poll(() => page.locator('[data-testid="queue"] tbody tr').first().getAttribute('data-case-id')).toBe(filed.id);
  expect(errors).toEqual([]);
  await context.close();
});

it('desktop, Chinese: "my cases" after accepting; the deadline order; a saved filter picked and deleted', async () => {
  const { page, errors, context } = await newPage(web);
  const filed = await fileAsGridWorker(`噪音扰民 ${MARK}`, '司马光', '13733334444');
  await apiAct(web, filed.id, 'p-dongmen-admin', { type: 'accept' });
  await signInAs(page, 'p-dongmen-admin');
  await openQueue(page);
  await page.locator('input[name=assignedTo]').check();
  await page.locator(`[data-testid="queue"] tr[data-case-id="${filed.id}"]`).waitFor();
  await page.locator('select[name=sort]').selectOption('deadline');
  await expect.poll(() => page.url()).toContain('sort=deadline');
  expect(page.url()).toContain('assignedTo=me');

  // Save these filters, change them, pick the saved one back.
  const name = `我经办的 ${MARK}`;
  await page.locator('input[name=filterName]').fill(name);
  await page.getByTestId('save-filter').click();
  await page.getByTestId('saved-note').waitFor();
  expect(await page.getByTestId('saved-note').innerText()).toContain(name);
  const chip = page.getByTestId('saved-filter').filter({ hasText: name });
  await chip.waitFor();
  expect(await chip.getAttribute('class')).toContain('active');
  await screenshot(page, '62-saved-filter-zh-desktop');
  await page.locator('input[name=assignedTo]').uncheck();
  await page.locator('select[name=sort]').selectOption('received');
  await expect.poll(() => chip.getAttribute('class')).not.toContain('active');
  await chip.locator('.chip-pick').click();
  await expect.poll(() => page.locator('input[name=assignedTo]').isChecked()).toBe(true);
  expect(await page.locator('select[name=sort]').inputValue()).toBe('deadline');
  // Saving the same name again is refused, in words.
  await page.locator('input[name=filterName]').fill(name);
  await page.getByTestId('save-filter').click();
  await page.getByTestId('api-error').waitFor();
  expect(await page.getByTestId('api-error').innerText()).toContain('同名');
  await chip.locator('.chip-delete').click();
  await expect.poll(() => page.getByTestId('saved-filter').filter({ hasText: name }).count()).toBe(0);
  expect(await page.getByTestId('saved-note').innerText()).toContain('已删除');
  // The same page in English.
  await page.getByTestId('lang-toggle').click();
  await expect.poll(() => page.getByTestId('live-status').innerText()).toBe('Live');
  expect(await page.locator('select[name=sort] option:checked').innerText()).toBe('Deadline (overdue first)');
  expect(await page.locator('label.check').filter({ has: page.locator('input[name=assignedTo]') }).innerText()).toBe('Only cases I work on');
  expect(await page.getByTestId('saved-note').innerText()).toBe(`Deleted “${name}”.`);
  await screenshot(page, '68-my-cases-deadline-en-desktop');
  expect(errors).toEqual([]);
  await context.close();
});

it('phone, English: the case arrives by itself, the list shows where and when it was reported, nothing is wider than the screen', async () => {
  const { page, errors, context } = await newPage(web, PHONE);
  await signInAs(page, 'p-dongmen-admin');
  await page.evaluate("localStorage.setItem('onedoor.lang', 'en')");
  await openQueue(page);
  expect(await page.getByTestId('live-status').innerText()).toBe('Live');
  const filed = await fileAsGridWorker(`Blocked stairwell ${MARK}`, 'Lin Hua', '13755556666');
  const row = page.locator(`[data-testid="queue"] tr[data-case-id="${filed.id}"]`);
  await row.waitFor();
  expect(await row.getByTestId('origin').innerText()).toBe('Dongmen Community');
  expect(await row.getByTestId('origin').getAttribute('data-label')).toBe('Reported at');
  expect(await row.locator('time.received').innerText()).toMatch(/^\d{2}\/\d{2}\/\d{4}/);
  await noWiderThanScreen(page);
  await screenshot(page, '63-live-queue-en-phone');
  // The count sits on the menu's queue link.
  await page.locator('.menu-toggle').click();
  await page.getByTestId('nav-queue').getByTestId('waiting-badge').waitFor();
  await screenshot(page, '64-menu-badge-en-phone');
  await page.locator('.menu-toggle').click();
  await page.locator('input[name=q]').fill('Lin Hua');
  await page.getByTestId('search-submit').click();
  await expect.poll(() => page.getByTestId('queue-total').innerText()).toBe('1 cases');
  await page.locator('input[name=filterName]').fill(`Lin ${MARK}`);
  await page.getByTestId('save-filter').click();
  await page.getByTestId('saved-filter').filter({ hasText: `Lin ${MARK}` }).waitFor();
  await noWiderThanScreen(page);
  await screenshot(page, '65-search-saved-en-phone');
  expect(errors).toEqual([]);
  await context.close();
});

it('phone, Chinese: when the stream ends, the queue says it is reconnecting, and catches up when it is back', async () => {
  const { page, errors, context } = await newPage(web, PHONE);
  await signInAs(page, 'p-dongmen-admin');
  await openQueue(page);
  // Signed out elsewhere: the server ends the stream at its next heartbeat, and refuses the browser's reconnects.
  await web.env.db.models.Session.collection.deleteMany({ personId: 'p-dongmen-admin' });
  await page.locator('[data-testid="live-status"][data-state="reconnecting"]').waitFor();
  expect(await page.getByTestId('live-status').innerText()).toContain('正在重连');
  await screenshot(page, '66-reconnecting-zh-phone');
  const filed = await fileAsGridWorker(`断线期间的案件 ${MARK}`, '诸葛亮', '13777778888');
  // Signed in again (in this browser, so its cookie is good again): the next attempt gets through and the list catches up.
  const again = await page.evaluate(async () => (await fetch('/api/v1/session/password', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'p-dongmen-admin', password: 'onedoor-demo' }) })).status);
  expect(again).toBe(200);
  await page.locator('[data-testid="live-status"][data-state="live"]').waitFor({ timeout: 60_000 });
  await page.locator(`[data-testid="queue"] tr[data-case-id="${filed.id}"]`).waitFor();
  await noWiderThanScreen(page);
  await screenshot(page, '67-caught-up-zh-phone');
  expect(errors).toEqual([]);
  await context.close();
});

it('a resident keeps seeing only their own cases: others’ are not found by name, and no live stream is opened', async () => {
  const { page, errors, context } = await newPage(web, PHONE);
  const streams: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/v1/live/')) streams.push(req.url());
  });
  await signInAs(page, 'p-dongmen-resident');
  await page.goto('/mine');
  await page.locator('input[name=q]').fill('欧阳明月');
  await page.getByTestId('search-submit').click();
  await page.getByText('暂无案件。').waitFor();
  expect(await page.getByTestId('waiting-badge').count()).toBe(0);
  expect(await page.getByTestId('live-status').count()).toBe(0);
  expect(streams).toEqual([]);
  await screenshot(page, '69-resident-search-zh-phone');
  expect(errors).toEqual([]);
  await context.close();
});
