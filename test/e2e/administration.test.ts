// The administration pages in a real browser, at desktop and phone width, in Chinese and
// English: add a person (field errors beside their fields, in the reader's language), edit
// them, deactivate and reactivate with a confirmation, reset the password; the centres page
// refuses to close a centre that still holds an open case and says why; departments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DICTIONARIES, type Lang } from '../../web/src/i18n';
import { newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';
import { tokenFor } from '../api/helpers';
import { eventually } from '../helpers/temporal';

let web: WebEnv;
const run = Date.now().toString(36);
const county = `te2e${run}`;
const town = `${county}-t`;
const town2 = `${county}-t2`;
const admin = tokenFor('p-zz-admin');

async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${web.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function centre(id: string, level: string, parentId: string, zh: string, en: string): Promise<void> {
  const res = await call('POST', '/api/v1/admin/centres', { id, level, parentId, name: { zh, en } });
  expect(res.status).toBe(201);
}

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };
const CASES: { tag: string; lang: Lang; viewport: { width: number; height: number } }[] = [
  { tag: 'desktop-zh', lang: 'zh', viewport: DESKTOP },
  { tag: 'desktop-en', lang: 'en', viewport: DESKTOP },
  { tag: 'phone-zh', lang: 'zh', viewport: PHONE },
  { tag: 'phone-en', lang: 'en', viewport: PHONE },
];

beforeAll(async () => {
  web = await startWebEnv('e2e-administration');
  await centre(county, 'county', 'zz', '测试管理县', 'Admin Test County');
  await centre(town, 'town', county, '测试镇', 'Test Town');
  await centre(town2, 'town', county, '第二镇', 'Second Town');
  for (const { tag } of CASES) {
    await centre(`${town}-${tag}-a`, 'village', town, `甲村 ${tag}`, `Village A ${tag}`);
    await centre(`${town}-${tag}-b`, 'village', town, `乙村 ${tag}`, `Village B ${tag}`);
    await centre(`${town}-${tag}-c`, 'village', town, `丙村 ${tag}`, `Village C ${tag}`);
    // Village B holds an open case: closing it is refused.
    const filed = await call('POST', '/api/v1/cases', {
      category: 'neighbour_dispute',
      title: '楼道堆放杂物',
      description: '邻居在楼道堆放杂物，影响通行',
      channel: 'walk_in',
      location: { centreId: `${town}-${tag}-b`, address: '乙村 1 号' },
      complainant: { name: '王测试', phone: '13800009999' },
    });
    expect(filed.status).toBe(201);
    await eventually(async () => (await call('GET', `/api/v1/cases/${String(filed.body.id)}`)).status === 200, 15_000);
  }
});
afterAll(async () => {
  await web?.stop();
});

/** The page fits the screen's width; if not, the test names what sticks out. */
async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
  const wide = overflow > 1 ? await page.evaluate(`[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map((el) => el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 40))`) : [];
  expect({ overflow: Math.max(0, overflow), wide }).toEqual({ overflow: expect.any(Number), wide: [] });
  expect(overflow).toBeLessThanOrEqual(1);
}

/** The reader's language, as the language button leaves it; the page is loaded again in it. */
async function setLang(page: Page, lang: Lang): Promise<void> {
  await page.evaluate(`localStorage.setItem('onedoor.lang', '${lang}')`);
  await page.reload();
}


