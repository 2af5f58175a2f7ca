// Visibility of moves in the browser: the town reads why a case came; the village that
// sent it follows it read-only, with no buttons; "not found" in the reader's language.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tokenFor } from '../api/helpers';
import { apiAct, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
let caseId = '';
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const REASON = '商铺、业主与物业三方冲突，社区无力协调，请镇里组织调处';
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  web = await startWebEnv('e2e-visibility');
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-grid')}` },
    body: JSON.stringify({
      category: 'estate_dispute',
      title: '临街商铺占用小区公共区域',
      description: '业主代表反映临街商铺占用小区公共空间，三方冲突。',
      channel: 'grid',
      location: { centreId: VILLAGE, address: '东门社区花园小区' },
      complainant: { name: '李俊杰', phone: '13900003333' },
    }),
  });
  expect(res.status).toBe(201);
  caseId = ((await res.json()) as { id: string }).id;
  await apiAct(web, caseId, 'p-dongmen-admin', { type: 'accept' });
  await apiAct(web, caseId, 'p-dongmen-admin', { type: 'escalate', reason: REASON });
});
afterAll(async () => {
  await web?.stop();
});

async function inEnglish(page: Page): Promise<void> {
  await page.evaluate("localStorage.setItem('onedoor.lang', 'en')");
  await page.reload();
  await page.getByTestId('case-page').waitFor();
}

it('the town sees why the case came: from the village, by whom, the reason and the stages before', async () => {
  const { page, errors, context } = await newPage(web);
  await signInAs(page, 'p-xiaoxi-admin');
  await page.goto(`/cases/${caseId}`);
  const moves = page.getByTestId('moves');
  await moves.waitFor();
  expect(await moves.locator('h2').innerText()).toBe('为何转来本中心');
  expect(await page.getByTestId('move-from').innerText()).toContain('东门社区');
  expect(await page.getByTestId('move-by').innerText()).toContain('张美玲');
  expect(await page.getByTestId('move-reason').innerText()).toBe(REASON);
  expect(await page.getByTestId('earlier-stages').innerText()).toMatch(/受理[\s\S]*研判/);
  expect(await page.getByTestId('action-accept').count()).toBe(1);
  expect(await page.getByTestId('read-only-note').count()).toBe(0);
  await screenshot(page, '20-why-here-zh-desktop');

  await inEnglish(page);
  expect(await moves.locator('h2').innerText()).toBe('Why this case came here');
  expect(await page.getByTestId('move-from').innerText()).toContain('Dongmen Community');
  await screenshot(page, '21-why-here-en-desktop');
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('the village that sent it lists it as moved on and follows it, read-only, to its outcome', async () => {
  const { page, errors, context } = await newPage(web, PHONE);
  await signInAs(page, 'p-dongmen-admin');
  await page.goto('/queue');
  const row = page.locator(`[data-testid=queue] tr[data-case-id="${caseId}"]`);
  await row.waitFor();
  expect(await row.getByTestId('moved-on').innerText()).toBe('已移交');

  await apiAct(web, caseId, 'p-xiaoxi-admin', { type: 'accept' });
  await apiAct(web, caseId, 'p-xiaoxi-admin', { type: 'assess', risk: 'medium', factors: [] });
  await apiAct(web, caseId, 'p-xiaoxi-admin', { type: 'assign_mediator' });
  await apiAct(web, caseId, 'p-xiaoxi-admin', { type: 'record_agreement', terms: [{ party: '商铺', obligation: '腾退公共区域' }] });
  await apiAct(web, caseId, 'p-xiaoxi-admin', { type: 'close', summary: '三方达成协议，商铺腾退' });

  await page.goto(`/cases/${caseId}`);
  await page.getByTestId('case-page').waitFor();
  expect(await page.getByTestId('read-only-note').innerText()).toBe('此案件已移交小溪镇，您可查看进展和结果。');
  expect(await page.getByTestId('actions').count()).toBe(0);
  expect(await page.locator('[data-testid^="action-"]').count()).toBe(0);
  expect(await page.getByTestId('outcome').innerText()).toContain('三方达成协议，商铺腾退');
  expect(await page.getByTestId('moves').locator('h2').innerText()).toBe('流转经过');
  await screenshot(page, '22-read-only-zh-phone');

  await inEnglish(page);
  expect(await page.getByTestId('read-only-note').innerText()).toBe('This case has moved to Xiaoxi Town; you can follow it and see its outcome.');
  await screenshot(page, '23-read-only-en-phone');

  // Its dashboard lists the deadlines it missed, wherever those cases went.
  await page.goto('/dashboard');
  await page.getByTestId('missed-list').waitFor();
  expect(await page.getByTestId('stat-missed').innerText()).toContain('Deadlines missed here');
  await screenshot(page, '24-dashboard-en-phone');
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('a centre that never held the case reads "not found" in its own language', async () => {
  const { page, errors, context } = await newPage(web);
  await signInAs(page, 'p-shicuo-admin');
  await page.goto(`/cases/${caseId}`);
  expect(await page.getByTestId('problem-message').innerText()).toContain('找不到此案件，或您无权查看。');
  await page.evaluate("localStorage.setItem('onedoor.lang', 'en')");
  await page.reload();
  expect(await page.getByTestId('problem-message').innerText()).toContain('No such case, or not one you may see.');
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);

it('the expert reads the question asked, before and after giving the opinion', async () => {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-grid')}` },
    body: JSON.stringify({
      category: 'neighbour_dispute',
      title: '邻居扩建占用通道',
      description: '邻居扩建厨房占用公共通道。',
      channel: 'grid',
      location: { centreId: VILLAGE, address: '东门社区 5 号' },
      complainant: { name: '李俊杰', phone: '13900004444' },
    }),
  });
  const id = ((await res.json()) as { id: string }).id;
  const question = '扩建是否需要规划许可？';
  await apiAct(web, id, 'p-dongmen-admin', { type: 'accept' });
  const asked = await apiAct(web, id, 'p-dongmen-admin', { type: 'request_expert', question, specialty: 'legal' });
  const expertId = (asked.expert as { id: string }).id;
  await apiAct(web, id, expertId, { type: 'submit_opinion', opinion: '需要向镇规划部门申请许可' });

  const { page, errors, context } = await newPage(web);
  await signInAs(page, expertId);
  await page.goto(`/cases/${id}`);
  await page.getByTestId('expert-question').waitFor();
  expect(await page.getByTestId('expert-question').innerText()).toContain(question);
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);
