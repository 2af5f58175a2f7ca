// The dashboard read in English and Chinese, at desktop and phone width: every chart label
// whole (the stage chart cut "Expert consultation" to ":pert consultation"), and the
// satisfaction bar says its number.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
beforeAll(async () => {
  web = await startWebEnv('e2e-dashboard');
});
afterAll(async () => {
  await web?.stop();
});

for (const lang of ['en', 'zh'] as const) {
  for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
    it(`labels fit and the satisfaction bar has its number (${lang}, ${label})`, async () => {
      const { page, errors, context } = await newPage(web, { width, height });
      await signInAs(page, 'p-zz-admin');
      await page.evaluate(`localStorage.setItem('onedoor.lang', '${lang}')`);
      await page.goto('/dashboard');
      await page.getByTestId('stat-overdue').waitFor();
      const cut = await page.evaluate(`[...document.querySelectorAll('svg text.chart-label')].filter((t) => t.getBBox().x < 0).map((t) => t.textContent)`);
      expect(cut).toEqual([]);
      expect(await page.locator('svg text.chart-label').count()).toBeGreaterThan(5);
      expect((await page.getByTestId('satisfaction-bar').locator('text').textContent())?.trim()).toMatch(/^(—|\d\.\d \/ 5)$/);
      await screenshot(page, `75-dashboard-${lang}-${label}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
}
