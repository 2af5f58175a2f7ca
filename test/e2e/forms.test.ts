// Forms in a real browser: bad input gets a message beside the field, API errors are shown,
// the language switch translates every label, and the pages work on a phone-sized screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DICTIONARIES } from '../../web/src/i18n';
import { apiCase, doAction, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';
import { tokenFor } from '../api/helpers';

let web: WebEnv;
beforeAll(async () => {
  web = await startWebEnv('e2e-forms');
});
afterAll(async () => {
  await web?.stop();
});

async function report(personId: string): Promise<string> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor(personId)}` },
    body: JSON.stringify({
      category: 'neighbour_dispute',
      title: '楼道堆放杂物',
      description: '邻居在楼道堆放杂物，影响通行',
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 5 号楼' },
      complainant: { name: '王秀兰', phone: '13800001234' },
      parties: [{ name: '邻居', role: '对方' }],
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('form validation', () => {
  it('an expert chosen for one specialty is not sent after the specialty changes to one they lack', async () => {
    const id = await report('p-dongmen-resident');
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-grid');
    await page.goto(`/cases/${id}`);
    await doAction(page, 'accept');
    await page.getByTestId('action-request_expert').click();
    const form = page.getByTestId('form-request_expert');
    await form.locator('textarea[name=question]').fill('房屋是否安全？');
    await form.locator('select[name=expertId] option[value="p-pinghe-expert-legal"]').waitFor({ state: 'attached' });
    await form.locator('select[name=expertId]').selectOption('p-pinghe-expert-legal');
    await form.locator('select[name=specialty]').selectOption('building_safety');
    await page.getByTestId('submit-request_expert').click();
    await page.getByTestId('action-done').waitFor();
    const updated = await apiCase(web, id, 'p-dongmen-grid');
    // The legal expert lacks the specialty now asked for: the system chose one of the building-safety experts.
    expect(['p-pinghe-expert-building', 'p-zz-expert-building']).toContain((updated.expert as { id: string }).id);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an empty report gets a message beside each bad field, and nothing is created', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-resident');
    await page.goto('/report');
    const form = page.getByTestId('report-form');
    await form.waitFor();
    // The signed-in resident's own number, the one she signs in with, is offered.
    const seeded = await web.env.db.models.Person.findById('p-dongmen-resident').lean();
    expect(await form.locator('input[name=phone]').inputValue()).toBe(seeded?.phone);
    await form.locator('input[name=phone]').fill('abc');
    await page.getByTestId('submit-report').click();
    for (const field of ['category', 'title', 'description', 'complainant.phone', 'location.address']) {
      await page.getByTestId(`error-${field}`).waitFor();
    }
    expect(await page.getByTestId('error-title').innerText()).toContain('此项必填');
    // Not the list of every category code (which also widened a phone's page to 988 px).
    expect(await page.getByTestId('error-category').innerText()).not.toMatch(/Invalid option|public_facility_hazard/);
    expect(await page.getByTestId('error-complainant.phone').innerText()).toContain('有效的电话号码');
    // The message sits inside the field's own block, next to its input.
    expect(await page.locator('[data-field="title"] .field-error').count()).toBe(1);
    // One message per field, in Chinese; no second box repeating the API's developer text ("400 Invalid request", "body.title Too small").
    expect(await page.getByTestId('api-error').count()).toBe(0);
    expect(await page.locator('.form-footer').innerText()).not.toMatch(/Invalid request|body\.|Too small/);
    await page.getByTestId('report-done').waitFor({ state: 'detached', timeout: 500 }).catch(() => undefined);
    expect(await page.getByTestId('report-done').count()).toBe(0);
    await screenshot(page, '20-report-validation');

    // Correct the fields one by one: their messages go, the report goes through.
    await form.locator('select[name=category]').selectOption('neighbour_dispute');
    await form.locator('input[name=title]').fill('楼道堆放杂物');
    await form.locator('textarea[name=description]').fill('邻居在楼道堆放杂物');
    await form.locator('input[name=address]').fill('5 号楼');
    // The contact name came prefilled from the signed-in resident.
    expect(await form.locator('input[name=contactName]').inputValue()).toBe('王秀兰');
    await form.locator('input[name=phone]').fill('13800001234');
    await page.getByTestId('submit-report').click();
    await page.getByTestId('report-done').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an action form maps the 400 to its field; a refused action shows the API error', async () => {
    const id = await report('p-dongmen-resident');
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-grid');
    await page.goto(`/cases/${id}`);
    await page.getByTestId('action-escalate').click();
    await page.getByTestId('submit-escalate').click();
    expect(await page.getByTestId('error-reason').innerText()).toContain('此项必填');
    await screenshot(page, '21-action-validation');

    // Someone else moves the case meanwhile: the now-stale button answers 409, shown not swallowed.
    await page.locator('textarea[name=reason]').fill('超出社区能力');
    await fetch(`${web.baseUrl}/api/v1/cases/${id}/actions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-admin')}` },
      body: JSON.stringify({ type: 'escalate', reason: 'moved by the admin' }),
    });
    await page.getByTestId('submit-escalate').click();
    const banner = page.getByTestId('api-error');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/403|409/);
    expect((await apiCase(web, id, 'p-xiaoxi-admin')).stage).toBe('escalation');

    // A page for a case that does not exist shows the 404, not a blank page.
    await page.goto('/cases/case_000000000000000000000000');
    expect(await page.getByTestId('api-error').innerText()).toContain('404');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('language', () => {
  it('switches between Chinese and English; every key has both', async () => {
    const zhKeys = Object.keys(DICTIONARIES.zh).sort();
    expect(Object.keys(DICTIONARIES.en).sort()).toEqual(zhKeys);
    for (const key of zhKeys) {
      expect((DICTIONARIES.en as Record<string, string>)[key], key).toBeTruthy();
      expect((DICTIONARIES.zh as Record<string, string>)[key], key).toBeTruthy();
    }

    const id = await report('p-dongmen-resident');
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-grid');
    await page.goto(`/cases/${id}`);
    await page.getByTestId('case-page').waitFor();
    expect(await page.getByTestId('case-stage').innerText()).toBe('受理');
    expect(await page.getByTestId('action-accept').innerText()).toBe('受理');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

    await page.getByTestId('lang-toggle').click();
    expect(await page.getByTestId('case-stage').innerText()).toBe('Intake');
    expect(await page.getByTestId('action-accept').innerText()).toBe('Accept');
    expect(await page.getByTestId('action-escalate').innerText()).toBe('Escalate');
    expect(await page.getByTestId('case-holder').innerText()).toContain('Dongmen Community');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // No Chinese left in the labels (user data such as names stays as written; the switch offers 中文).
    const labels = await page.locator('header, .facts dt, [data-testid=actions] h2, .card h2').allInnerTexts();
    for (const label of labels) expect(label.replace(/王秀兰|李俊杰|中文/g, '')).not.toMatch(/[\u4e00-\u9fff]/);
    await screenshot(page, '30-case-english');

    // The choice survives a reload.
    await page.reload();
    await page.getByTestId('case-page').waitFor();
    expect(await page.getByTestId('case-stage').innerText()).toBe('Intake');
    await page.getByTestId('lang-toggle').click();
    expect(await page.getByTestId('case-stage').innerText()).toBe('受理');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('phone-sized screen (390×844)', () => {
  async function noHorizontalScroll(page: Page): Promise<void> {
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(1);
  }

  it('a resident can report and read the case on a phone; the queue fits too', async () => {
    const { page, errors, context } = await newPage(web, { width: 390, height: 844 });
    await signInAs(page, 'p-dongmen-resident');
    await page.goto('/report');
    await page.getByTestId('report-form').waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, '40-phone-report');
    const id = await report('p-dongmen-resident');
    await page.goto(`/cases/${id}`);
    await page.getByTestId('case-page').waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, '41-phone-case');

    await signInAs(page, 'p-dongmen-grid');
    await page.goto('/queue');
    await page.locator(`tr[data-case-id="${id}"]`).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, '42-phone-queue');
    await page.goto(`/cases/${id}`);
    await doAction(page, 'accept');
    expect(await page.getByTestId('case-stage').innerText()).toBe('研判');
    expect(errors).toEqual([]);
    await context.close();
  });
});
