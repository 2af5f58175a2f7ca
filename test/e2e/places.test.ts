// Places and duplicates in Chromium, at desktop and phone size, in Chinese and English. A
// resident on a phone gives her location after saying yes to the question (Chromium is
// granted a fixed position), a second report drops a pin on the map and is told that a
// similar report exists, never whose; the village's officer sees both on the map of the
// case, finds the first among the similar open cases and closes the second as its
// duplicate, with the pointer on both pages; the county's staff map clusters its open
// cases, filters them and opens one on a click. Tiles come from a tile server this test
// serves itself, credited on the map; with no tile server the map still works offline.
import http, { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { TEST_SECRET, tokenFor } from '../api/helpers';
import { apiCase, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';
import { eventually } from '../helpers/temporal';

const LIUAN = 'zz-nanjing-shancheng-liuan';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** Where the phone says it is: beside Liu'an village's office. */
const HERE = { latitude: 24.5312, longitude: 117.3493, accuracy: 15 };

let web: WebEnv;
let tiles: Server;
let tileRequests = 0;
let offline: { server: Server; baseUrl: string };

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return address && typeof address === 'object' ? address.port : 0;
}

beforeAll(async () => {
  // A tile server of our own: every tile a light square with a grid, so a screenshot shows they loaded.
  const tile = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#dfeee0"/><path d="M0 0H256V256" fill="none" stroke="#9fbfa2" stroke-width="2"/><circle cx="128" cy="128" r="3" fill="#9fbfa2"/></svg>')).png().toBuffer();
  tiles = createServer((req, res) => {
    if (!/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) {
      res.writeHead(404).end();
      return;
    }
    tileRequests += 1;
    res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' }).end(tile);
  });
  const tilePort = await listen(tiles);
  web = await startWebEnv('e2e-places', { settings: () => ({ mapTiles: { url: `http://127.0.0.1:${tilePort}/tiles/{z}/{x}/{y}.png`, attribution: '© 测试底图 Test tiles', maxZoom: 18 } }) });
  // The same stack without a tile server, as a deployment that configures none.
  const server = http.createServer();
  const port = await listen(server);
  const config = { ...loadConfig(), taskQueue: web.env.taskQueue, jwtSecret: TEST_SECRET, logLevel: 'silent' as const, intakeRatePerMinute: 0, signInRatePerMinute: 0, signInFailuresPerAddress: 0 };
  server.on('request', createApp({ config, db: web.env.db, temporal: web.env.temporal }));
  offline = { server, baseUrl: `http://127.0.0.1:${port}` };
});

afterAll(async () => {
  await new Promise<void>((resolve) => (offline?.server ? offline.server.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (tiles ? tiles.close(() => resolve()) : resolve()));
  await web?.stop();
});

/** A page (failing on any script error or CSP report) whose browser is where `HERE` is, and may say so. */
async function page(options: { viewport?: typeof DESKTOP; baseUrl?: string; lang?: 'zh' | 'en'; location?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await web.browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    locale: 'zh-CN',
    baseURL: options.baseUrl ?? web.baseUrl,
    geolocation: HERE,
    // Without the permission, Chromium refuses the page's request as a person who said no would.
    permissions: options.location === false ? [] : ['geolocation'],
  });
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (error) => errors.push(error.message));
  p.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  p.setDefaultTimeout(15_000);
  if (options.lang === 'en') await p.addInitScript("localStorage.setItem('onedoor.lang', 'en')");
  return { context, page: p, errors };
}

/** Nothing wider than the screen (maps clip their own panes), no untranslated key. */
async function looksRight(p: Page): Promise<void> {
  const wide = await p.evaluate(`[...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !el.closest('.map, .table-wrap, .progress, .timeline-chart'))
    .slice(0, 5).map((el) => el.tagName + '.' + el.className)`);
  expect(wide, 'wider than the screen').toEqual([]);
  const text = await p.locator('body').innerText();
  expect(text).not.toMatch(/\b(loc|map|dup|similar|field|action|err|nav|dash)\.[a-zA-Z_.]+/);
}

async function fillReport(p: Page, title: string, category = 'building_safety'): Promise<void> {
  await p.goto('/report');
  const form = p.getByTestId('report-form');
  await form.locator('select[name=category]').selectOption(category);
  await form.locator('input[name=title]').fill(title);
  await form.locator('textarea[name=description]').fill('老房子墙体开裂，担心倒塌');
  await form.locator('input[name=address]').fill('六安村 2 组');
  await form.locator('select[name=village]').selectOption(LIUAN);
}

