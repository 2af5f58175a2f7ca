// The audit log in the browser: an administrator filters it by case, reads who did what, and
// exports what they see as a CSV file Excel opens; at desktop and phone width, in both languages.
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tokenFor } from '../api/helpers';
import { eventually } from '../helpers/temporal';
import { apiAct, apiCase, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
let caseId: string;
let caseNumber: string;
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  web = await startWebEnv('e2e-audit-log');
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
    body: JSON.stringify({
      category: 'neighbour_dispute',
      title: '楼上漏水',
      description: '楼上卫生间漏水，渗到我家天花板，多次沟通无果。',
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' },
      complainant: { name: '王秀兰', phone: '13800001234' },
    }),
  });
  expect(res.status).toBe(201);
  ({ id: caseId, caseNumber } = (await res.json()) as { id: string; caseNumber: string });
  await eventually(async () => (await apiCase(web, caseId, 'p-dongmen-admin')).stage === 'intake', 15_000);
  await apiAct(web, caseId, 'p-dongmen-admin', { type: 'accept' });
  // A refusal: the case has been accepted already.
  const again = await fetch(`${web.baseUrl}/api/v1/cases/${caseId}/actions`, { method: 'POST', headers: { Authorization: `Bearer ${tokenFor('p-dongmen-admin')}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'accept' }) });
  expect(again.status).toBe(409);
}, 120_000);
afterAll(async () => {
  await web?.stop();
});

it('the city’s administrator filters the log by case and exports it, in Chinese and English', async () => {
  const { page, errors, context } = await newPage(web);
  await signInAs(page, 'p-zz-admin');
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-table').waitFor();
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('审计日志');

  await page.getByTestId('filter-case').fill(caseNumber);
  await page.getByTestId('audit-apply').click();
  await eventually(async () => (await page.getByTestId('audit-row').count()) === 3, 10_000);
  const rows = page.getByTestId('audit-row');
  expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-action'), tr.getAttribute('data-outcome')]))).toEqual([
    ['accept', 'refused'],
    ['accept', 'ok'],
    ['intake', 'ok'],
  ]);
  const text = await page.getByTestId('audit-table').innerText();
  expect(text).toContain('张美玲');
  expect(text).toContain('受理');
  expect(text).toContain('反映问题（立案）');
  expect(text).toContain('被拒绝');
  expect(text).toContain(caseNumber);
  expect(await page.getByTestId('audit-total').innerText()).toBe('第 1–3 条，共 3 条');
  // The intake's detail, as recorded: the phone masked.
  await page.locator('[data-testid=audit-row][data-action=intake]').getByTestId('audit-detail-toggle').click();
  const detail = await page.getByTestId('audit-detail').innerText();
  expect(detail).toContain('138****1234');
  expect(detail).toContain('反映人电话');
  await screenshot(page, '30-audit-desktop-zh');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{8}-\d{4}\.csv$/);
  const csv = fs.readFileSync(await download.path());
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = csv.subarray(3).toString('utf8').trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^时间,操作人编号,操作人,/);
  expect(lines.length).toBe(4);
  expect(lines.some((line) => line.includes(',王秀兰,resident,') && line.includes(caseNumber))).toBe(true);
  await page.getByTestId('audit-export-note').waitFor();

  await page.getByTestId('lang-toggle').click();
  expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Audit log');
  expect(await page.getByTestId('audit-total').innerText()).toBe('1–3 of 3');
  const english = await page.getByTestId('audit-table').innerText();
  expect(english).toContain('Report (case opened)');
  expect(english).toContain('Refused');
  const [enDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  expect(fs.readFileSync(await enDownload.path()).toString('utf8')).toMatch(/^\uFEFFtime,actor id,actor,/);
  await screenshot(page, '31-audit-desktop-en');

  // A filter the API refuses is named beside its field.
  await page.getByTestId('filter-case').fill('no such thing');
  await page.getByTestId('audit-apply').click();
  await page.getByTestId('error-case').waitFor();
  expect(errors).toEqual([]);
  await context.close();
}, 120_000);

it('a county’s administrator reads it on a phone; a mediator is not offered it', async () => {
  const { page, errors, context } = await newPage(web, PHONE);
  await signInAs(page, 'p-pinghe-admin');
  await page.goto('/audit');
  await page.getByTestId('audit-page').waitFor();
  await page.getByTestId('filter-case').fill(caseId);
  await page.getByTestId('audit-apply').click();
  await eventually(async () => (await page.getByTestId('audit-row').count()) === 3, 10_000);
  await page.locator('[data-testid=audit-row][data-action=intake]').getByTestId('audit-detail-toggle').click();
  await screenshot(page, '32-audit-phone-zh');
  // On a phone the language switch is in the menu.
  await page.locator('.menu-toggle').click();
  await page.getByTestId('lang-toggle').click();
  await page.getByText('1–3 of 3').waitFor();
  await screenshot(page, '33-audit-phone-en');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  expect(fs.readFileSync(await download.path()).toString('utf8').trimEnd().split('\r\n').length).toBe(4);
  expect(errors).toEqual([]);
  await context.close();

  const mediator = await newPage(web);
  await signInAs(mediator.page, 'p-xiaoxi-med-neighbour');
  expect(await mediator.page.getByTestId('nav-audit').count()).toBe(0);
  await mediator.page.goto('/audit');
  await mediator.page.getByText('审计日志仅供中心管理员查看。').waitFor();
  await mediator.context.close();
}, 120_000);
