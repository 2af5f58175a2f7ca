// Notifications in the browser: a resident reads the case number in her inbox and the badge
// counts down as she reads; staff read their centre's notifications and, on the case page,
// how each one was delivered, a failed send included. Desktop and phone, Chinese and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { tokenFor } from '../api/helpers';
import { eventually } from '../helpers/temporal';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../helpers/receivers';
import { apiAct, apiCase, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

const PHONE = { width: 390, height: 844 };
const DOWN_SECRET = 'down-receiver-secret-0123456789';

let web: WebEnv;
let smtp: SmtpReceiver;
let down: WebhookReceiver;
let caseId = '';
let caseNumber = '';

beforeAll(async () => {
  [smtp, down] = await Promise.all([startSmtpReceiver(), startWebhookReceiver(DOWN_SECRET, 503)]);
  web = await startWebEnv('e2e-notify', {
    worker: {
      // Its own database: the seeded resident's unread count must move only with what this file does.
      database: 'onedoor_test_notify',
      delivery: {
        ...loadConfig(),
        smsUrl: undefined,
        production: false,
        smtpUrl: smtp.url,
        mailFrom: 'onedoor <no-reply@example.test>',
        publicUrl: undefined,
        // A connected system that is down for the staff's "new case" message: its dead letter shows on the case.
        webhooks: [{ name: 'petitions-bureau', url: down.url, secret: DOWN_SECRET, kinds: ['new_case'] }],
        deliveryRetry: { maximumAttempts: 2, initialIntervalSeconds: 0.2, maxIntervalSeconds: 0.2 },
      },
    },
  });
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
    body: JSON.stringify({
      category: 'neighbour_dispute',
      title: '楼上深夜噪音',
      description: '楼上住户每晚十二点后仍大声放音乐，多次沟通无果。',
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' },
      complainant: { name: '王秀兰', phone: '13800001234' },
    }),
  });
  expect(res.status).toBe(201);
  ({ id: caseId, caseNumber } = (await res.json()) as { id: string; caseNumber: string });
  await eventually(async () => (await apiCase(web, caseId, 'p-dongmen-admin')).stage === 'intake', 15_000);
  await apiAct(web, caseId, 'p-dongmen-admin', { type: 'accept' });
  // Every notification of the case has finished its delivery (the one to the system that is down as a dead letter).
  await eventually(async () => {
    const docs = await web.env.db.models.Notification.find({ caseId }).lean();
    return docs.length >= 3 && docs.every((d) => d.finishedAt);
  }, 60_000);
}, 180_000);

afterAll(async () => {
  await web?.stop();
  await Promise.all([smtp?.close(), down?.close()]);
});

