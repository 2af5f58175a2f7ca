// The three worked examples of docs/domain.md, each walked from report to feedback through the HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { serviceMsPerDay, serviceTimeBetween } from '../../src/domain';
import { chinaCalendar } from '../../src/domain/china-calendar';

const CALENDAR = chinaCalendar();

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-lifecycle');
});
afterAll(async () => {
  await api?.stop();
});

async function act(caseId: string, personId: string, action: Record<string, unknown>) {
  const res = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(personId))).send(action);
  if (res.status !== 200) throw new Error(`${String(action.type)} by ${personId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown> & { stage: string; level: string; centreId: string; allowedActions: string[] };
}

async function timeline(caseId: string, adminId: string) {
  const res = await request(api.app).get(`/api/v1/cases/${caseId}/timeline`).set(...bearer(tokenFor(adminId)));
  expect(res.status).toBe(200);
  return res.body as {
    events: { seq: number; type: string; stage: string; centreId: string; level: string; actor: { kind: string; personId?: string } }[];
    stages: { stage: string; centreId: string; level: string; enteredAt: string; leftAt: string | null; breached: boolean }[];
    workflow: { workflowId: string; runId: string; historyLength: number };
  };
}

describe('case 1: broken bus-shelter glass, through the API', () => {
  let id = '';
  let risk = '';
  let factors: unknown[] = [];

  it('the grid worker reports it on patrol; the answer comes at once with a case number', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-shicuo-grid')))
      .send({
        category: 'public_facility_hazard',
        title: '公交站广告亭玻璃破碎',
        description: '网格员巡查发现公交站候车亭广告灯箱玻璃破碎，碎片散落在人行道上。',
        channel: 'grid',
        location: { centreId: 'zz-tiz-jiaomei-shicuo', address: '石厝村公交站', lat: 24.5, lng: 117.9 },
        complainant: { name: '杨小兵', phone: '13900005678' },
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stage: 'intake', status: 'open', centreId: 'zz-tiz-jiaomei-shicuo', level: 'village', risk: 'high' });
    expect(res.body.id).toMatch(/^case_[0-9a-f]{24}$/);
    expect(res.body.caseNumber).toMatch(/^ZZ-\d{8}-\d{6}$/);
    // Acceptance is owed within five service minutes, the high-risk handling limit is one working day.
    const received = Date.parse(res.body.receivedAt);
    expect(serviceTimeBetween(received, Date.parse(res.body.acknowledgeBy), CALENDAR)).toBe(5 * 60_000);
    expect(serviceTimeBetween(received, Date.parse(res.body.deadline), CALENDAR)).toBe(serviceMsPerDay(CALENDAR));
    id = res.body.id;
    risk = res.body.risk;
    factors = res.body.riskFactors;
  });

  it('the grid worker accepts and assesses; high risk sends it to the town by itself', async () => {
    expect((await act(id, 'p-shicuo-grid', { type: 'accept' })).stage).toBe('risk_assessment');
    const assessed = await act(id, 'p-shicuo-grid', { type: 'assess', risk, factors });
    expect(assessed).toMatchObject({ stage: 'escalation', centreId: 'zz-tiz-jiaomei', level: 'town', riskConfirmed: true });
  });

  it('the town escalates to the district, which disposes of it the same day', async () => {
    await act(id, 'p-jiaomei-admin', { type: 'accept' });
    const escalated = await act(id, 'p-jiaomei-admin', { type: 'escalate', reason: 'Kiosk belongs to the district operations company' });
    expect(escalated).toMatchObject({ stage: 'escalation', centreId: 'zz-tiz', level: 'county' });
    await act(id, 'p-tiz-admin', { type: 'accept' });
    expect((await act(id, 'p-tiz-admin', { type: 'assess', risk, factors })).stage).toBe('mediation');
    const disposed = await act(id, 'p-tiz-admin', { type: 'record_disposal', summary: 'Glass replaced; every kiosk in the district checked' });
    expect(disposed).toMatchObject({ stage: 'closure', outcome: 'disposed', mediator: null });
    const closed = await act(id, 'p-tiz-admin', { type: 'close', summary: 'Replaced the same day' });
    expect(closed).toMatchObject({ stage: 'feedback', status: 'open', feedbackStatus: 'pending' });
    expect(closed.allowedActions).toEqual([]);
  });

  it('the grid worker who reported it rates it, and the case is closed', async () => {
    const rated = await act(id, 'p-shicuo-grid', { type: 'feedback', rating: 5, comment: '当天修好' });
    expect(rated).toMatchObject({ stage: 'closed', status: 'closed', rating: 5, feedbackComment: '当天修好', outcome: 'disposed', centreId: 'zz-tiz', level: 'county' });
    const again = await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor('p-shicuo-grid')));
    expect(again.body).toMatchObject({ status: 'closed', rating: 5, allowedActions: [] });
  });

  it('the district admin sees the whole timeline', async () => {
    const t = await timeline(id, 'p-tiz-admin');
    expect(t.events.map((e) => e.type)).toEqual([
      'reported', 'accepted', 'assessed', 'escalated', 'accepted', 'escalated', 'accepted', 'assessed',
      'disposal_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    expect(t.events.map((e) => e.seq)).toEqual(t.events.map((_, i) => i + 1));
    expect(t.events[3]).toMatchObject({ actor: { kind: 'system' }, centreId: 'zz-tiz-jiaomei', level: 'town' });
    expect(t.events[5]).toMatchObject({ actor: { kind: 'person', personId: 'p-jiaomei-admin' }, centreId: 'zz-tiz' });
    expect(t.stages.map((s) => s.level)).toEqual(['village', 'village', 'town', 'town', 'county', 'county', 'county', 'county', 'county', 'county']);
    expect(t.stages.some((s) => s.breached)).toBe(false);
    expect(t.workflow.workflowId).toBe(id);
    expect(t.workflow.runId).toEqual(expect.any(String));
    expect(t.workflow.historyLength).toBeGreaterThan(10);
  });
});

describe('case 2: dangerous house, through the API', () => {
  let id = '';
  let risk = '';
  let factors: unknown[] = [];

  it('the grid worker reports it for the resident who told them', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-grid')))
      .send({
        category: 'building_safety',
        title: '邻居土木结构老房墙体开裂',
        description: '居民反映邻居的土木结构老房墙体出现多处裂缝，有倒塌危险。',
        channel: 'grid',
        location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区老街 12 号' },
        complainant: { name: '王秀兰', phone: '13800002222', personId: 'p-dongmen-resident' },
        parties: [{ name: '房主', role: 'owner' }],
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ risk: 'high', level: 'village', stage: 'intake' });
    id = res.body.id;
    risk = res.body.risk;
    factors = res.body.riskFactors;
    const seen = await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor('p-dongmen-resident')));
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ reportedById: 'p-dongmen-grid', complainant: { personId: 'p-dongmen-resident', phone: '13800002222' } });
  });

  it('the community accepts; the high risk puts it at the town, which handles it', async () => {
    await act(id, 'p-dongmen-grid', { type: 'accept' });
    expect(await act(id, 'p-dongmen-admin', { type: 'assess', risk, factors })).toMatchObject({ stage: 'escalation', level: 'town' });
    await act(id, 'p-xiaoxi-admin', { type: 'accept' });
    expect(await act(id, 'p-xiaoxi-admin', { type: 'assess', risk, factors })).toMatchObject({ stage: 'mediation', centreId: 'zz-pinghe-xiaoxi', level: 'town' });
  });

  it('the construction station engineer grades it', async () => {
    const requested = await act(id, 'p-xiaoxi-admin', { type: 'request_expert', question: 'Grade the house', specialty: 'building_safety', expertId: 'p-pinghe-expert-building' });
    expect(requested).toMatchObject({ stage: 'expert_consultation', expert: { id: 'p-pinghe-expert-building', name: '杨建平' } });
    const mine = await request(api.app).get('/api/v1/cases').query({ stage: 'expert_consultation' }).set(...bearer(tokenFor('p-pinghe-expert-building')));
    expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const opinion = await act(id, 'p-pinghe-expert-building', { type: 'submit_opinion', opinion: 'C级危房: cordon off, serve renovation notice' });
    expect(opinion).toMatchObject({ stage: 'mediation', opinion: { expertId: 'p-pinghe-expert-building' } });
  });

  it('the town records the disposal and closes; the resident rates it', async () => {
    await act(id, 'p-xiaoxi-admin', { type: 'record_disposal', summary: 'Cordoned off, warnings posted, notice served' });
    await act(id, 'p-xiaoxi-admin', { type: 'close', summary: 'Reported by the grid leader that evening' });
    const rated = await act(id, 'p-dongmen-resident', { type: 'feedback', rating: 4, comment: 'Quick' });
    expect(rated).toMatchObject({ status: 'closed', outcome: 'disposed', rating: 4, level: 'town', centreId: 'zz-pinghe-xiaoxi' });
  });

  it('the timeline shows the expert round trip and no missed deadline', async () => {
    const t = await timeline(id, 'p-pinghe-admin');
    expect(t.events.map((e) => e.type)).toEqual([
      'reported', 'accepted', 'assessed', 'escalated', 'accepted', 'assessed', 'expert_requested', 'opinion_submitted',
      'disposal_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    expect(t.stages.map((s) => s.stage)).toEqual([
      'intake', 'risk_assessment', 'escalation', 'risk_assessment', 'mediation', 'expert_consultation', 'mediation', 'closure', 'feedback', 'closed',
    ]);
    expect(t.stages.every((s) => !s.breached)).toBe(true);
    expect(t.stages.slice(0, -1).every((s) => s.leftAt !== null)).toBe(true);
  });
});

describe('case 3: shops occupying an estate’s common space, through the API', () => {
  let id = '';
  let risk = '';
  let factors: unknown[] = [];

  it('the owners’ representative reports it from the app', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-resident-2')))
      .send({
        category: 'estate_dispute',
        title: '临街商铺占用小区公共区域',
        description: '业主代表反映临街商铺占用小区公共空间，业主、商户与物业三方冲突激烈，存在引发群体性事件的风险。',
        channel: 'app',
        location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区某小区' },
        complainant: { name: '赖永福', phone: '13700003333' },
        parties: [
          { name: '临街商户', role: 'shops' },
          { name: '物业公司', role: 'property manager' },
        ],
        affectedCount: 8,
      });
    expect(res.status).toBe(201);
    expect(res.body.risk).toBe('critical');
    id = res.body.id;
    risk = res.body.risk;
    factors = res.body.riskFactors;
  });

  it('village → town → county by two escalations', async () => {
    await act(id, 'p-dongmen-grid', { type: 'accept' });
    expect(await act(id, 'p-dongmen-grid', { type: 'escalate', reason: 'Three-way conflict beyond the village' })).toMatchObject({ level: 'town', centreId: 'zz-pinghe-xiaoxi' });
    await act(id, 'p-xiaoxi-admin', { type: 'accept' });
    expect(await act(id, 'p-xiaoxi-admin', { type: 'escalate', reason: 'Needs county departments and legal experts' })).toMatchObject({ level: 'county', centreId: 'zz-pinghe' });
  });

  it('the chief legal consultant writes the legal opinion, then the county assesses', async () => {
    await act(id, 'p-pinghe-admin', { type: 'accept' });
    await act(id, 'p-pinghe-admin', { type: 'request_expert', question: 'Who owns the common space?', specialty: 'legal', expertId: 'p-pinghe-expert-legal' });
    expect((await act(id, 'p-pinghe-expert-legal', { type: 'submit_opinion', opinion: '法律意见书: the common space belongs to all owners' })).stage).toBe('risk_assessment');
    expect(await act(id, 'p-pinghe-admin', { type: 'assess', risk, factors })).toMatchObject({ stage: 'mediation', risk: 'critical', level: 'county' });
  });

  it('a mediator chosen from the pool for the specialty brings the parties to an agreement', async () => {
    const assigned = await act(id, 'p-pinghe-admin', { type: 'assign_mediator' });
    expect(assigned.mediator).toEqual({ id: 'p-pinghe-med-estate', name: '赖秀英' });
    const mediatorView = await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor('p-pinghe-med-estate')));
    expect(mediatorView.body.allowedActions).toEqual(expect.arrayContaining(['record_session', 'record_agreement', 'record_failure']));
    await act(id, 'p-pinghe-med-estate', { type: 'record_session', summary: 'Owners, shops and manager met' });
    const agreed = await act(id, 'p-pinghe-med-estate', {
      type: 'record_agreement',
      terms: [
        { party: 'shops', obligation: 'vacate the common space' },
        { party: 'owners', obligation: 'pay outstanding property fees' },
        { party: 'property manager', obligation: 'turn the space into a leisure area' },
      ],
    });
    expect(agreed).toMatchObject({ stage: 'closure', outcome: 'agreement' });
    expect(agreed.agreement).toHaveLength(3);
    expect(agreed.sessions).toEqual([{ at: expect.any(String), summary: 'Owners, shops and manager met', by: 'p-pinghe-med-estate' }]);
  });

  it('the county closes it and the satisfied complainant ends the loop', async () => {
    await act(id, 'p-pinghe-admin', { type: 'close', summary: 'Settled by agreement' });
    const rated = await act(id, 'p-dongmen-resident-2', { type: 'feedback', rating: 5 });
    expect(rated).toMatchObject({ status: 'closed', stage: 'closed', rating: 5, outcome: 'agreement', mediator: { id: 'p-pinghe-med-estate' }, expert: { id: 'p-pinghe-expert-legal' } });
  });

  it('the timeline records both escalations and the county admin can read it, the village admin too (it began there)', async () => {
    const t = await timeline(id, 'p-pinghe-admin');
    expect(t.events.map((e) => e.type)).toEqual([
      'reported', 'accepted', 'escalated', 'accepted', 'escalated', 'accepted', 'expert_requested', 'opinion_submitted', 'assessed',
      'mediator_assigned', 'session_recorded', 'agreement_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    expect(t.events.filter((e) => e.type === 'escalated').map((e) => [e.centreId, e.level])).toEqual([
      ['zz-pinghe-xiaoxi', 'town'],
      ['zz-pinghe', 'county'],
    ]);
    // The case now belongs to the county; the village admin, whose centre held it first, still follows it.
    const village = await request(api.app).get(`/api/v1/cases/${id}/timeline`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(village.status).toBe(200);
    const page = await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(page.body).toMatchObject({ readOnly: true, allowedActions: [], outcome: 'agreement', centreId: 'zz-pinghe' });
  });
});
