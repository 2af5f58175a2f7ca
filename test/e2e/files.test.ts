// Photos and files in Chromium: a resident picks photos for a report (previews, progress, a
// refused file explained in her language), the case page shows their thumbnails and opens
// the full picture; on a phone, in English, the village records a disposal with a photo
// and sees the Open311 picture link. Screenshots under test-output/screenshots/files-*.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tokenFor } from '../api/helpers';
import { eventually } from '../helpers/temporal';
import { apiAct, doAction, newPage, screenshot, signInAs, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
beforeAll(async () => {
  web = await startWebEnv('e2e-files');
});
afterAll(async () => {
  await web?.stop();
});

const PHONE = { width: 390, height: 844 };

/** A photo with something to see: a leaning lamp post against the sky, as a phone would send it (EXIF and all). */
async function photo(label: string, colour = '#3b7dd8'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
    <rect width="1200" height="900" fill="${colour}"/><rect y="620" width="1200" height="280" fill="#6d6d6d"/>
    <rect x="560" y="160" width="40" height="480" fill="#333" transform="rotate(12 580 640)"/>
    <circle cx="650" cy="170" r="46" fill="#ffd54f"/><text x="60" y="110" font-size="72" fill="#fff">${label}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).withExif({ IFD0: { Make: 'PhoneCam' } }).toBuffer();
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function createCase(personId: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor(personId)}` },
    body: JSON.stringify({
      category: 'public_facility_hazard',
      title: '路灯杆倾斜',
      description: '小区门口路灯杆倾斜，随时可能倒下。',
      channel: 'grid',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' },
      complainant: { name: '李俊杰', phone: '13900001111' },
      ...body,
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** An image element as the page holds it (the test's own types have no DOM). */
type Picture = { complete: boolean; naturalWidth: number };

/** Every thumbnail on the page has loaded a real picture. */
async function thumbnailsLoaded(page: Page): Promise<number[]> {
  const images = page.getByTestId('case-files').locator('img');
  // Thumbnails load lazily: in sight first (other cards, such as similar cases, can push the strip below the fold).
  for (const image of await images.all()) await image.scrollIntoViewIfNeeded();
  await expect.poll(async () => images.evaluateAll((els) => els.every((el) => (el as unknown as Picture).complete && (el as unknown as Picture).naturalWidth > 0)), { timeout: 20_000 }).toBe(true);
  return images.evaluateAll((els) => els.map((el) => (el as unknown as Picture).naturalWidth));
}

describe('a resident reports with photos', () => {
  let caseUrl = '';

  it('picks photos and a PDF: previews, then each uploaded; a web page named .jpg is refused in Chinese', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-resident');
    await page.goto('/report');
    const form = page.getByTestId('report-form');
    await form.locator('select[name=category]').selectOption('public_facility_hazard');
    await form.locator('input[name=title]').fill('路灯杆倾斜');
    await form.locator('textarea[name=description]').fill('小区门口路灯杆倾斜，随时可能倒下，请尽快处理。');
    await form.locator('select[name=village] option[value="zz-pinghe-xiaoxi-dongmen"]').waitFor({ state: 'attached' });
    await form.locator('input[name=address]').fill('东门社区 3 号楼门口');
    await form.locator('input[name=phone]').fill('13800001234');
    await form.getByTestId('file-input').setInputFiles([
      { name: '路灯-近景.jpg', mimeType: 'image/jpeg', buffer: await photo('近景') },
      { name: '路灯-远景.jpg', mimeType: 'image/jpeg', buffer: await photo('远景', '#5c9e4a') },
      { name: '情况说明.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: '假照片.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<!doctype html><p>not a photo</p>') },
    ]);
    await expect.poll(() => form.getByTestId('upload-done').count()).toBe(3);
    const refused = form.getByTestId('upload-error');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('只能上传照片');
    // Previews of the two photos; the PDF and the refused file show an icon.
    expect(await form.getByTestId('picked-file').locator('img').count()).toBe(2);
    await screenshot(page, 'files-report-desktop-zh');
    // The refused one goes; the report names the three that were taken.
    await form.getByTestId('picked-file').filter({ hasText: '假照片.jpg' }).getByRole('button').click();
    await page.getByTestId('submit-report').click();
    await page.getByTestId('report-done').waitFor();
    await page.getByTestId('view-case').click();
    await page.getByTestId('case-files').waitFor();
    caseUrl = new URL(page.url()).pathname;
    expect(await page.getByTestId('case-file').count()).toBe(3);
    expect(await page.locator('[data-testid=case-file][data-kind=pdf]').count()).toBe(1);
    expect((await thumbnailsLoaded(page)).every((width) => width <= 320)).toBe(true);
    await screenshot(page, 'files-case-desktop-zh');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a thumbnail opens the full picture, and Escape closes it', async () => {
    const { page, errors, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-admin');
    await page.goto(caseUrl);
    await page.getByTestId('case-file').first().getByRole('button').click();
    const full = page.getByTestId('lightbox').locator('img');
    await expect.poll(() => full.evaluate((el) => (el as unknown as Picture).naturalWidth)).toBe(1200);
    await screenshot(page, 'files-lightbox-desktop-zh');
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('another resident sees neither the case nor its pictures', async () => {
    const { page, context } = await newPage(web);
    await signInAs(page, 'p-dongmen-resident-2');
    const fileId = /\/cases\/(case_[0-9a-f]+)/.exec(caseUrl)?.[1] ?? '';
    const res = await page.request.get(`/api/v1/cases/${fileId}/files`);
    expect(res.status()).toBe(404);
    await context.close();
  });
});

describe('on a phone, in English', () => {
  it('the village records a disposal with a photo; the page shows it beside the Open311 picture link', async () => {
    const id = await createCase('p-dongmen-grid');
    await apiAct(web, id, 'p-dongmen-admin', { type: 'accept' });
    await apiAct(web, id, 'p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] });
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-dongmen-admin');
    await page.goto(`/cases/${id}`);
    await page.locator('.menu-toggle').click();
    await page.getByTestId('lang-toggle').click();
    await doAction(page, 'record_disposal', async (form) => {
      await form.locator('textarea[name=summary]').fill('The post was straightened and bolted down; the area is safe.');
      await form.getByTestId('file-input').setInputFiles([{ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo('after', '#8e44ad') }]);
      await form.getByTestId('upload-done').waitFor();
      await screenshot(page, 'files-disposal-form-phone-en');
    });
    await page.getByTestId('case-files').waitFor();
    expect(await page.getByTestId('case-file').innerText()).toContain('Disposal');
    await thumbnailsLoaded(page);
    await screenshot(page, 'files-case-phone-en');
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a resident who shares the place reports with a photo; the case says the photo keeps it', async () => {
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-dongmen-resident');
    await page.goto('/report');
    await page.locator('.menu-toggle').click();
    await page.getByTestId('lang-toggle').click();
    const form = page.getByTestId('report-form');
    await form.locator('select[name=category]').selectOption('building_safety');
    await form.locator('input[name=title]').fill('Cracked wall next door');
    await form.locator('textarea[name=description]').fill('The old house next door has a crack from the roof to the ground.');
    await form.locator('select[name=village] option[value="zz-pinghe-xiaoxi-dongmen"]').waitFor({ state: 'attached' });
    await form.locator('input[name=address]').fill('Lane 2, Dongmen');
    await form.locator('input[name=phone]').fill('13800001234');
    await form.locator('input[name=sharePlace]').check();
    await form.getByTestId('file-input').setInputFiles([{ name: 'crack.jpg', mimeType: 'image/jpeg', buffer: await photo('crack', '#a0522d') }]);
    await form.getByTestId('upload-done').waitFor();
    await screenshot(page, 'files-report-phone-en');
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByTestId('submit-report').click();
    await page.getByTestId('report-done').waitFor();
    await page.getByTestId('view-case').click();
    await page.getByTestId('case-files').waitFor();
    expect(await page.getByTestId('case-file').innerText()).toContain('with the place');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an Open311 request’s picture link is shown as a link', async () => {
    const res = await fetch(`${web.baseUrl}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
      body: JSON.stringify({ service_code: 'public_facility_hazard', description: 'Street lamp out at gate 3', address_id: 'zz-pinghe-xiaoxi-dongmen', phone: '13800001234', media_url: 'https://img.example.cn/lamp.jpg' }),
    });
    expect(res.status).toBe(201);
    const number = ((await res.json()) as { service_request_id: string }[])[0]?.service_request_id ?? '';
    const { page, errors, context } = await newPage(web, PHONE);
    await signInAs(page, 'p-dongmen-admin');
    // Lists read the API's copy of case_index, which catches up in the background.
    const caseId = await eventually(async () => {
      const list = await page.request.get('/api/v1/cases', { params: { q: number } });
      return ((await list.json()) as { items: { id: string }[] }).items[0]?.id;
    });
    await page.goto(`/cases/${caseId}`);
    const link = page.getByTestId('media-url').locator('a');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://img.example.cn/lamp.jpg');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await screenshot(page, 'files-media-url-phone-zh');
    expect(errors).toEqual([]);
    await context.close();
  });
});
