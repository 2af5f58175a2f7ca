// The article's first two cases with the departments that own their fixes: the kiosk goes to the
// district's operations company, the house to the town's construction station; each department
// reports back, the centre closes, and the village the case started from sees the outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-departments');
});
afterAll(async () => {
  await api?.stop();
});

async function act(personId: string, id: string, action: object, status = 200) {
  const res = await request(api.app).post(`/api/v1/cases/${id}/actions`).set(...bearer(tokenFor(personId))).send(action);
  if (res.status !== status) throw new Error(`${String((action as { type: string }).type)} by ${personId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const view = async (personId: string, id: string) => request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor(personId)));

async function report(personId: string, body: object): Promise<{ id: string; risk: string; riskFactors: unknown[] }> {
  const res = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor(personId))).send(body);
  expect(res.status).toBe(201);
  await eventually(async () => (await view(personId, res.body.id)).status === 200, 10_000);
  return res.body;
}

describe('departments own the fixes', () => {
  it('lists the departments a centre may hand a case to: its own and those above it', async () => {
    const res = await request(api.app).get('/api/v1/departments').query({ forCentre: 'zz-pinghe-xiaoxi' }).set(...bearer(tokenFor('p-xiaoxi-admin')));
    expect(res.body.items.map((d: { id: string }) => d.id)).toEqual(['dept-pinghe-police', 'dept-xiaoxi-construction']);
    expect((await request(api.app).get('/api/v1/departments').set(...bearer(tokenFor('p-dongmen-resident')))).status).toBe(403);
  });

  it('case 1: the kiosk goes to the operations company, which reports; the district closes; the village sees how it ended', async () => {
    const c = await report('p-shicuo-grid', {
      category: 'public_facility_hazard',
      title: '公交站广告亭玻璃破碎',
      description: '网格员巡查发现公交站候车亭广告灯箱玻璃破碎，碎片散落在人行道上。',
      channel: 'grid',
      location: { centreId: 'zz-tiz-jiaomei-shicuo', address: '石厝村公交站' },
      complainant: { name: '杨小兵', phone: '13900005678' },
    });
    await act('p-shicuo-grid', c.id, { type: 'accept' });
    await act('p-shicuo-grid', c.id, { type: 'assess', risk: c.risk, factors: c.riskFactors });
    await act('p-jiaomei-admin', c.id, { type: 'accept' });
    await act('p-jiaomei-admin', c.id, { type: 'escalate', reason: '广告亭属区城市运营集团' });
    await act('p-tiz-admin', c.id, { type: 'accept' });
    await act('p-tiz-admin', c.id, { type: 'assess', risk: c.risk, factors: c.riskFactors });

    // Department staff see nothing before the hand-over, and may not act.
    expect((await view('p-tiz-ops', c.id)).status).toBe(404);
    const handed = await act('p-tiz-admin', c.id, { type: 'assign_department', departmentId: 'dept-tiz-operations', task: '更换破碎玻璃，排查全区广告亭' });
    expect(handed).toMatchObject({ stage: 'mediation', centreId: 'zz-tiz' });
    await act('p-tiz-admin', c.id, { type: 'assign_department', departmentId: 'dept-tiz-operations', task: 'again' }, 409);

    const queue = await request(api.app).get('/api/v1/cases').set(...bearer(tokenFor('p-tiz-ops')));
    await eventually(async () => (await request(api.app).get('/api/v1/cases').set(...bearer(tokenFor('p-tiz-ops')))).body.items.some((i: { id: string }) => i.id === c.id), 10_000);
    expect(queue.status).toBe(200);
    const mine = (await view('p-tiz-ops', c.id)).body;
    expect(mine.allowedActions).toEqual(['report_disposal', 'refuse_assignment']);
    await act('p-xiaoxi-construction', c.id, { type: 'report_disposal', summary: 'x' }, 403);

    const reported = await act('p-tiz-ops', c.id, { type: 'report_disposal', summary: '当天下午更换玻璃，全区广告亭已排查' });
    expect(reported).toMatchObject({ stage: 'closure', outcome: 'disposed', disposal: '当天下午更换玻璃，全区广告亭已排查' });
    await act('p-tiz-admin', c.id, { type: 'close', summary: '责任单位当天处置完毕' });
    await act('p-shicuo-grid', c.id, { type: 'feedback', rating: 5 });

    const village = (await view('p-shicuo-admin', c.id)).body;
    expect(village).toMatchObject({ readOnly: true, status: 'closed', outcome: 'disposed', rating: 5 });
    const timeline = await request(api.app).get(`/api/v1/cases/${c.id}/timeline`).set(...bearer(tokenFor('p-tiz-admin')));
    expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual([
      'reported', 'accepted', 'assessed', 'escalated', 'accepted', 'escalated', 'accepted', 'assessed',
      'department_assigned', 'department_reported', 'closed_by_centre', 'feedback_received',
    ]);
  });

  it('case 2: the house goes to the construction station; a department of another area is refused', async () => {
    const c = await report('p-dongmen-grid', {
      category: 'building_safety',
      title: '邻居土木结构老房墙体开裂',
      description: '居民反映邻居的土木结构老房墙体出现多处裂缝，有倒塌危险。',
      channel: 'grid',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区老街 12 号' },
      complainant: { name: '王秀兰', phone: '13800002222', personId: 'p-dongmen-resident' },
    });
    await act('p-dongmen-grid', c.id, { type: 'accept' });
    await act('p-dongmen-admin', c.id, { type: 'assess', risk: c.risk, factors: c.riskFactors });
    await act('p-xiaoxi-admin', c.id, { type: 'accept' });
    await act('p-xiaoxi-admin', c.id, { type: 'assess', risk: c.risk, factors: c.riskFactors });

    const elsewhere = await request(api.app).post(`/api/v1/cases/${c.id}/actions`).set(...bearer(tokenFor('p-xiaoxi-admin'))).send({ type: 'assign_department', departmentId: 'dept-tiz-operations', task: '鉴定' });
    expect([elsewhere.status, elsewhere.body.detail]).toEqual([400, expect.stringContaining('another area')]);
    const unknown = await request(api.app).post(`/api/v1/cases/${c.id}/actions`).set(...bearer(tokenFor('p-xiaoxi-admin'))).send({ type: 'assign_department', departmentId: 'dept-nowhere', task: '鉴定' });
    expect([unknown.status, unknown.body.detail]).toEqual([400, expect.stringContaining('no department dept-nowhere')]);

    await act('p-xiaoxi-admin', c.id, { type: 'assign_department', departmentId: 'dept-xiaoxi-construction', task: '鉴定房屋等级，落实防护措施' });
    await act('p-xiaoxi-construction', c.id, { type: 'refuse_assignment', reason: '需先由房主申请鉴定' });
    const back = (await view('p-xiaoxi-admin', c.id)).body;
    expect(back.allowedActions).toEqual(expect.arrayContaining(['assign_department', 'record_disposal']));
    await act('p-xiaoxi-admin', c.id, { type: 'assign_department', departmentId: 'dept-xiaoxi-construction', task: '已联系房主，请鉴定并落实防护' });
    await act('p-xiaoxi-construction', c.id, { type: 'report_disposal', summary: 'C级危房：已设警戒，下达整改通知' });
    await act('p-xiaoxi-admin', c.id, { type: 'close', summary: '村建站处置完毕' });
    const village = (await view('p-dongmen-admin', c.id)).body;
    expect(village).toMatchObject({ readOnly: true, stage: 'feedback', outcome: 'disposed', disposal: 'C级危房：已设警戒，下达整改通知' });
  });
});
