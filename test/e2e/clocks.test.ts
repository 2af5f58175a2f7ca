// The case's clocks and the deadline policy in a real browser: the village pauses a case and
// sees the pause; the town supervises and the village replies; the city administrator saves a
// new policy version, a town administrator only reads it; bad input gets messages in the
// reader's language beside the fields. Screenshots at desktop and phone widths, zh and en.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tokenFor } from '../api/helpers';
import { apiAct, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
let versionBefore = 1;
const PHONE = { width: 390, height: 844 };

async function policyVersion(): Promise<{ version: number; settings: Record<string, unknown> }> {
  const res = await fetch(`${web.baseUrl}/api/v1/deadline-policy`, { headers: { Authorization: `Bearer ${tokenFor('p-zz-admin')}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { version: number; settings: Record<string, unknown> };
}

beforeAll(async () => {
  web = await startWebEnv('e2e-clocks');
  versionBefore = (await policyVersion()).version;
});
afterAll(async () => {
  // Other files in the run share the database: the versions saved here go, so they see the policy they expect.
  await web?.env.db.models.DeadlinePolicy.deleteMany({ _id: { $gt: versionBefore } });
  await web?.stop();
});

async function report(): Promise<string> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
    body: JSON.stringify({
      category: 'neighbour_dispute',
      title: '宅基地界址纠纷',
      description: '两户村民对宅基地界址有争议，需调取土地证。',
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 9 号' },
      complainant: { name: '王秀兰', phone: '13800001234' },
      parties: [{ name: '邻户', role: '对方' }],
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function inEnglish(page: Page): Promise<void> {
  await page.evaluate("localStorage.setItem('onedoor.lang', 'en')");
  await page.reload();
}

/** Nothing on the page is wider than the screen, and no key shows untranslated. */
async function looksRight(page: Page): Promise<void> {
  const wide = await page.evaluate(`[...document.querySelectorAll('main *')]
    .filter((el) => /* lists that scroll sideways by design */ el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('.table-wrap, .progress, .timeline-chart, .map'))
    .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`);
  expect(wide, 'wider than the screen').toEqual([]);
  const text = await page.locator('main').innerText();
  expect(text).not.toMatch(/\b(clocks|sup|policy|unit|unitName|detail|tl|err|pause|supervision)\.[a-zA-Z_]+/);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
}

describe('the case clocks', () => {
  let id = '';

  it('a village staff member pauses a case, with messages beside the fields first, and sees the pause', async () => {
    id = await report();
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-grid');
    await page.goto(`/cases/${id}`);
    await page.getByTestId('clocks').waitFor();
    expect(await page.getByTestId('policy-version').innerText()).toMatch(/时限政策 第 \d+ 版/);
    await page.getByTestId('action-accept').click();
    await page.getByTestId('submit-accept').click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.getByTestId('handling-limit').innerText()).toMatch(/个工作日/);

    await page.getByTestId('action-pause').click();
    const form = page.getByTestId('form-pause');
    // The default: three days on at 09:00.
    expect(await form.locator('input[name=until]').inputValue()).toMatch(/T09:00$/);
    await form.locator('input[name=until]').fill('');
    await page.getByTestId('submit-pause').click();
    expect(await page.getByTestId('error-reason').innerText()).toContain('请选择暂停原因');
    expect(await page.getByTestId('error-until').innerText()).toContain('请填写暂停截止时间，且须晚于现在');
    await screenshot(page, '40-pause-errors');

    await form.locator('select[name=reason]').selectOption('waiting_for_documents');
    await form.locator('input[name=until]').fill('2020-01-01T09:00');
    await page.getByTestId('submit-pause').click();
    expect(await page.getByTestId('error-until').innerText()).toContain('晚于现在');
    const until = new Date(Date.now() + 3 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await form.locator('input[name=until]').fill(`${until.getFullYear()}-${pad(until.getMonth() + 1)}-${pad(until.getDate())}T09:00`);
    await form.locator('textarea[name=note]').fill('土地证在县档案馆，需等待调取');
    await page.getByTestId('submit-pause').click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.getByTestId('pause-reason').innerText()).toBe('等待材料');
    expect(await page.getByTestId('pause-until').innerText()).toContain('自动恢复');
    expect(await page.getByTestId('pause-note').innerText()).toContain('县档案馆');
    expect(await page.getByTestId('handling-paused').innerText()).toContain('已暂停');
    await looksRight(page);
    await screenshot(page, '41-case-paused-zh');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a town administrator supervises the village case and the village replies', async () => {
    const town = await newPage(web);
    await signInAs(town.page, 'p-xiaoxi-admin');
    await town.page.goto(`/cases/${id}`);
    await town.page.getByTestId('action-supervise').click();
    const form = town.page.getByTestId('form-supervise');
    expect(await form.locator('input[name=replyBy]').inputValue()).toMatch(/T17:30$/);
    await town.page.getByTestId('submit-supervise').click();
    expect(await town.page.getByTestId('error-reason').innerText()).toContain('请填写督办事由');
    await form.locator('textarea[name=reason]').fill('群众已三次来电，请说明调取进展并尽快调处');
    await town.page.getByTestId('submit-supervise').click();
    await town.page.getByTestId('action-done').waitFor();
    const order = town.page.getByTestId('order-s1');
    expect(await order.getAttribute('data-status')).toBe('open');
    expect(await order.getByTestId('order-status').innerText()).toBe('待回复');
    expect(await order.innerText()).toContain('小溪镇');
    expect(town.errors).toEqual([]);
    await town.context.close();

    const village = await newPage(web);
    await signInAs(village.page, 'p-dongmen-grid');
    await village.page.goto(`/cases/${id}`);
    await village.page.getByTestId('action-reply_supervision').click();
    await village.page.getByTestId('submit-reply_supervision').click();
    expect(await village.page.getByTestId('error-reply').innerText()).toContain('请填写回复内容');
    await village.page.getByTestId('form-reply_supervision').locator('textarea[name=reply]').fill('已向县档案馆发函，预计三日内取得土地证后组织调解。');
    await village.page.getByTestId('submit-reply_supervision').click();
    await village.page.getByTestId('action-done').waitFor();
    const answered = village.page.getByTestId('order-s1');
    expect(await answered.getAttribute('data-status')).toBe('answered');
    expect(await answered.getByTestId('order-reply').innerText()).toContain('按时回复');
    await looksRight(village.page);
    await screenshot(village.page, '42-case-supervised-zh');
    await inEnglish(village.page);
    await village.page.getByTestId('clocks').waitFor();
    expect(await village.page.getByTestId('order-s1').getByTestId('order-status').innerText()).toBe('Answered');
    expect(await village.page.getByTestId('pause-reason').innerText()).toBe('Waiting for documents');
    await looksRight(village.page);
    await screenshot(village.page, '43-case-clocks-en');
    expect(village.errors).toEqual([]);
    await village.context.close();

    const phone = await newPage(web, PHONE);
    await signInAs(phone.page, 'p-xiaoxi-admin');
    await phone.page.goto(`/cases/${id}`);
    await phone.page.getByTestId('clocks').waitFor();
    await looksRight(phone.page);
    await screenshot(phone.page, '44-case-clocks-phone-zh');
    await phone.page.goto(`/cases/${id}/timeline`);
    await phone.page.getByTestId('handling-table').waitFor();
    await looksRight(phone.page);
    await screenshot(phone.page, '45-timeline-phone-zh');
    await phone.context.close();

    // The village resumes the clock: the handling deadline is back, and the timeline marks it.
    await apiAct(web, id, 'p-dongmen-grid', { type: 'resume' });
    const desk = await newPage(web);
    await signInAs(desk.page, 'p-xiaoxi-admin');
    await desk.page.goto(`/cases/${id}/timeline`);
    await desk.page.getByTestId('handling-table').waitFor();
    expect(await desk.page.getByTestId('policy-version').innerText()).toMatch(/时限政策 第 \d+ 版/);
    expect(await desk.page.locator('[data-testid=timeline-svg] [data-testid=handling-mark]').count()).toBeGreaterThan(0);
    const events = await desk.page.getByTestId('events').innerText();
    expect(events).toContain('等待材料');
    expect(events).toContain('群众已三次来电');
    expect(events).toContain('已向县档案馆发函');
    expect(events).toContain('恢复计时');
    expect(events).not.toContain('neighbour_dispute');
    await looksRight(desk.page);
    await screenshot(desk.page, '46-timeline-clocks-zh');
    await inEnglish(desk.page);
    await desk.page.getByTestId('handling-table').waitFor();
    expect(await desk.page.getByTestId('events').innerText()).toContain('Waiting for documents');
    await looksRight(desk.page);
    await screenshot(desk.page, '47-timeline-clocks-en');
    expect(desk.errors).toEqual([]);
    await desk.context.close();
  });
});

describe('the deadline policy page', () => {
  it('a town administrator reads the policy but cannot change it', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-xiaoxi-admin');
    await page.getByTestId('nav-deadline-policy').click();
    await page.getByTestId('policy-page').waitFor();
    await page.getByTestId('policy-readonly').waitFor();
    expect(await page.locator('[data-field=acknowledge] input').isDisabled()).toBe(true);
    expect(await page.getByTestId('save-policy').count()).toBe(0);
    await looksRight(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a city administrator sees messages beside bad fields, saves a change, and sees the new version', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-zz-admin');
    await page.goto('/deadline-policy');
    await page.getByTestId('policy-form').waitFor();
    expect(await page.getByTestId('policy-current').innerText()).toContain(`第 ${versionBefore} 版`);
    const form = page.getByTestId('policy-form');
    await form.locator('input[name="reopenWindow.amount"]').fill('');
    await form.locator('input[name="serviceHours.0.end"]').fill('08:00');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('error-reopenWindow').waitFor();
    expect(await page.getByTestId('error-reopenWindow').innerText()).toContain('请填写大于 0 的数字');
    expect(await page.getByTestId('error-note').innerText()).toContain('请填写修改说明');
    await screenshot(page, '48-policy-errors-zh');

    await form.locator('input[name="reopenWindow.amount"]').fill('10');
    await page.locator('[data-field=note] textarea').fill('依据县级规定，重办申请期限延长至 10 天');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('error-serviceHours').waitFor();
    expect(await page.getByTestId('error-serviceHours').innerText()).toContain('互不重叠');
    await form.locator('input[name="serviceHours.0.end"]').fill('12:00');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('policy-saved').waitFor();
    // The page reloads the policy after the save: the new version is the one in force.
    await page.getByTestId('policy-current').filter({ hasText: `第 ${versionBefore + 1} 版` }).waitFor();
    expect(await page.getByTestId('versions').locator('tbody tr').first().innerText()).toContain('重办申请期限延长至 10 天');
    expect(await page.locator('input[name="reopenWindow.amount"]').inputValue()).toBe('10');
    await looksRight(page);
    await screenshot(page, '49-policy-saved-zh');

    // Someone else saves meanwhile: this edit, based on the old version, is refused and says to reload.
    await form.locator('input[name="reopenWindow.amount"]').fill('12');
    await page.locator('[data-field=note] textarea').fill('再次调整');
    const current = await policyVersion();
    const other = await fetch(`${web.baseUrl}/api/v1/deadline-policy/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-zz-admin')}` },
      body: JSON.stringify({ basedOn: current.version, settings: current.settings, note: 'concurrent edit' }),
    });
    expect(other.status).toBe(201);
    await page.getByTestId('save-policy').click();
    await page.getByTestId('policy-conflict').waitFor();
    expect(await page.getByTestId('policy-conflict').innerText()).toContain('重新加载');
    await page.getByTestId('policy-conflict').locator('button').click();
    await page.getByTestId('policy-current').filter({ hasText: `第 ${versionBefore + 2} 版` }).waitFor();

    await inEnglish(page);
    await page.getByTestId('policy-form').waitFor();
    expect(await page.getByTestId('policy-current').innerText()).toContain(`Version ${versionBefore + 2}`);
    await looksRight(page);
    await screenshot(page, '50-policy-en');
    expect(errors).toEqual([]);
    await context.close();

    const phone = await newPage(web, PHONE);
    await signInAs(phone.page, 'p-zz-admin');
    await phone.page.goto('/deadline-policy');
    await phone.page.getByTestId('policy-form').waitFor();
    await looksRight(phone.page);
    await screenshot(phone.page, '51-policy-phone-zh');
    await inEnglish(phone.page);
    await phone.page.getByTestId('policy-form').waitFor();
    await looksRight(phone.page);
    await screenshot(phone.page, '52-policy-phone-en');
    await phone.context.close();
  });
});
