// Missed deadlines in the picture: with time shrunk, an untouched case climbs by itself from
// the village to the city as each centre's handling limit passes, and the city administrator's
// timeline shows every breach.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tokenFor } from '../api/helpers';
import { eventually } from '../helpers/temporal';
import { apiCase, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
beforeAll(async () => {
  // A high-risk case's handling limit of one working day becomes 8.6 s at each level; acceptance, 30 ms.
  web = await startWebEnv('e2e-timeline', { timeScale: 0.0001 });
});
afterAll(async () => {
  await web?.stop();
});

it('breached stage visits are marked on the timeline, and the case is in the overdue list', async () => {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
    body: JSON.stringify({
      category: 'public_facility_hazard',
      title: '公交站广告亭玻璃破碎',
      description: '公交站候车亭广告灯箱玻璃破碎，碎片散落在人行道上，无人处理。',
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 8 号楼' },
      complainant: { name: '王秀兰', phone: '13800001234' },
    }),
  });
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { id: string }).id;
  await eventually(async () => (await apiCase(web, id, 'p-zz-admin')).level === 'city', 100_000);

  const { page, errors, context } = await newPage(web);
  await signInAs(page, 'p-zz-admin');
  await page.goto(`/cases/${id}/timeline`);
  await page.getByTestId('timeline-page').waitFor();
  const breached = page.locator('[data-testid=timeline-svg] g.visit[data-breached=true]');
  expect(await breached.count()).toBeGreaterThanOrEqual(3);
  expect(await breached.first().locator('.breach-label').textContent()).toContain('超时');
  const levels = await breached.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-level')));
  expect(levels.slice(0, 3)).toEqual(['village', 'town', 'county']);
  const events = await page.locator('[data-testid=events] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
  expect(events.filter((type) => type === 'escalated').length).toBe(3);
  const table = await page.getByTestId('events').innerText();
  expect(table).toContain('系统');
  // People by name and escalations in words: no ids, no "上报 → 上报".
  expect(table).not.toMatch(/\bp-[a-z0-9-]+/);
  expect(table).toContain('超时自动上报');
  expect(table).not.toContain('上报 → 上报');
  await screenshot(page, '12-timeline-breaches');

  // On a phone the chart keeps a readable size and scrolls inside its card, not the page.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.getByTestId('timeline-svg').waitFor();
  expect((await page.getByTestId('timeline-svg').boundingBox())!.width).toBeGreaterThanOrEqual(600);
  const labelHeight = await page.evaluate(`document.querySelector('[data-testid=timeline-svg] .row-label').getBoundingClientRect().height`);
  expect(labelHeight).toBeGreaterThanOrEqual(10);
  expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
  await screenshot(page, '13-timeline-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Overdue at the city, with nowhere higher to go: the case page says overdue, not "no deadline".
  await page.goto(`/cases/${id}`);
  await page.getByTestId('case-page').waitFor();
  expect(await page.getByTestId('overdue').count()).toBeGreaterThan(0);
  expect(await page.getByTestId('case-page').innerText()).not.toContain('无时限');
  // Its history tells the climb: each deadline passed and each automatic move, not two lines.
  const history = await page.getByTestId('history').innerText();
  for (const centre of ['小溪镇', '平和县', '漳州市']) expect(history).toContain(`超过时限，自动上报至${centre}`);
  expect(history).toContain('“受理”超过时限');
  expect(history.split('\n').length).toBeGreaterThanOrEqual(7);

  await page.goto('/dashboard');
  await eventually(async () => {
    await page.goto('/dashboard');
    await page.getByTestId('overdue-list').waitFor();
    return (await page.getByTestId('overdue-list').locator('a', { hasText: /ZZ-/ }).count()) > 0;
  }, 30_000);
  expect(errors).toEqual([]);
  await context.close();
}, 180_000);
