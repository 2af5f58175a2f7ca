// docs/domain.md, case 3 in a real browser: shops occupying an estate's common space in Dongmen
// community (Xiaoxi town, Pinghe County), from the resident's report through every stage
// to the rating, each step done by the person the story names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tokenFor } from '../api/helpers';
import { apiAct, apiCase, doAction, newPage, openCase, screenshot, signInAs, signOut, startWebEnv, type WebEnv } from './helpers';

let web: WebEnv;
let page: Page;
let errors: string[] = [];
let caseId = '';
let caseNumber = '';

beforeAll(async () => {
  web = await startWebEnv('e2e-case3');
  ({ page, errors } = await newPage(web));
});
afterAll(async () => {
  expect(errors).toEqual([]);
  await web?.stop();
});

async function switchTo(personId: string): Promise<void> {
  await signOut(page);
  await signInAs(page, personId);
}

const text = (testid: string) => page.getByTestId(testid).first().innerText();

describe('case 3 through the web UI', () => {
  it('the resident reports it from the phone platform and sees the case number at once', async () => {
    await page.goto('/');
    await expect.poll(() => page.locator('h1').innerText()).toBe('欢迎使用一门通');
    await page.goto('/dev');
    await page.getByTestId('signin-p-dongmen-resident').waitFor();
    await screenshot(page, '01-dev-signin');
    await page.getByTestId('signin-p-dongmen-resident').click();
    await page.waitForURL('**/mine');
    expect(await text('who')).toContain('王秀兰');

    await page.getByTestId('nav-report').click();
    const form = page.getByTestId('report-form');
    await form.waitFor();
    await form.locator('select[name=category]').selectOption('estate_dispute');
    await form.locator('input[name=title]').fill('临街商铺占用小区公共区域');
    await form.locator('textarea[name=description]').fill('业主代表反映临街商铺占用小区公共空间，业主、商户与物业三方冲突激烈，存在引发群体性事件的风险。');
    // The place comes from the organisation tree; the resident's own community is preselected.
    expect(await form.locator('select[name=county]').inputValue()).toBe('zz-pinghe');
    expect(await form.locator('select[name=town]').inputValue()).toBe('zz-pinghe-xiaoxi');
    await form.locator('select[name=village]').selectOption('zz-pinghe-xiaoxi-dongmen');
    expect(await form.locator('select[name=village] option:checked').innerText()).toBe('东门社区');
    await form.locator('input[name=address]').fill('东门社区某小区');
    await form.locator('input[name=contactName]').fill('王秀兰');
    await form.locator('input[name=phone]').fill('13700003333');
    await page.getByTestId('add-party').click();
    await form.locator('input[name=party-name-0]').fill('临街商户');
    await form.locator('input[name=party-role-0]').fill('商户');
    await page.getByTestId('add-party').click();
    await form.locator('input[name=party-name-1]').fill('物业公司');
    await form.locator('input[name=party-role-1]').fill('物业');
    await form.locator('input[name=affectedCount]').fill('8');
    await screenshot(page, '02-report-form');
    await page.getByTestId('submit-report').click();

    await page.getByTestId('report-done').waitFor();
    // Nobody has accepted it yet: the page says it is waiting for that, not that it was accepted.
    expect(await page.getByTestId('report-done').locator('h1').innerText()).toBe('反映已提交，等待受理');
    caseNumber = await text('case-number');
    expect(caseNumber).toMatch(/^ZZ-\d{8}-\d{6}$/);
    await screenshot(page, '03-report-done');
    await page.getByTestId('view-case').click();
    await page.waitForURL(/\/cases\/case_[0-9a-f]{24}$/);
    caseId = new URL(page.url()).pathname.split('/')[2] as string;

    await page.getByTestId('case-page').waitFor();
    expect(await text('case-number')).toBe(caseNumber);
    expect(await text('case-stage')).toBe('受理');
    expect(await text('case-holder')).toContain('东门社区');
    expect(await page.getByTestId('parties').innerText()).toContain('物业公司');
    await page.getByTestId('no-actions').waitFor();
    expect((await apiCase(web, caseId, 'p-dongmen-resident')).risk).toBe('critical');
    // Nobody has acted yet: the stepper ticks nothing, and shows no optional step the case has not taken.
    expect(await page.locator('[data-testid=progress] li.done').count()).toBe(0);
    expect(await page.locator('[data-testid=progress] li[data-stage=escalation]').count()).toBe(0);
    // The centres' risk grade is theirs: the resident's page does not show it.
    expect(await page.locator('.badges .badge.risk, [data-testid=risk-badge]').count()).toBe(0);
    await screenshot(page, '04-case-resident-intake');

    // Track it: the case is in "my cases", found by its number.
    await page.goto('/mine');
    await page.locator('input[name=q]').fill(caseNumber);
    // The button carries its own drawn icon and a word, never an emoji a machine may lack the font for.
    expect(await page.locator('form.search button svg').count()).toBe(1);
    expect((await page.locator('form.search button').innerText()).trim()).toBe('查找');
    await page.locator('form.search button').click();
    await expect.poll(() => page.getByTestId('case-table').innerText()).toContain(caseNumber);
    expect(await page.getByTestId('case-table').locator('th').allInnerTexts()).not.toContain('风险');
  });

  it('the community grid worker finds it in the queue, accepts it and escalates it to the town', async () => {
    await switchTo('p-dongmen-grid');
    await page.waitForURL('**/queue');
    await page.locator('select[name=risk]').selectOption('critical');
    await page.locator('select[name=stage]').selectOption('intake');
    const row = page.locator(`tr[data-case-id="${caseId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('重大');
    expect(await row.innerText()).toMatch(/剩余/);
    await screenshot(page, '05-queue-grid-worker');
    await row.locator('a').first().click();
    await page.getByTestId('case-page').waitFor();

    expect(await openCase(web, page, caseId, 'p-dongmen-grid')).toEqual(['accept', 'escalate', 'transfer', 'mark_duplicate']);
    await doAction(page, 'accept');
    expect(await text('case-stage')).toBe('研判');
    expect(await openCase(web, page, caseId, 'p-dongmen-grid')).toEqual(expect.arrayContaining(['assess', 'escalate', 'request_expert']));
    await doAction(page, 'escalate', (f) => f.locator('textarea[name=reason]').fill('业主、商户、物业三方冲突，超出社区调处能力'));
    expect(await text('case-stage')).toBe('上报');
    expect(await text('case-holder')).toContain('小溪镇');
    await page.getByTestId('no-actions').waitFor();
  });

  it('the town centre accepts it, talks to them by video and escalates it to the county', async () => {
    await switchTo('p-xiaoxi-admin');
    await page.waitForURL('**/dashboard');
    await page.getByTestId('dash-stats').waitFor();
    expect(Number(await page.getByTestId('stat-open').locator('.stat-value').innerText())).toBeGreaterThanOrEqual(1);
    expect(await openCase(web, page, caseId, 'p-xiaoxi-admin')).toEqual(['accept', 'escalate', 'mark_duplicate']);
    await doAction(page, 'accept');
    await openCase(web, page, caseId, 'p-xiaoxi-admin');
    await doAction(page, 'escalate', (f) => f.locator('textarea[name=reason]').fill('已视频沟通，需县级部门和法律专家会商'));
    expect(await text('case-holder')).toContain('平和县');
    expect(await text('case-stage')).toBe('上报');
  });

  it('the county accepts it and asks the chief legal consultant for a legal opinion', async () => {
    await switchTo('p-pinghe-admin');
    expect(await openCase(web, page, caseId, 'p-pinghe-admin')).toEqual(['accept', 'escalate', 'mark_duplicate']);
    await doAction(page, 'accept');
    await openCase(web, page, caseId, 'p-pinghe-admin');
    await doAction(page, 'request_expert', async (f) => {
      await f.locator('textarea[name=question]').fill('小区公共区域归谁所有？商铺占用是否合法？');
      await f.locator('select[name=specialty]').selectOption('legal');
      await f.locator('select[name=expertId]').selectOption('p-pinghe-expert-legal');
    });
    expect(await text('case-stage')).toBe('专家会商');
    expect(await text('case-expert')).toContain('朱文斌');
  });

  it('the expert finds it in the inbox and submits the legal opinion', async () => {
    await switchTo('p-pinghe-expert-legal');
    await page.waitForURL('**/inbox');
    const row = page.getByTestId('inbox').locator(`tr[data-case-id="${caseId}"]`);
    await row.waitFor();
    await screenshot(page, '06-expert-inbox');
    await row.locator('a').first().click();
    await page.getByTestId('case-page').waitFor();
    expect(await openCase(web, page, caseId, 'p-pinghe-expert-legal')).toEqual(['submit_opinion']);
    await doAction(page, 'submit_opinion', (f) => f.locator('textarea[name=opinion]').fill('法律意见书：小区公共区域属全体业主共有，临街商铺无权占用，应限期腾退。'));
    expect(await text('case-stage')).toBe('研判');
    expect(await page.getByTestId('opinion').innerText()).toContain('法律意见书');
    await page.getByTestId('no-actions').waitFor();
  });

  it('the county assesses the risk and a mediator for estate disputes is chosen from the pool', async () => {
    await switchTo('p-pinghe-admin');
    await openCase(web, page, caseId, 'p-pinghe-admin');
    await doAction(page, 'assess', async (f) => {
      expect(await f.locator('select[name=risk]').inputValue()).toBe('critical');
    });
    expect(await text('case-stage')).toBe('调解处置');
    await openCase(web, page, caseId, 'p-pinghe-admin');
    await doAction(page, 'assign_mediator', async (f) => {
      // Each mediator's load is said in words, not an unexplained "(0)".
      const options = await f.locator('select[name=mediatorId] option').allInnerTexts();
      expect(options.slice(1).every((o) => /在办 \d+ 件$/.test(o))).toBe(true);
    });
    expect(await text('case-mediator')).toContain('赖秀英');
  });

  it('the mediator records the session and the three-party agreement', async () => {
    await switchTo('p-pinghe-med-estate');
    await page.waitForURL('**/queue');
    await page.locator(`tr[data-case-id="${caseId}"]`).waitFor();
    await screenshot(page, '07-queue-mediator');
    expect(await openCase(web, page, caseId, 'p-pinghe-med-estate')).toEqual(expect.arrayContaining(['record_session', 'record_agreement', 'record_failure']));
    await doAction(page, 'record_session', (f) => f.locator('textarea[name=summary]').fill('业主、商户、物业三方到场调解'));
    expect(await page.getByTestId('sessions').innerText()).toContain('三方到场');
    await openCase(web, page, caseId, 'p-pinghe-med-estate');
    await doAction(page, 'record_agreement', async (f) => {
      // The form starts with a row per party of the case.
      expect(await f.locator('input[name=term-party-0]').inputValue()).toBe('临街商户');
      await f.locator('input[name=term-obligation-0]').fill('腾退占用的公共区域');
      await f.locator('input[name=term-obligation-1]').fill('将该区域改造为业主休闲区');
      await page.getByTestId('add-term').click();
      await f.locator('input[name=term-party-2]').fill('业主');
      await f.locator('input[name=term-obligation-2]').fill('缴纳拖欠的物业费');
    });
    expect(await text('case-stage')).toBe('结案');
    const agreement = await page.getByTestId('agreement').innerText();
    expect(agreement).toContain('腾退占用的公共区域');
    expect(agreement).toContain('缴纳拖欠的物业费');
    await screenshot(page, '08-case-agreement');
  });

  it('the county closes the case; its timeline and dashboard show the whole story', async () => {
    await switchTo('p-pinghe-admin');
    expect(await openCase(web, page, caseId, 'p-pinghe-admin')).toEqual(expect.arrayContaining(['close']));
    await doAction(page, 'close', (f) => f.locator('textarea[name=summary]').fill('三方达成和解协议，矛盾化解销号'));
    expect(await text('case-stage')).toBe('反馈回访');

    await page.getByTestId('timeline-link').click();
    await page.getByTestId('timeline-page').waitFor();
    const visits = page.locator('[data-testid=timeline-svg] g.visit');
    const stages = await visits.evaluateAll((gs) => gs.map((g) => `${g.getAttribute('data-stage')}@${g.getAttribute('data-level')}`));
    expect(stages).toEqual([
      'intake@village', 'risk_assessment@village', 'escalation@town', 'risk_assessment@town', 'escalation@county', 'risk_assessment@county',
      'expert_consultation@county', 'risk_assessment@county', 'mediation@county', 'closure@county', 'feedback@county',
    ]);
    // Stages where someone owes a step by a time: acceptance at each centre, the expert's opinion, the rating.
    expect(await page.locator('[data-testid=deadline-mark]').count()).toBe(5);
    const events = await page.locator('[data-testid=events] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(events).toEqual([
      'reported', 'accepted', 'escalated', 'accepted', 'escalated', 'accepted', 'expert_requested', 'opinion_submitted', 'assessed',
      'mediator_assigned', 'session_recorded', 'agreement_recorded', 'closed_by_centre',
    ]);
    expect(await page.getByTestId('events').innerText()).toContain('上报');
    // No TEMPORAL_UI_URL in tests: the page says so rather than drawing a dead link.
    expect((await page.getByTestId('temporal-link').count()) + (await page.getByTestId('temporal-link-missing').count())).toBe(1);
    await screenshot(page, '09-timeline');

    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('chart-stage').waitFor();
    expect(await page.getByTestId('chart-level').innerText()).toContain('县（区）级');
    await screenshot(page, '10-dashboard');
  });

  it('the resident sees the result, rates it, and the loop is closed', async () => {
    await switchTo('p-dongmen-resident');
    expect(await openCase(web, page, caseId, 'p-dongmen-resident')).toEqual(['feedback']);
    expect(await page.getByTestId('outcome').innerText()).toContain('达成和解协议');
    await doAction(page, 'feedback', async (f) => {
      await page.getByTestId('star-5').click();
      await f.locator('textarea[name=comment]').fill('问题解决了，很满意');
    });
    expect(await text('case-stage')).toBe('已办结');
    expect(await text('rating')).toContain('★★★★★');
    await page.getByTestId('no-actions').waitFor();
    await screenshot(page, '11-case-rated');
    const final = await apiCase(web, caseId, 'p-dongmen-resident');
    expect(final).toMatchObject({ status: 'closed', rating: 5, outcome: 'agreement', mediator: { id: 'p-pinghe-med-estate' }, expert: { id: 'p-pinghe-expert-legal' } });
  });
});

describe('a dissatisfied complainant reopens', () => {
  it('rates 1 star and reopens from the case page', async () => {
    // Set-up through the API: a small neighbour dispute handled at the village.
    const res = await fetch(`${web.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` },
      body: JSON.stringify({
        category: 'neighbour_dispute',
        title: '楼上深夜噪音',
        description: '楼上住户每晚深夜播放音乐',
        channel: 'app',
        location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 号楼' },
        complainant: { name: '王秀兰', phone: '13800001234' },
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; risk: string; riskFactors: unknown[] };
    const id = created.id;
    await apiAct(web, id, 'p-dongmen-grid', { type: 'accept' });
    await apiAct(web, id, 'p-dongmen-grid', { type: 'assess', risk: created.risk, factors: created.riskFactors });
    await apiAct(web, id, 'p-dongmen-admin', { type: 'assign_mediator' }).catch(async () => undefined);
    const state = await apiCase(web, id, 'p-dongmen-admin');
    if (state.stage !== 'mediation') throw new Error(`expected mediation, got ${state.stage}`);
    if (!(state as { mediator?: unknown }).mediator) await apiAct(web, id, 'p-dongmen-admin', { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });
    const mediator = ((await apiCase(web, id, 'p-dongmen-admin')) as unknown as { mediator: { id: string } }).mediator.id;
    await apiAct(web, id, mediator, { type: 'record_failure', reason: '双方未能达成一致', referral: 'litigation' });
    await apiAct(web, id, 'p-dongmen-admin', { type: 'close', summary: '调解未成功，引导诉讼' });

    await switchTo('p-dongmen-resident');
    await openCase(web, page, id, 'p-dongmen-resident');
    await doAction(page, 'feedback', () => page.getByTestId('star-1').click());
    expect(await openCase(web, page, id, 'p-dongmen-resident')).toEqual(['reopen']);
    await doAction(page, 'reopen', (f) => f.locator('textarea[name=reason]').fill('噪音问题仍未解决'));
    expect(await text('case-stage')).toBe('调解处置');
  });
});