describe.each(CASES)('administration at $tag', ({ tag, lang, viewport }) => {
  const d = DICTIONARIES[lang];
  const villageA = `${town}-${tag}-a`;
  const villageB = `${town}-${tag}-b`;
  const villageC = `${town}-${tag}-c`;
  const username = `e2e-${tag}-${run}`;

  it('adds a person, edits them, deactivates and reactivates them, resets their password', async () => {
    const { page, errors, context } = await newPage(web, viewport);
    await signInAs(page, 'p-zz-admin');
    await setLang(page, lang);
    if (viewport.width > 720) {
      await page.getByTestId('nav-admin').click();
    } else {
      await page.goto('/admin');
    }
    await page.getByTestId('admin-people-table').waitFor();
    expect(await page.getByTestId('nav-admin').textContent()).toBe(d['nav.admin']);
    await noHorizontalScroll(page);
    await screenshot(page, `60-admin-people-${tag}`);

    // Nothing filled in: a message beside each field that needs one.
    await page.getByTestId('admin-add-person').click();
    const form = page.getByTestId('person-form');
    await form.waitFor();
    await page.getByTestId('person-submit').click();
    for (const field of ['name', 'username', 'role', 'centreId']) await page.getByTestId(`error-${field}`).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, `61-admin-person-errors-${tag}`);

    // The roles offered fit the centre: no grid worker at a town.
    await form.locator('select[name=centreId]').selectOption(town);
    expect(await form.locator('select[name=role] option[value=grid_worker]').count()).toBe(0);
    await form.locator('select[name=centreId]').selectOption(villageA);
    expect(await form.locator('select[name=role] option[value=grid_worker]').count()).toBe(1);
    await form.locator('input[name=name]').fill('陈调解');
    await form.locator('input[name=username]').fill('p-zz-admin');
    await form.locator('select[name=role]').selectOption('mediator');
    await form.locator('input[name=specialty-neighbour]').check();
    await form.locator('input[name=specialty-family]').check();
    await form.locator('input[name=title]').fill('人民调解员');
    await form.locator('input[name=password]').fill('short');
    await page.getByTestId('person-submit').click();
    expect(await page.getByTestId('error-password').innerText()).toBe(d['adminReason.passwordShort']);
    await form.locator('input[name=password]').fill('a long enough password');
    await page.getByTestId('person-submit').click();
    // The seeded admin's username is taken: said beside the username.
    await page.getByTestId('error-username').waitFor();
    expect(await page.getByTestId('error-username').innerText()).toBe(d['adminReason.usernameTaken']);
    await form.locator('input[name=username]').fill(username);
    await page.getByTestId('person-submit').click();
    await page.getByTestId('account').waitFor();
    expect(await page.getByTestId('admin-notice').innerText()).toContain(username);
    const id = /\/admin\/people\/(p-[0-9a-f]+)/.exec(page.url())?.[1] ?? '';
    expect(id).not.toBe('');
    await noHorizontalScroll(page);
    await screenshot(page, `62-admin-person-created-${tag}`);

    // Edit: a new title and another village.
    await form.locator('input[name=title]').fill('首席调解员');
    await form.locator('select[name=centreId]').selectOption(villageB);
    await page.getByTestId('person-submit').click();
    await page.getByTestId('admin-notice').getByText(d['admin.saved']).waitFor();
    const edited = await call('GET', `/api/v1/admin/people/${id}`);
    expect(edited.body).toMatchObject({ title: '首席调解员', centreId: villageB, specialties: ['neighbour', 'family'], active: true });

    // Deactivate, with a confirmation first.
    await page.getByTestId('deactivate').click();
    await page.getByTestId('deactivate-confirm').waitFor();
    expect(await page.getByTestId('deactivate-confirm').innerText()).toContain('陈调解');
    await noHorizontalScroll(page);
    await screenshot(page, `63-admin-deactivate-confirm-${tag}`);
    await page.getByTestId('deactivate-yes').click();
    await page.getByTestId('account-notice').getByText(d['admin.deactivated']).waitFor();
    expect((await call('GET', `/api/v1/admin/people/${id}`)).body.active).toBe(false);
    await screenshot(page, `64-admin-deactivated-${tag}`);
    await page.getByTestId('reactivate').click();
    await page.getByTestId('reactivate-yes').click();
    await page.getByTestId('account-notice').getByText(d['admin.reactivated']).waitFor();
    expect((await call('GET', `/api/v1/admin/people/${id}`)).body.active).toBe(true);

    // A new password: too short is said beside the field; a good one ends the sessions.
    const passwordForm = page.getByTestId('password-form');
    await passwordForm.locator('input[name=password]').fill('tiny');
    await page.getByTestId('reset-password').click();
    await page.getByTestId('reset-password-yes').click();
    expect(await passwordForm.getByTestId('error-password').innerText()).toBe(d['adminReason.passwordShort']);
    await passwordForm.locator('input[name=password]').fill('another long password');
    await page.getByTestId('reset-password').click();
    await page.getByTestId('reset-password-yes').click();
    await page.getByTestId('account-notice').getByText(d['admin.password.done'].replace('{n}', '0')).waitFor();

    // Back in the list, filtered to the village: there they are.
    await page.goto(`/admin?centreId=${villageB}`);
    await page.locator(`tr[data-person-id="${id}"]`).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, `65-admin-people-filtered-${tag}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('centres: closing one with an open case is refused with the reason; an empty one closes; a village moves', async () => {
    const { page, errors, context } = await newPage(web, viewport);
    await signInAs(page, 'p-zz-admin');
    await setLang(page, lang);
    await page.goto('/admin/centres');
    await page.getByTestId('centre-tree').waitFor();
    await page.locator('select[name=county]').selectOption(county);
    await page.locator(`li[data-centre-id="${villageB}"]`).waitFor();
    await noHorizontalScroll(page);

    await page.getByTestId(`close-${villageB}`).click();
    await page.getByTestId(`close-${villageB}-yes`).click();
    const refusal = page.locator(`li[data-centre-id="${villageB}"] [data-testid=api-error]`);
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(lang === 'zh' ? '1 件未办结案件' : '1 open case is still held');
    await noHorizontalScroll(page);
    await screenshot(page, `66-admin-centres-close-refused-${tag}`);

    await page.getByTestId(`close-${villageC}`).click();
    await page.getByTestId(`close-${villageC}-yes`).click();
    await page.getByTestId('centres-notice').waitFor();
    await page.locator(`li[data-centre-id="${villageC}"]`).waitFor({ state: 'detached' });
    expect((await call('GET', `/api/v1/centres?parentId=${town}`)).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: villageC, closedAt: expect.any(String) })]));

    await page.getByTestId(`move-${villageA}`).click();
    await page.getByTestId(`move-form-${villageA}`).locator('select[name=parentId]').selectOption(town2);
    await page.getByTestId(`move-submit-${villageA}`).click();
    await page.getByTestId('centres-notice').getByText(lang === 'zh' ? '已调整到' : 'Moved to').waitFor();
    expect((await call('GET', `/api/v1/centres?parentId=${town2}`)).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: villageA, path: ['zz', county, town2, villageA] })]));

    await page.getByTestId('centre-add').click();
    const add = page.getByTestId('centre-form');
    await add.locator('select[name=parentId]').selectOption(town2);
    expect(await add.locator('input[name=level]').inputValue()).toBe(d['level.village']);
    await add.locator('input[name=nameZh]').fill(`新村 ${tag}`);
    await add.locator('input[name=nameEn]').fill(`New Village ${tag}`);
    await page.getByTestId('centre-submit').click();
    await page.getByTestId('centres-notice').getByText(lang === 'zh' ? `新村 ${tag}` : `New Village ${tag}`).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, `67-admin-centres-${tag}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('departments: registers one at a centre of the area', async () => {
    const { page, errors, context } = await newPage(web, viewport);
    await signInAs(page, 'p-zz-admin');
    await setLang(page, lang);
    await page.goto('/admin/departments');
    await page.getByTestId('departments-table').waitFor();
    const form = page.getByTestId('department-form');
    await page.getByTestId('department-submit').click();
    await page.getByTestId('error-centreId').waitFor();
    await form.locator('input[name=nameZh]').fill(`测试村建站 ${tag}`);
    await form.locator('input[name=nameEn]').fill(`Test Station ${tag}`);
    await form.locator('select[name=centreId]').selectOption(town);
    await page.getByTestId('department-submit').click();
    await page.getByTestId('departments-notice').waitFor();
    await page.locator('[data-testid=departments-table] tr').filter({ hasText: lang === 'zh' ? `测试村建站 ${tag}` : `Test Station ${tag}` }).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, `68-admin-departments-${tag}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
