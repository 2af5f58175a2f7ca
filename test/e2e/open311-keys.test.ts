// The city's administrator issues a key to a client system on the administration page,
// the system files a request with it, and once revoked the key files nothing more.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
beforeAll(async () => {
  web = await startWebEnv('e2e-open311-keys');
});
afterAll(async () => {
  await web?.stop();
});

const fileWith = (key: string) =>
  fetch(`${web.baseUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: key, service_code: 'public_facility_hazard', description: '路口井盖缺失，夜里很危险', address_id: 'zz-pinghe-xiaoxi-dongmen', address_string: '幸福路口', first_name: '国华', last_name: '黄', phone: '13912345678' }),
  });

for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
  it(`issues, shows once and revokes a key (${label})`, async () => {
    const { page, errors, context } = await newPage(web, { width, height });
    await signInAs(page, 'p-zz-admin');
    await page.goto('/admin');
    await page.getByTestId('admin-tab-open311').click();
    await page.getByTestId('admin-open311').waitFor();
    await page.getByTestId('open311-submit').click();
    await page.getByTestId('error-name').waitFor();
    const system = `FixMyStreet 漳州 ${label} ${Date.now()}`;
    await page.locator('input[name=name]').fill(system);
    await page.getByTestId('open311-submit').click();
    const key = (await page.getByTestId('open311-key').innerText()).trim();
    expect(key).toMatch(/^o311_/);
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await screenshot(page, `70-open311-key-issued-zh-${label}`);
    expect((await fileWith(key)).status).toBe(201);

    const row = page.locator('tr', { hasText: system });
    const revoke = row.locator('[data-testid^="revoke-"]').first();
    await revoke.click();
    await row.locator('[data-testid$="-yes"]').click();
    await expect.poll(() => row.innerText()).toContain('已于');
    await page.reload();
    await page.getByTestId('open311-table').waitFor();
    expect(await page.getByTestId('open311-key').count()).toBe(0);
    await screenshot(page, `71-open311-key-revoked-zh-${label}`);
    expect((await fileWith(key)).status).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });
}

it('a county administrator is not offered the keys', async () => {
  const { page, context } = await newPage(web);
  await signInAs(page, 'p-pinghe-admin');
  await page.goto('/admin');
  await page.getByTestId('admin-tab-people').waitFor();
  expect(await page.getByTestId('admin-tab-open311').count()).toBe(0);
  await context.close();
});
