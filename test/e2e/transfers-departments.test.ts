// Transfers and departments in a real browser, as their users meet them. Dongmen sends a case
// reported to the wrong place to Ximen; Ximen reads why, sends it back with a reason; Dongmen reads
// the reason, sends it again and Ximen accepts. The kiosk of the article's first case reaches the
// district, which hands it to the operations company; the company's dispatcher finds it in the
// list they land on, reports what was done, and the district closes. Messages beside the fields in
// the reader's language, names instead of ids, nothing wider than a phone; screenshots zh and en.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tokenFor } from '../api/helpers';
import { actionButtons, apiAct, apiCase, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
const PHONE = { width: 390, height: 844 };
const DONGMEN = 'zz-pinghe-xiaoxi-dongmen';
const XIMEN = 'zz-pinghe-xiaoxi-ximen';

beforeAll(async () => {
  web = await startWebEnv('e2e-transfers-departments');
});
afterAll(async () => {
  await web?.stop();
});

async function report(personId: string, body: Record<string, unknown>): Promise<{ id: string; risk: string; riskFactors: unknown[] }> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor(personId)}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; risk: string; riskFactors: unknown[] };
  // The case page reads the projection the worker writes; wait until it is there.
  for (let i = 0; i < 50; i++) {
    const seen = await fetch(`${web.baseUrl}/api/v1/cases/${created.id}`, { headers: { Authorization: `Bearer ${tokenFor(personId)}` } });
    if (seen.status === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return created;
}

async function inEnglish(page: Page): Promise<void> {
  await page.evaluate("localStorage.setItem('onedoor.lang', 'en')");
  await page.reload();
}

/** Nothing wider than the screen, no untranslated key, no raw centre or department id. */
async function looksRight(page: Page): Promise<void> {
  const wide = await page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('.table-wrap, .progress, .timeline-chart, .map'))
    .slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`);
  expect(wide, 'wider than the screen').toEqual([]);
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(/\b(case|err|field|action|event|detail|queue|nav|role)\.[a-zA-Z_]+/);
  expect(text, 'an id instead of a name').not.toMatch(/\b(zz-[a-z-]+|dept-[a-z-]+)\b/);
}

/** Sends the next action with `change` in its body, as a page loaded before the data changed would, and waits for the answer. */
async function withBodyChanged(page: Page, change: Record<string, unknown>, submit: () => Promise<void>): Promise<void> {
  const pattern = '**/api/v1/cases/*/actions';
  await page.route(pattern, async (route) => {
    const body = { ...(route.request().postDataJSON() as Record<string, unknown>), ...change };
    await route.continue({ postData: JSON.stringify(body) });
  });
  const answered = page.waitForResponse((res) => res.url().endsWith('/actions'));
  await submit();
  expect((await answered).status()).toBe(400);
  await page.unroute(pattern);
}

async function openCase(page: Page, id: string): Promise<void> {
  await page.goto(`/cases/${id}`);
  await page.getByTestId('case-page').waitFor();
}

async function submitEmpty(page: Page, type: string): Promise<void> {
  await page.getByTestId(`action-${type}`).click();
  await page.getByTestId(`form-${type}`).waitFor();
  await page.getByTestId(`submit-${type}`).click();
}

describe('a transfer to a peer centre', () => {
  let id = '';

  beforeAll(async () => {
    ({ id } = await report('p-dongmen-resident', {
      category: 'neighbour_dispute',
      title: '邻居加建二层挡住采光',
      description: '西门社区 12 号邻居加建二层，挡住我家采光。',
      channel: 'app',
      location: { centreId: DONGMEN, address: '西门社区 12 号' },
      complainant: { name: '王秀兰', phone: '13800001234' },
    }));
  });

  it('Dongmen’s grid worker transfers it to Ximen, told in Chinese what is missing first', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-grid');
    await openCase(page, id);
    await submitEmpty(page, 'transfer');
    expect(await page.getByTestId('error-toCentreId').innerText()).toBe('请选择要转交的中心');
    expect(await page.getByTestId('error-reason').innerText()).toContain('请填写转交理由');
    const form = page.getByTestId('form-transfer');
    // Peers are named by town and centre, its own town's first.
    expect(await form.locator('select[name=toCentreId] option').nth(1).innerText()).toMatch(/^小溪镇 · /);
    expect(await form.locator(`select[name=toCentreId] option[value="${XIMEN}"]`).innerText()).toBe('小溪镇 · 西门社区');

    // A centre gone since the page loaded (the list is the browser's): the workflow's refusal, in Chinese.
    await form.locator('select[name=toCentreId]').selectOption(XIMEN);
    await form.locator('textarea[name=reason]').fill('地址在西门社区');
    await withBodyChanged(page, { toCentreId: 'zz-gone' }, () => page.getByTestId('submit-transfer').click());
    expect(await page.getByTestId('error-toCentreId').innerText()).toBe('没有这个中心，请从列表中选择');
    await looksRight(page);
    await screenshot(page, '60-transfer-errors-zh');

    await page.getByTestId('submit-transfer').click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.getByTestId('read-only-note').innerText()).toContain('西门社区');
    await looksRight(page);
    await screenshot(page, '61-transferred-dongmen-zh');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Ximen, on a phone in English, reads why it came and sends it back with a reason', async () => {
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-ximen-admin');
    await inEnglish(page);
    await openCase(page, id);
    expect(await page.getByTestId('move-from').innerText()).toBe('Dongmen Community');
    expect(await page.getByTestId('move-reason').innerText()).toBe('Reported to the wrong place, transferred here: 地址在西门社区');
    expect(await actionButtons(page)).toEqual(expect.arrayContaining(['accept', 'refuse_transfer']));
    await submitEmpty(page, 'refuse_transfer');
    expect(await page.getByTestId('error-reason').innerText()).toBe('Say why the case is not in your area');
    await looksRight(page);
    await screenshot(page, '62-refuse-transfer-phone-en');
    await page.getByTestId('form-refuse_transfer').locator('textarea[name=reason]').fill('12 号属东门社区辖区');
    await page.getByTestId('submit-refuse_transfer').click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.getByTestId('read-only-note').innerText()).toContain('Dongmen Community');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Dongmen sees it back with Ximen’s reason, transfers it again, and Ximen accepts', async () => {
    const dongmen = await newPage(web, PHONE);
    await signInAs(dongmen.page, 'p-dongmen-admin');
    await openCase(dongmen.page, id);
    expect(await dongmen.page.getByTestId('move-from').innerText()).toBe('西门社区');
    expect(await dongmen.page.getByTestId('move-reason').innerText()).toBe('接收中心退回：12 号属东门社区辖区');
    expect(await dongmen.page.getByTestId('case-stage').innerText()).toBe('受理');
    await looksRight(dongmen.page);
    await screenshot(dongmen.page, '63-refused-back-phone-zh');
    await dongmen.page.getByTestId('action-transfer').click();
    const form = dongmen.page.getByTestId('form-transfer');
    await form.locator('select[name=toCentreId]').selectOption(XIMEN);
    await form.locator('textarea[name=reason]').fill('经核实，12 号已划入西门社区');
    await dongmen.page.getByTestId('submit-transfer').click();
    await dongmen.page.getByTestId('action-done').waitFor();
    await dongmen.context.close();

    const ximen = await newPage(web);
    await signInAs(ximen.page, 'p-ximen-admin');
    await openCase(ximen.page, id);
    expect(await ximen.page.getByTestId('move-reason').innerText()).toContain('经核实，12 号已划入西门社区');
    // The earlier moves are listed by name, with their reasons.
    expect(await ximen.page.getByTestId('earlier-moves').innerText()).toContain('西门社区 → 东门社区 · 接收中心退回：12 号属东门社区辖区');
    await ximen.page.getByTestId('action-accept').click();
    await ximen.page.getByTestId('submit-accept').click();
    await ximen.page.getByTestId('action-done').waitFor();
    expect(await ximen.page.getByTestId('case-stage').innerText()).toBe('研判');
    expect(await ximen.page.getByTestId('case-holder').innerText()).toContain('西门社区');
    await looksRight(ximen.page);
    await screenshot(ximen.page, '64-accepted-ximen-zh');
    expect([...dongmen.errors, ...ximen.errors]).toEqual([]);
    await ximen.context.close();
  });
});

describe('a department owns the fix: the kiosk of the article’s first case', () => {
  let id = '';

  beforeAll(async () => {
    const c = await report('p-shicuo-grid', {
      category: 'public_facility_hazard',
      title: '公交站广告亭玻璃破碎',
      description: '网格员巡查发现公交站候车亭广告灯箱玻璃破碎，碎片散落在人行道上。',
      channel: 'grid',
      location: { centreId: 'zz-tiz-jiaomei-shicuo', address: '石厝村公交站' },
      complainant: { name: '杨小兵', phone: '13900005678' },
    });
    id = c.id;
    // The village and the town did their part; the district has it, assessed.
    await apiAct(web, id, 'p-shicuo-grid', { type: 'accept' });
    await apiAct(web, id, 'p-shicuo-grid', { type: 'assess', risk: c.risk, factors: c.riskFactors });
    await apiAct(web, id, 'p-jiaomei-admin', { type: 'accept' });
    await apiAct(web, id, 'p-jiaomei-admin', { type: 'escalate', reason: '广告亭属区城市运营集团' });
    await apiAct(web, id, 'p-tiz-admin', { type: 'accept' });
    await apiAct(web, id, 'p-tiz-admin', { type: 'assess', risk: c.risk, factors: c.riskFactors });
  });

  it('the district administrator, in English, hands it to the operations company', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-tiz-admin');
    await inEnglish(page);
    await openCase(page, id);
    await submitEmpty(page, 'assign_department');
    expect(await page.getByTestId('error-departmentId').innerText()).toBe('Choose a department');
    expect(await page.getByTestId('error-task').innerText()).toBe('Say what the department is to do');
    const form = page.getByTestId('form-assign_department');
    expect(await form.locator('select[name=departmentId] option[value="dept-tiz-operations"]').innerText()).toBe('Investment Zone Operations Company · Zhangzhou Taiwanese Investment Zone');
    // A department of another area (a stale page, a hand-edited request): the workflow's refusal, in words for people.
    await form.locator('select[name=departmentId]').selectOption('dept-tiz-operations');
    await form.locator('textarea[name=task]').fill('更换破碎玻璃，排查全区广告亭');
    await withBodyChanged(page, { departmentId: 'dept-xiaoxi-construction' }, () => page.getByTestId('submit-assign_department').click());
    expect(await page.getByTestId('error-departmentId').innerText()).toBe('That department works with another area; choose one of this centre or above');
    await looksRight(page);
    await screenshot(page, '65-assign-department-errors-en');

    await page.getByTestId('submit-assign_department').click();
    await page.getByTestId('action-done').waitFor();
    const task = page.getByTestId('department-task');
    expect(await task.getByTestId('task-department').innerText()).toBe('Investment Zone Operations Company');
    expect(await task.getByTestId('task-text').innerText()).toContain('更换破碎玻璃');
    expect(await page.getByTestId('task-note').innerText()).toBe('Investment Zone Operations Company is working on it; wait for its report.');
    await looksRight(page);
    await screenshot(page, '66-handed-to-department-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the company’s dispatcher lands on their tasks on a phone, reads the task and reports what was done', async () => {
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-tiz-ops');
    expect(new URL(page.url()).pathname).toBe('/queue');
    await page.getByTestId('queue').waitFor();
    expect(await page.locator('main h1').innerText()).toBe('交办任务：台商区城市运营集团');
    expect(await page.getByTestId('who').innerText()).toContain('苏文斌 · 责任单位工作人员 · 台商区城市运营集团');
    // Their one place: no reporting form, no statistics, no policy page.
    const nav = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(nav).toEqual(['/queue']);
    expect(await page.getByTestId('queue').innerText()).toContain('公交站广告亭玻璃破碎');
    await looksRight(page);
    await screenshot(page, '67-department-tasks-phone-zh');

    await page.getByTestId('queue').getByText('公交站广告亭玻璃破碎').first().click();
    await page.getByTestId('case-page').waitFor();
    expect(await page.getByTestId('department-tasks').locator('h2').innerText()).toBe('交给本单位的任务');
    expect(await page.getByTestId('task-text').innerText()).toContain('更换破碎玻璃，排查全区广告亭');
    // How the case moved between centres is the centres' business, not the department's.
    expect(await page.getByTestId('moves').count()).toBe(0);
    expect(await actionButtons(page)).toEqual((await apiCase(web, id, 'p-tiz-ops')).allowedActions);
    expect(await actionButtons(page)).toEqual(['report_disposal', 'refuse_assignment']);
    await submitEmpty(page, 'report_disposal');
    expect(await page.getByTestId('error-summary').innerText()).toBe('请填写处置结果：做了什么、现场情况如何');
    await looksRight(page);
    await screenshot(page, '68-department-case-phone-zh');
    await page.getByTestId('form-report_disposal').locator('textarea[name=summary]').fill('当天下午更换玻璃，全区广告亭已排查');
    await page.getByTestId('submit-report_disposal').click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.getByTestId('task-result').innerText()).toContain('当天下午更换玻璃');
    await inEnglish(page);
    await page.getByTestId('department-task').waitFor();
    expect(await page.getByTestId('department-task').innerText()).toContain('Reported');
    await looksRight(page);
    await screenshot(page, '69-department-reported-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the district reads the report and closes; its timeline names the department', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-tiz-admin');
    await openCase(page, id);
    expect(await page.getByTestId('case-stage').innerText()).toBe('结案');
    expect(await page.getByTestId('task-result').innerText()).toContain('当天下午更换玻璃');
    expect(await page.getByTestId('outcome').innerText()).toContain('已处置');
    await page.getByTestId('action-close').click();
    await page.getByTestId('form-close').locator('textarea[name=summary]').fill('责任单位当天处置完毕');
    await page.getByTestId('submit-close').click();
    await page.getByTestId('action-done').waitFor();
    expect(await page.getByTestId('history').innerText()).toContain('责任单位反馈 · 台商区城市运营集团');
    // A hazard has no parties to list and no mediation sessions; its stepper never ticks an expert it did not consult.
    expect(await page.getByTestId('parties').count()).toBe(0);
    expect(await page.getByTestId('sessions').count()).toBe(0);
    expect(await page.locator('[data-testid=progress] li[data-stage=expert_consultation]').count()).toBe(0);
    await looksRight(page);
    await screenshot(page, '70-district-closed-zh');

    await page.getByTestId('timeline-link').click();
    await page.getByTestId('events').waitFor();
    const assigned = page.locator('tr[data-type=department_assigned] td.detail');
    expect(await assigned.innerText()).toBe('责任单位：台商区城市运营集团 · 交办事项：更换破碎玻璃，排查全区广告亭');
    expect(errors).toEqual([]);
    await context.close();
  });
});