/** Nothing on the page is wider than the screen, and no key shows untranslated. */
async function looksRight(page: Page): Promise<void> {
  const wide = await page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('.table-wrap, .progress, .timeline-chart, nav'))
    .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`);
  expect(wide, 'wider than the screen').toEqual([]);
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(/\b(notify|delivery)\.[a-zA-Z_.]+/);
}

async function unreadOnBadge(page: Page): Promise<number> {
  const badge = page.getByTestId('inbox-badge');
  await badge.waitFor();
  return Number(await badge.getAttribute('data-unread'));
}

describe('notifications', () => {
  it('the resident reads her case number in the inbox; opening it marks it read and the badge counts down', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-resident');
    await eventually(async () => (await unreadOnBadge(page)) >= 2);
    const before = await unreadOnBadge(page);
    // The badge writes a count past 99 as 99+ (the seeded resident collects the messages of every test's cases).
    expect(await page.getByTestId('inbox-unread').innerText()).toBe(before > 99 ? '99+' : String(before));
    await page.getByTestId('inbox-badge').click();
    await page.waitForURL('**/notifications');
    const received = page.locator(`[data-testid="notification"][data-kind="case_received"]`, { hasText: caseNumber });
    await received.waitFor();
    expect(await received.getAttribute('data-read')).toBe('false');
    expect(await received.innerText()).toContain(`您的诉求已登记，编号 ${caseNumber}`);
    await expect.poll(() => page.locator('[data-testid="notification"]', { hasText: caseNumber }).count()).toBe(2);
    expect(await page.locator('[data-testid="notification"][data-kind="case_accepted"]', { hasText: caseNumber }).innerText()).toContain(`诉求 ${caseNumber} 已受理`);
    await looksRight(page);
    await screenshot(page, 'notify-resident-inbox-desktop-zh');

    await received.locator('a').click();
    await page.waitForURL(`**/cases/${caseId}`);
    // A resident is not shown how messages were delivered.
    await page.getByTestId('case-stage').waitFor();
    expect(await page.getByTestId('case-deliveries').count()).toBe(0);
    await expect.poll(() => unreadOnBadge(page)).toBe(before - 1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone, in English, the badge stays in sight and the inbox fits the screen', async () => {
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-dongmen-resident');
    await page.goto('/notifications');
    // The language switch sits in the phone's menu.
    await page.locator('.menu-toggle').click();
    await page.getByTestId('lang-toggle').click();
    await page.locator('[data-testid="notification"]', { hasText: caseNumber }).first().waitFor();
    expect(await page.locator('[data-testid="notification"][data-kind="case_accepted"]', { hasText: caseNumber }).innerText()).toContain(`Case ${caseNumber} has been accepted`);
    expect(await page.getByTestId('inbox-badge').isVisible()).toBe(true);
    await looksRight(page);
    await screenshot(page, 'notify-resident-inbox-phone-en');
    await page.getByTestId('mark-all-read').click();
    await expect.poll(() => page.getByTestId('notifications-unread').innerText()).toBe('All read');
    await expect.poll(() => unreadOnBadge(page)).toBe(0);
    expect(await page.getByTestId('inbox-unread').count()).toBe(0);
    await screenshot(page, 'notify-resident-inbox-read-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the village's administrator reads the new case in the inbox and, on the case page, each delivery: texts delivered, the connected system failed after two attempts", async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-admin');
    await page.goto('/notifications');
    const newCase = page.locator('[data-testid="notification"][data-kind="new_case"]', { hasText: caseNumber });
    await newCase.waitFor();
    expect(await newCase.innerText()).toContain(`新诉求 ${caseNumber} 待受理`);
    await screenshot(page, 'notify-staff-inbox-desktop-zh');
    await newCase.locator('a').click();
    await page.waitForURL(`**/cases/${caseId}`);
    const card = page.getByTestId('case-deliveries');
    await card.waitFor();
    const staffMessage = card.locator('[data-testid="case-delivery"][data-kind="new_case"]');
    expect(await staffMessage.getAttribute('data-status')).toBe('dead');
    const webhook = staffMessage.locator('[data-testid="delivery-send"][data-channel="webhook"]');
    expect(await webhook.getAttribute('data-status')).toBe('dead');
    expect(await webhook.innerText()).toMatch(/送达失败\s*对接系统 · petitions-bureau · 尝试 2 次/);
    expect(await webhook.innerText()).toContain('503');
    // The seeded staff have phone numbers: each of them was texted.
    const texts = staffMessage.locator('[data-testid="delivery-send"][data-channel="sms"][data-status="delivered"]');
    expect(await texts.count()).toBeGreaterThan(0);
    expect(await card.locator('[data-testid="case-delivery"][data-kind="case_received"]').getAttribute('data-status')).toBe('delivered');
    expect(await staffMessage.innerText()).toContain('全体工作人员');
    await card.scrollIntoViewIfNeeded();
    await looksRight(page);
    await screenshot(page, 'notify-staff-case-deliveries-desktop-zh');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the delivery card reads on a phone, in English', async () => {
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-dongmen-admin');
    await page.goto(`/cases/${caseId}`);
    await page.locator('.menu-toggle').click();
    await page.getByTestId('lang-toggle').click();
    const card = page.getByTestId('case-deliveries');
    await card.waitFor();
    await expect.poll(() => card.locator('h2').innerText()).toBe('Notifications sent');
    expect(await card.locator('[data-testid="case-delivery"][data-kind="new_case"] [data-channel="webhook"]').innerText()).toMatch(/Failed\s*Connected system · petitions-bureau · 2 attempts/);
    await looksRight(page);
    await screenshot(page, 'notify-staff-case-deliveries-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the resident chooses e-mail in English on her phone: without an address she is told what to fill in; the next case is e-mailed to her in English', async () => {
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-dongmen-resident');
    await page.goto('/notifications');
    const form = page.getByTestId('notify-settings');
    await form.waitFor();
    expect(await form.innerText()).toContain('短信（138****');
    await page.getByTestId('channel-email').check();
    await page.getByTestId('notify-settings-save').click();
    await page.getByTestId('error-email').waitFor();
    expect(await page.getByTestId('error-email').innerText()).toBe('选择邮件通知时，请填写电子邮箱');
    await form.scrollIntoViewIfNeeded();
    await looksRight(page);
    await screenshot(page, 'notify-settings-error-phone-zh');
    await page.getByTestId('notify-email').fill('wang.xiulan@example.test');
    await page.getByTestId('notify-language').selectOption('en');
    await page.getByTestId('notify-settings-save').click();
    await page.getByTestId('notify-settings-saved').waitFor();
    expect(await page.getByTestId('error-email').count()).toBe(0);
    await screenshot(page, 'notify-settings-saved-phone-zh');
    expect(errors).toEqual([]);
    await context.close();

    const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
      body: JSON.stringify({ category: 'neighbour_dispute', title: '楼道堆放杂物', description: '邻居长期在楼道堆放杂物，影响通行。', channel: 'app', location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' }, complainant: { name: '王秀兰', phone: '13800001234' } }),
    });
    const second = (await res.json()) as { caseNumber: string };
    const mail = await eventually(async () => smtp.messages.find((m) => m.to.includes('wang.xiulan@example.test')), 30_000);
    expect(mail.subject).toBe(`[onedoor] Your case ${second.caseNumber} has been registered`);
  });
});
