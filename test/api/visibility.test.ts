// Visibility of moves: the village that sent a case up keeps read-only sight of it and
// of its outcome; the town sees why it came; refusals and "not found" in both languages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';

let api: ApiEnv;
let caseId = '';
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const TOWN = 'zz-pinghe-xiaoxi';
const REASON = '广告灯箱属镇管设施，村里无权处置';

beforeAll(async () => {
  api = await startApiEnv('api-visibility');
});
afterAll(async () => {
  await api?.stop();
});

const get = (id: string, personId: string) => request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor(personId)));
const post = (id: string, personId: string, action: Record<string, unknown>) => request(api.app).post(`/api/v1/cases/${id}/actions`).set(...bearer(tokenFor(personId))).send(action);

async function act(personId: string, action: Record<string, unknown>) {
  const res = await post(caseId, personId, action);
  if (res.status !== 200) throw new Error(`${String(action.type)} by ${personId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

async function listedFor(personId: string, query: Record<string, string> = {}): Promise<{ id: string; readOnly: boolean }[]> {
  const res = await request(api.app).get('/api/v1/cases').query({ pageSize: 100, ...query }).set(...bearer(tokenFor(personId)));
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('a case the village sent up to the town', () => {
  it('the village reports, accepts and escalates it with a reason', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-grid')))
      .send({
        category: 'public_facility_hazard',
        title: '社区路口广告灯箱松动',
        description: '路口广告灯箱固定螺栓松动，大风时摇晃。',
        channel: 'grid',
        location: { centreId: VILLAGE, address: '东门社区路口' },
        complainant: { name: '李俊杰', phone: '13900001111' },
      });
    expect(res.status).toBe(201);
    caseId = res.body.id;
    await act('p-dongmen-admin', { type: 'accept' });
    const escalated = await act('p-dongmen-admin', { type: 'escalate', reason: REASON });
    expect(escalated).toMatchObject({ centreId: TOWN, stage: 'escalation', readOnly: true, allowedActions: [] });
  });

  it('the town sees why it came: the reason, who sent it from which centre, and the stages before', async () => {
    const res = await get(caseId, 'p-xiaoxi-admin');
    expect(res.status).toBe(200);
    expect(res.body.readOnly).toBe(false);
    expect(res.body.allowedActions).toContain('accept');
    expect(res.body.moves).toEqual([
      expect.objectContaining({ fromCentreId: VILLAGE, toCentreId: TOWN, toLevel: 'town', cause: 'staff', reason: REASON, by: { personId: 'p-dongmen-admin', role: 'admin', name: '张美玲' } }),
    ]);
    expect(res.body.stages.map((s: { stage: string; centreId: string }) => [s.stage, s.centreId])).toEqual([
      ['intake', VILLAGE],
      ['risk_assessment', VILLAGE],
      ['escalation', TOWN],
    ]);
  });

  it('the village admin still sees it, read-only, in its list and on its page', async () => {
    const res = await get(caseId, 'p-dongmen-admin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ readOnly: true, allowedActions: [], centreId: TOWN });
    expect(res.body.moves[0].reason).toBe(REASON);
    const listed = (await listedFor('p-dongmen-admin')).find((c) => c.id === caseId);
    expect(listed).toMatchObject({ readOnly: true });
    expect((await listedFor('p-xiaoxi-admin')).find((c) => c.id === caseId)).toMatchObject({ readOnly: false });
  });

  it('the village gets a 403 in its language when it tries to act, naming where the case went', async () => {
    const res = await post(caseId, 'p-dongmen-admin', { type: 'accept' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: 'https://onedoor.dev/problems/read-only', status: 403, centreId: TOWN });
    expect(res.body.message.zh).toContain('此案件已移交小溪镇');
    expect(res.body.message.en).toContain('This case has moved to Xiaoxi Town');
    const grid = await post(caseId, 'p-dongmen-grid', { type: 'escalate', reason: 'again' });
    expect(grid.status).toBe(403);
    expect(grid.body.type).toBe('https://onedoor.dev/problems/read-only');
  });

  it('the town closes it; the village sees the outcome, before and after the rating', async () => {
    await act('p-xiaoxi-admin', { type: 'accept' });
    await act('p-xiaoxi-admin', { type: 'assess', risk: 'medium', factors: [] });
    await act('p-xiaoxi-admin', { type: 'record_disposal', summary: '镇建设站加固灯箱' });
    await act('p-xiaoxi-admin', { type: 'close', summary: '已加固，隐患消除' });
    const closedAtTown = await get(caseId, 'p-dongmen-admin');
    expect(closedAtTown.status).toBe(200);
    expect(closedAtTown.body).toMatchObject({ stage: 'feedback', outcome: 'disposed', disposal: '镇建设站加固灯箱', closureSummary: '已加固，隐患消除', readOnly: true, allowedActions: [] });
    // The grid worker reported it as the complainant: their rating is theirs to give.
    await act('p-dongmen-grid', { type: 'feedback', rating: 5 });
    const rated = await get(caseId, 'p-dongmen-admin');
    expect(rated.body).toMatchObject({ status: 'closed', rating: 5, outcome: 'disposed', readOnly: true });
    expect((await listedFor('p-dongmen-admin', { status: 'closed' })).some((c) => c.id === caseId)).toBe(true);
  });

  it('a centre that never held it still gets a 404, in both languages', async () => {
    const res = await get(caseId, 'p-shicuo-admin');
    expect(res.status).toBe(404);
    expect(res.body.message).toEqual({ zh: '找不到此案件，或您无权查看。', en: 'No such case, or not one you may see.' });
    const acting = await post(caseId, 'p-shicuo-admin', { type: 'accept' });
    expect(acting.status).toBe(403);
    expect(acting.body.message.zh).toBe('您无权办理此案件。');
  });

  it('someone who sees the case but may not take an action is told who may, in both languages', async () => {
    const res = await post(caseId, 'p-xiaoxi-admin', { type: 'feedback', rating: 1 });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('https://onedoor.dev/problems/forbidden');
    expect(res.body.message).toEqual({ zh: '只有反映人本人可以办理此操作。', en: 'Only the complainant can take this action.' });
  });
});

describe('the expert sees the question asked', () => {
  it('while the request is open and after the opinion has closed it', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-grid')))
      .send({
        category: 'neighbour_dispute',
        title: '邻居扩建占用通道',
        description: '邻居扩建厨房占用公共通道。',
        channel: 'grid',
        location: { centreId: VILLAGE, address: '东门社区 5 号' },
        complainant: { name: '李俊杰', phone: '13900002222' },
      });
    const id = res.body.id as string;
    const question = '扩建是否需要规划许可？';
    await post(id, 'p-dongmen-admin', { type: 'accept' });
    const asked = await post(id, 'p-dongmen-admin', { type: 'request_expert', question, specialty: 'legal' });
    expect(asked.status).toBe(200);
    const expertId = asked.body.expert.id as string;
    const open = await get(id, expertId);
    expect(open.status).toBe(200);
    expect(open.body.expertQuestion).toMatchObject({ question, specialty: 'legal', open: true });
    expect((await post(id, expertId, { type: 'submit_opinion', opinion: '需要许可' })).status).toBe(200);
    const answered = await get(id, expertId);
    expect(answered.body.expertQuestion).toMatchObject({ question, specialty: 'legal', open: false });
  });
});
