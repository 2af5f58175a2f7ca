// Staff single sign-on in the browser: the sign-in page's link, the provider's own
// login and consent pages (oidc-provider, run in the test), and back into onedoor on
// the person's home page. Someone the provider knows but onedoor does not is sent
// back to the sign-in page with the message.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage, screenshot, startWebEnv, type WebEnv } from './helpers';
import { listenOidcProvider, OIDC_CLIENT, type TestProvider } from '../helpers/oidc-provider';

let web: WebEnv;
let provider: TestProvider;

beforeAll(async () => {
  provider = await listenOidcProvider();
  // No ONEDOOR_PUBLIC_URL: in development the redirect URI is made from the address the browser used.
  web = await startWebEnv('e2e-sso', { settings: () => ({ oidc: { issuer: provider.issuer, clientId: OIDC_CLIENT.id, clientSecret: OIDC_CLIENT.secret, claim: 'preferred_username' } }) });
  provider.serve(`${web.baseUrl}/api/v1/session/oidc/callback`);
});
afterAll(async () => {
  await web?.stop();
  await provider?.close();
});

/** On the provider's development pages: log in as `login` (any password), then consent. */
async function signInAtProvider(page: Page, login: string, shots?: string): Promise<void> {
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  if (shots) await screenshot(page, `${shots}-provider-login`);
  await page.locator('button[type=submit]').click();
  await page.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
  if (shots) await screenshot(page, `${shots}-provider-consent`);
  await page.locator('button[type=submit]').click();
}

it('a mediator clicks single sign-on, signs in at the provider and lands on their queue, signed in', async () => {
  const { page, errors, context } = await newPage(web);
  await page.goto('/signin');
  await page.getByTestId('sso-link').waitFor();
  await screenshot(page, 'sso-1-signin-link-zh');
  await page.getByTestId('sso-link').click();
  await signInAtProvider(page, 'p-xiaoxi-med-neighbour', 'sso-2');
  await page.waitForURL((url) => url.origin === web.baseUrl && url.pathname === '/queue');
  await expect.poll(() => page.getByTestId('who').innerText()).toContain('蔡明辉');
  await screenshot(page, 'sso-3-signed-in-queue-zh');
  const session = await page.request.get('/api/v1/session');
  expect(await session.json()).toMatchObject({ person: { id: 'p-xiaoxi-med-neighbour', role: 'mediator' }, method: 'oidc' });
  const cookie = (await context.cookies()).find((c) => c.name === 'onedoor_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(errors).toEqual([]);
  await context.close();
});

it('goes back to the page the person was opening', async () => {
  const { page, errors, context } = await newPage(web);
  await page.goto('/dashboard');
  await page.waitForURL(/\/signin\?next=/);
  await page.getByTestId('sso-link').click();
  await signInAtProvider(page, 'p-xiaoxi-med-building');
  await page.waitForURL((url) => url.origin === web.baseUrl && url.pathname === '/dashboard');
  await expect.poll(() => page.getByTestId('who').innerText()).toContain('吴海涛');
  expect(errors).toEqual([]);
  await context.close();
});

it('someone onedoor does not know is sent back to the sign-in page with the message', async () => {
  const { page, errors, context } = await newPage(web);
  await page.goto('/signin');
  await page.getByTestId('sso-link').click();
  await signInAtProvider(page, 'somebody-else');
  await page.waitForURL((url) => url.origin === web.baseUrl && url.pathname === '/signin' && url.searchParams.get('sso') === 'failed');
  await expect.poll(() => page.getByRole('alert').innerText()).toContain('统一身份认证登录未成功');
  await screenshot(page, 'sso-4-failed-zh');
  expect((await context.cookies()).find((c) => c.name === 'onedoor_session')).toBeUndefined();
  expect(errors).toEqual([]);
  await context.close();
});