async function submitReport(p: Page): Promise<string> {
  const created = p.waitForResponse((res) => res.url().endsWith('/api/v1/cases') && res.request().method() === 'POST');
  await p.getByTestId('submit-report').click();
  const res = await created;
  expect(res.status()).toBe(201);
  await p.getByTestId('report-done').waitFor();
  return ((await res.json()) as { id: string }).id;
}

let first = '';
let second = '';

describe('a resident reports with her location', () => {
  it('asks before reading the phone’s location, then keeps it with the report (phone, zh)', async () => {
    const { page: p, errors, context } = await page({ viewport: PHONE });
    await signInAs(p, 'p-liuan-resident');
    await fillReport(p, '邻居老屋墙体开裂');
    await p.getByTestId('location-device').click();
    // Nothing is read before she agrees.
    await p.getByTestId('location-consent').waitFor();
    expect(await p.getByTestId('location-none').isVisible()).toBe(true);
    await looksRight(p);
    await screenshot(p, 'places-01-consent-phone-zh');
    await p.getByTestId('location-agree').click();
    await p.getByTestId('location-set').waitFor();
    expect(await p.getByTestId('location-set').innerText()).toContain('24.5312');
    await p.locator('.pin-map .leaflet-tile-loaded').first().waitFor();
    await looksRight(p);
    await screenshot(p, 'places-02-located-phone-zh');
    first = await submitReport(p);
    // Suggestions read the API's copy of case_index: wait until the case is there.
    await eventually(async () => {
      const res = await fetch(`${web.baseUrl}/api/v1/map/cases`, { headers: { Authorization: `Bearer ${tokenFor('p-liuan-admin')}` } });
      return ((await res.json()) as { items: { id: string }[] }).items.some((item) => item.id === first);
    }, 20_000);
    const stored = await apiCase(web, first, 'p-liuan-admin');
    expect(stored.location).toMatchObject({ lat: HERE.latitude, lng: HERE.longitude, accuracy: HERE.accuracy, source: 'device' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a second report drops a pin and learns a similar one exists, never whose (phone, en)', async () => {
    const { page: p, errors, context } = await page({ viewport: PHONE, lang: 'en' });
    await signInAs(p, 'p-liuan-resident');
    await fillReport(p, 'Cracked wall again');
    await p.getByTestId('location-pin').click();
    const map = p.getByTestId('pin-map');
    await map.waitFor();
    await p.locator('.pin-map .leaflet-tile-loaded').first().waitFor();
    const box = await map.boundingBox();
    if (!box) throw new Error('no pin map');
    await p.mouse.click(box.x + box.width / 2 + 10, box.y + box.height / 2 + 10);
    await p.getByTestId('location-set').waitFor();
    expect(await p.getByTestId('location-set').innerText()).toMatch(/^Pin placed: 24\.5\d*, 117\.3\d*/);
    await p.getByTestId('similar-resident').waitFor();
    const banner = await p.getByTestId('similar-before-filing').innerText();
    expect(banner).toContain('you can still submit');
    expect(banner).not.toMatch(/ZZ-\d{8}/);
    expect(await p.locator('.leaflet-control-attribution').first().innerText()).toContain('Test tiles');
    await looksRight(p);
    await screenshot(p, 'places-03-pin-similar-phone-en');
    second = await submitReport(p);
    expect((await apiCase(web, second, 'p-liuan-admin')).location).toMatchObject({ source: 'pin' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a phone that will not tell its location', () => {
  it('says so and offers the pin instead; the report can go without a location (phone, zh)', async () => {
    const { page: p, errors, context } = await page({ viewport: PHONE, location: false });
    await signInAs(p, 'p-liuan-resident');
    await fillReport(p, '路边挡土墙松动', 'public_facility_hazard');
    await p.getByTestId('location-device').click();
    await p.getByTestId('location-agree').click();
    await p.getByTestId('location-problem').waitFor();
    expect(await p.getByTestId('location-problem').innerText()).toContain('在地图上选点');
    expect(await p.getByTestId('location-none').isVisible()).toBe(true);
    await looksRight(p);
    await screenshot(p, 'places-03b-location-denied-phone-zh');
    // Declining the question reads nothing at all.
    await p.getByTestId('location-device').click();
    await p.getByTestId('location-decline').click();
    expect(await p.getByTestId('location-consent').count()).toBe(0);
    const id = await submitReport(p);
    expect((await apiCase(web, id, 'p-liuan-admin')).location).toMatchObject({ lat: null, lng: null, source: null });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the village’s officer closes the second as a duplicate', () => {
  it('sees where it is, the similar open case, and links them (desktop, zh)', async () => {
    const { page: p, errors, context } = await page();
    await signInAs(p, 'p-liuan-admin');
    await p.goto(`/cases/${second}`);
    await p.getByTestId('case-page').waitFor();
    await p.locator('[data-testid=case-map] .leaflet-marker-icon').waitFor();
    const similar = p.getByTestId('similar-cases');
    await similar.waitFor();
    const firstNumber = (await apiCase(web, first, 'p-liuan-admin')).caseNumber as string;
    expect(await similar.innerText()).toContain(firstNumber);
    await looksRight(p);
    await screenshot(p, 'places-04-case-similar-desktop-zh');
    await p.getByTestId('action-mark_duplicate').click();
    const form = p.getByTestId('form-mark_duplicate');
    await form.locator(`select[name=originalCaseId] option[value="${first}"]`).waitFor({ state: 'attached' });
    // Nothing chosen: the reader is told what to choose, in Chinese.
    await p.getByTestId('submit-mark_duplicate').click();
    expect(await p.getByTestId('error-originalCaseId').innerText()).toBe('请选择一件仍在办理、您可查看的原案件');
    await form.locator('select[name=originalCaseId]').selectOption(first);
    await form.locator('textarea[name=reason]').fill('同一处老屋');
    await p.getByTestId('submit-mark_duplicate').click();
    await p.getByTestId('duplicate-of').waitFor();
    expect(await p.getByTestId('duplicate-of').innerText()).toContain(firstNumber);
    expect(await p.getByTestId('case-stage').innerText()).toBe('已办结');
    await looksRight(p);
    await screenshot(p, 'places-05-duplicate-closed-desktop-zh');
    // The administrators' timeline names the event.
    await p.goto(`/cases/${second}/timeline`);
    await p.getByTestId('timeline-page').waitFor();
    const timeline = await p.getByTestId('timeline-page').innerText();
    expect(timeline).toContain('合并为重复反映');
    expect(timeline).toContain(`原案件：${firstNumber}`);
    expect(timeline).not.toContain(first);
    await screenshot(p, 'places-05b-duplicate-timeline-desktop-zh');
    await p.goto(`/cases/${second}`);
    await p.getByTestId('duplicate-of').waitFor();
    await p.getByTestId('duplicate-of-link').click();
    await p.getByTestId('duplicates').waitFor();
    expect(await p.getByTestId('duplicates').innerText()).toContain((await apiCase(web, second, 'p-liuan-admin')).caseNumber as string);
    await screenshot(p, 'places-06-original-desktop-zh');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the original on a phone in English: its place and the duplicate joined to it', async () => {
    const { page: p, errors, context } = await page({ viewport: PHONE, lang: 'en' });
    await signInAs(p, 'p-liuan-admin');
    await p.goto(`/cases/${first}`);
    await p.getByTestId('duplicates').waitFor();
    expect(await p.getByTestId('duplicates').innerText()).toContain('Duplicate reports joined to this case');
    await p.locator('[data-testid=case-map] .leaflet-marker-icon').waitFor();
    await looksRight(p);
    await screenshot(p, 'places-07-original-phone-en');
    // The village's dashboard counts the duplicate apart, not as a case closed.
    await p.goto('/dashboard');
    await p.getByTestId('stat-duplicates').waitFor();
    expect(await p.getByTestId('stat-duplicates').locator('.stat-value').innerText()).toBe('1');
    await screenshot(p, 'places-07b-dashboard-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** Reports at Yanta village, a few metres apart, filed by the county's staff: a cluster on the map. */
async function yantaCluster(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-nanjing-admin')}` },
      body: JSON.stringify({
        category: 'labour_dispute',
        title: `工资拖欠 ${i + 1}`,
        description: '工地拖欠工资',
        channel: 'walk_in',
        location: { centreId: 'zz-nanjing-shancheng-yanta', address: '雁塔村工地', lat: 24.5092 + i * 0.0004, lng: 117.3661 + i * 0.0003 },
        complainant: { name: `工人${i + 1}`, phone: `1390000${String(1000 + i)}` },
      }),
    });
    expect(res.status).toBe(201);
  }
  // The map reads what the worker has written: wait until all four are there.
  await eventually(async () => {
    const res = await fetch(`${web.baseUrl}/api/v1/map/cases?category=labour_dispute`, { headers: { Authorization: `Bearer ${tokenFor('p-nanjing-admin')}` } });
    const body = (await res.json()) as { items: { villageId: string }[] };
    return body.items.filter((item) => item.villageId === 'zz-nanjing-shancheng-yanta').length >= 4;
  }, 20_000);
}

describe('staff taking a report', () => {
  it('see which open cases it may repeat before they file it (desktop, en)', async () => {
    const { page: p, errors, context } = await page({ lang: 'en' });
    await signInAs(p, 'p-liuan-admin');
    await fillReport(p, 'Wall cracked, reported at the desk');
    const list = p.getByTestId('similar-list');
    await list.waitFor();
    const firstNumber = (await apiCase(web, first, 'p-liuan-admin')).caseNumber as string;
    expect(await list.innerText()).toContain(firstNumber);
    // The duplicate is closed: never suggested.
    expect(await list.innerText()).not.toContain((await apiCase(web, second, 'p-liuan-admin')).caseNumber as string);
    await looksRight(p);
    await screenshot(p, 'places-07c-staff-report-similar-desktop-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the staff map', () => {
  it('clusters the area’s open cases, filters them, and a click opens the case (desktop, zh)', async () => {
    await yantaCluster();
    const { page: p, errors, context } = await page();
    await signInAs(p, 'p-nanjing-admin');
    await p.goto('/map');
    await p.getByTestId('map-page').waitFor();
    await p.getByTestId('map-count').waitFor();
    // The four close together are drawn as a cluster (with whatever else other tests put near them).
    await p.locator('[data-testid=case-map] .marker-cluster').first().waitFor();
    const clustered = await p.locator('[data-testid=case-map] .marker-cluster').allInnerTexts();
    expect(Math.max(...clustered.map(Number))).toBeGreaterThanOrEqual(4);
    await screenshot(p, 'places-08a-map-clustered-desktop-zh');
    await p.locator('[data-testid=case-map] .leaflet-tile-loaded').first().waitFor();
    expect(tileRequests).toBeGreaterThan(0);
    expect(await p.locator('[data-testid=case-map] .leaflet-control-attribution').innerText()).toContain('测试底图');
    // Listen before choosing: the filtered answer can arrive before a listener set up after the choice.
    const filtered = p.waitForResponse((res) => res.url().includes('/api/v1/map/cases') && res.url().includes('building_safety'));
    await p.locator('select[name=category]').selectOption('building_safety');
    await filtered;
    // Other open cases of the area may lie close by: open clusters until the case's own marker shows.
    const marker = p.locator(`[data-case="${first}"]`);
    for (let i = 0; i < 8 && !(await marker.isVisible()); i++) {
      await marker.waitFor({ timeout: 1_500 }).catch(() => undefined);
      if (await marker.isVisible()) break;
      await p.locator('[data-testid=case-map] .marker-cluster').first().click();
    }
    await marker.waitFor();
    // The duplicate is closed: not on the map of open cases.
    expect(await p.locator(`[data-case="${second}"]`).count()).toBe(0);
    await looksRight(p);
    await screenshot(p, 'places-08-map-desktop-zh');
    await p.locator(`[data-case="${first}"]`).click();
    await p.waitForURL((url) => url.pathname === `/cases/${first}`);
    await p.getByTestId('case-page').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works with no tile server: a plain background with the centres, offline (phone, en)', async () => {
    const before = tileRequests;
    const { page: p, errors, context } = await page({ viewport: PHONE, baseUrl: offline.baseUrl, lang: 'en' });
    await signInAs(p, 'p-nanjing-admin');
    await p.goto('/map');
    await p.getByTestId('map-offline').waitFor();
    await p.locator('[data-testid=case-map] canvas.leaflet-tile').first().waitFor();
    await p.locator('[data-testid=case-map] .leaflet-marker-icon').first().waitFor();
    expect(await p.locator('.centre-label').count()).toBeGreaterThan(0);
    expect(tileRequests).toBe(before);
    await looksRight(p);
    await screenshot(p, 'places-09-map-offline-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});
