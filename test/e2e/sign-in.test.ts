// Signing in as people do: staff with a password, a resident with a code read from the
// development SMS outbox, signing out, and a deactivated person's open session ending
// at their next request. Desktop and phone, Chinese and English.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, screenshot, startWebEnv, type WebEnv } from './helpers';
import { DEMO_PASSWORD } from '../../src/db/seed';
import { hashPassword, passwordKey } from '../../src/auth/passwords';
import { uniqueId } from '../helpers/temporal';

let web: WebEnv;
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  // Three hours: less than the UI's renewal threshold, so a page in use renews its session at once.
  web = await startWebEnv('e2e-sign-in', { settings: () => ({ sessionTtlMs: 3 * 3600_000 }) });
});
afterAll(async () => {
  await web?.stop();
});

async function noWiderThanScreen(page: Page): Promise<void> {
  const wide = await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
  expect(wide).toBe(false);
}

it('staff sign in with a password, see their queue, and sign out', async () => {
  const { page, errors, context } = await newPage(web);
  await page.goto('/queue');
  await page.waitForURL(/\/signin\?next=/);
  await page.getByTestId('password-form').waitFor();
  await screenshot(page, '30-signin-staff-zh-desktop');

  await page.locator('input[name=username]').fill('p-xiaoxi-admin');
  await page.locator('input[name=password]').fill('wrong password');
  await page.getByTestId('password-submit').click();
  await expect.poll(() => page.getByTestId('problem-message').innerText()).toContain('用户名或密码不正确');
  await screenshot(page, '31-signin-wrong-zh-desktop');

  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  const renewed = page.waitForResponse((res) => res.url().endsWith('/api/v1/session/renew'));
  await page.getByTestId('password-submit').click();
  await page.waitForURL((url) => url.pathname === '/queue');
  // A session in use is renewed before it runs out, with its CSRF token.
  expect((await renewed).status()).toBe(200);
  expect(await page.getByTestId('who').innerText()).toContain('镇');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'onedoor_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');
  expect(await page.evaluate('document.cookie')).not.toContain('onedoor_session');

  // Opening the site's root while signed in goes straight to the person's page, drawn without a reload.
  await page.goto('/');
  await page.waitForURL((url) => url.pathname === '/dashboard');
  await page.getByTestId('stat-overdue').waitFor();

  await page.getByTestId('signout').click();
  await page.waitForURL((url) => url.pathname === '/signin');
  await page.goto('/queue');
  await page.waitForURL(/\/signin/);
  // The cookie the browser had before signing out is worthless now.
  await context.addCookies([{ ...session!, expires: session!.expires }]);
  const res = await page.request.get('/api/v1/cases');
  expect(res.status()).toBe(401);
  expect(errors).toEqual([]);
  await context.close();
});

it('a resident signs in with a code from the SMS outbox, on a phone, in English', async () => {
  const { page, errors, context } = await newPage(web, PHONE);
  await page.goto('/signin');
  await page.evaluate("localStorage.setItem('onedoor.lang', 'en')");
  await page.reload();
  await page.getByTestId('tab-resident').click();
  const phone = `139${String(Date.now()).slice(-8)}`;
  await page.locator('input[name=phone]').fill('12');
  await page.getByTestId('code-request-submit').click();
  await page.getByTestId('error-phone').waitFor();
  await page.locator('input[name=phone]').fill(phone);
  await page.getByTestId('code-request-submit').click();
  await page.getByTestId('code-sent').waitFor();
  expect(await page.getByTestId('code-sent').innerText()).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
  await noWiderThanScreen(page);
  await screenshot(page, '32-signin-code-sent-en-phone');

  // Read the code where a developer would: the outbox page, in another tab.
  const outbox = await context.newPage();
  await outbox.goto('/dev/sms');
  await outbox.getByTestId('sms-message').first().waitFor();
  const text = await outbox.getByTestId('sms-message').first().innerText();
  expect(text).toContain(phone);
  const code = /(\d{6})/.exec(text.split('\n').slice(1).join(' '))?.[1];
  expect(code).toMatch(/^\d{6}$/);
  await screenshot(outbox, '33-dev-sms-outbox-en-phone');
  await outbox.close();

  await page.locator('input[name=code]').fill(code === '000000' ? '111111' : '000000');
  await page.getByTestId('code-submit').click();
  await expect.poll(() => page.getByTestId('problem-message').innerText()).toContain('The code is wrong');
  await page.locator('input[name=code]').fill(code as string);
  await page.getByTestId('code-submit').click();
  await page.waitForURL((url) => url.pathname === '/mine');
  expect(await page.getByTestId('who').innerText()).toContain('Resident');
  await noWiderThanScreen(page);
  await screenshot(page, '34-resident-signed-in-en-phone');
  expect(errors).toEqual([]);
  await context.close();
});

it('a person deactivated while signed in is sent back to sign in at their next request', async () => {
  const id = uniqueId('p-e2e-leaver-');
  const models = web.env.db.models;
  const centre = await models.Centre.findById('zz-pinghe-xiaoxi').lean();
  await models.Person.collection.insertOne({ _id: id as never, name: '离职调解员', role: 'mediator', centreId: 'zz-pinghe-xiaoxi', centrePath: centre!.path, specialties: ['neighbour'], title: null, phone: null, departmentId: null, active: true, username: id, updatedAt: null });
  const now = new Date();
  await models.Credential.collection.insertOne({ _id: passwordKey(id) as never, personId: id, hash: await hashPassword('a long enough password'), createdAt: now, updatedAt: now });

  const { page, errors, context } = await newPage(web);
  await page.goto('/signin');
  await page.locator('input[name=username]').fill(id);
  await page.locator('input[name=password]').fill('a long enough password');
  await page.getByTestId('password-submit').click();
  await page.waitForURL((url) => url.pathname === '/queue');

  await models.Person.updateOne({ _id: id }, { $set: { active: false } });
  await new Promise((r) => setTimeout(r, 2_100));
  await page.goto('/queue');
  await page.waitForURL(/\/signin\?expired=1/);
  await page.getByTestId('signin').waitFor();
  await screenshot(page, '35-signin-after-deactivation-zh-desktop');
  expect(errors).toEqual([]);
  await context.close();
});
