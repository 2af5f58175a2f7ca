// The mediation agreement, judicial confirmation, exports and the printed case page in Chromium:
// at desktop and phone width, in Chinese and English, as the centre's staff and as the complainant.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AGREED_CASE, agreedCase } from '../helpers/agreed-case';
import { pdfText } from '../helpers/pdf-text';
import { newPage, screenshot, SCREENSHOTS, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
let caseId = '';
let caseNumber = '';
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  web = await startWebEnv('e2e-documents');
  ({ id: caseId, caseNumber } = await agreedCase(async (method, apiPath, token, body) => {
    const res = await fetch(`${web.baseUrl}${apiPath}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }));
}, 120_000);
afterAll(async () => {
  await web?.stop();
});

async function downloaded(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

/** Nothing on the page is wider than the screen. */
async function fitsWidth(page: Page): Promise<void> {
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
  expect(overflow).toBeLessThanOrEqual(0);
}

it('the community’s administrator downloads the agreement, prepares judicial confirmation for a court and downloads the bundle', async () => {
  const { page, errors } = await newPage(web);
  await signInAs(page, 'p-dongmen-admin');
  await page.goto(`/cases/${caseId}`);
  await page.getByTestId('case-documents').waitFor();
  await page.getByTestId('apply-by').waitFor();
  await screenshot(page, 'docs-01-case-desktop-zh');

  const agreement = await downloaded(page, 'agreement-pdf');
  expect(agreement.name).toBe(`agreement-${caseNumber}.pdf`);
  const text = (await pdfText(agreement.bytes)).text;
  for (const term of AGREED_CASE.terms) expect(text).toContain(term.obligation);
  expect(text).toContain(AGREED_CASE.mediatorName);

  await page.getByTestId('prepare-judicial').click();
  await page.getByTestId('form-judicial').waitFor();
  await page.getByTestId('submit-judicial').click();
  await page.getByTestId('error-court').waitFor();
  expect(await page.getByTestId('error-court').textContent()).toContain('受理法院');
  await page.getByTestId('court').fill('平和县人民法院');
  await screenshot(page, 'docs-02-prepare-form-desktop-zh');
  await page.getByTestId('submit-judicial').click();
  await page.getByTestId('judicial-done').waitFor();
  await page.getByTestId('handoff-1').waitFor();
  expect(await page.getByTestId('handoff-1').textContent()).toContain('平和县人民法院 · 张美玲');
  await screenshot(page, 'docs-03-prepared-desktop-zh');

  const bundle = await downloaded(page, 'bundle-1');
  expect(bundle.name).toBe(`judicial-confirmation-${caseNumber}-1.pdf`);
  const bundleText = (await pdfText(bundle.bytes)).text;
  expect(bundleText).toContain('平和县人民法院');
  expect(bundleText).toContain('案件办理记录');

  // The administrators' timeline shows the hand-off too.
  await page.goto(`/cases/${caseId}/timeline`);
  await page.getByTestId('timeline-handoffs').getByTestId('handoff-1').waitFor();
  await screenshot(page, 'docs-04-timeline-desktop-zh');

  // The workbench offers its list, with the filters chosen, as a spreadsheet.
  await page.goto('/queue');
  await page.locator('select[name=stage]').selectOption('closure');
  await page.getByTestId('queue').waitFor();
  const csv = await downloaded(page, 'export-cases-csv');
  const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toMatch(/^案件编号,标题,类别,阶段/);
  expect(lines.slice(1).every((line) => line.includes(',结案,'))).toBe(true);
  await page.getByTestId('export-cases-note').waitFor();
  await screenshot(page, 'docs-11-queue-export-desktop-zh');
  expect(errors).toEqual([]);
});

it('in English, the village’s grid worker is offered the same, and told in English what the form needs', async () => {
  const { page, errors } = await newPage(web);
  await signInAs(page, 'p-dongmen-grid');
  await page.goto(`/cases/${caseId}`);
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('case-documents').getByText('Agreement and judicial confirmation').waitFor();
  await page.getByTestId('prepare-judicial').click();
  await page.getByTestId('submit-judicial').click();
  expect(await page.getByTestId('error-court').textContent()).toContain('Enter the name of the court');
  await page.getByTestId('case-documents').scrollIntoViewIfNeeded();
  await screenshot(page, 'docs-10-prepare-form-desktop-en');
  expect(await page.getByTestId('apply-by').textContent()).toContain('within 30 days');
  expect(errors).toEqual([]);
});

it('the case page prints on A4 without navigation or buttons', async () => {
  const { page, errors } = await newPage(web);
  await signInAs(page, 'p-dongmen-admin');
  await page.goto(`/cases/${caseId}`);
  await page.getByTestId('case-documents').getByTestId('handoffs').waitFor();
  expect(await page.getByTestId('print').isVisible()).toBe(true);
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['header.top', '[data-testid=actions]', '[data-testid=print]', '[data-testid=agreement-pdf]', '[data-testid=bundle-1]']) {
    expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
  }
  for (const shown of ['case-title', 'agreement', 'history', 'handoffs']) expect(await page.getByTestId(shown).first().isVisible(), shown).toBe(true);
  // At the A4 page's width (210 mm less the margins ≈ 700 CSS px) nothing is cut off.
  await page.setViewportSize({ width: 700, height: 1000 });
  await fitsWidth(page);
  await screenshot(page, 'docs-05-case-print');
  const pdfPath = path.join(SCREENSHOTS, 'docs-06-case-print.pdf');
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: false });
  const printed = await pdfText(fs.readFileSync(pdfPath));
  expect(printed.text).toContain(caseNumber);
  expect(printed.text).toContain(AGREED_CASE.terms[0].obligation);
  expect(printed.text).not.toContain('工作台');
  expect(printed.text).not.toContain('下载调解协议书');
  expect(errors).toEqual([]);
});

it('on a phone, in English, staff export the queue and the dashboard as Excel and CSV', async () => {
  const { page, errors } = await newPage(web, PHONE);
  await signInAs(page, 'p-dongmen-admin');
  await page.goto('/queue');
  await page.getByTestId('export-cases').waitFor();
  await page.locator('.menu-toggle').click();
  await page.getByTestId('lang-toggle').click();
  await page.getByTestId('export-cases-xlsx').getByText('Export Excel').waitFor();
  await page.locator('select[name=status]').selectOption('');
  await page.getByTestId('queue').waitFor();
  const xlsx = await downloaded(page, 'export-cases-xlsx');
  expect(xlsx.name).toMatch(/^cases-\d{8}-\d{4}\.xlsx$/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.bytes as never);
  const sheet = book.worksheets[0]!;
  expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['Case number', 'Title', 'Category']);
  const numbers = sheet.getColumn(1).values.slice(2);
  expect(numbers).toContain(caseNumber);
  await page.getByTestId('export-cases-note').waitFor();
  await fitsWidth(page);
  await screenshot(page, 'docs-07-queue-export-phone-en');

  await page.goto('/dashboard');
  await page.getByTestId('export-dashboard').waitFor();
  const csv = await downloaded(page, 'export-dashboard-csv');
  expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  expect(csv.bytes.toString('utf8')).toContain('Measure,Item,Value,Unit');
  await page.getByTestId('export-dashboard-note').waitFor();
  await fitsWidth(page);
  await screenshot(page, 'docs-08-dashboard-export-phone-en');
  expect(errors).toEqual([]);
});

it('the complainant downloads her agreement on her phone and sees the hand-off; she is not offered to prepare one', async () => {
  const { page, errors } = await newPage(web, PHONE);
  await signInAs(page, 'p-dongmen-resident');
  await page.goto(`/cases/${caseId}`);
  await page.getByTestId('case-documents').getByTestId('handoffs').waitFor();
  expect(await page.getByTestId('prepare-judicial').count()).toBe(0);
  const agreement = await downloaded(page, 'agreement-pdf');
  expect((await pdfText(agreement.bytes)).text).toContain(AGREED_CASE.complainant.phone);
  await page.getByTestId('case-documents').scrollIntoViewIfNeeded();
  await fitsWidth(page);
  await screenshot(page, 'docs-09-case-phone-resident-zh');
  expect(errors).toEqual([]);
});
