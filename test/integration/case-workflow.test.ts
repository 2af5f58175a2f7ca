import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/db/seed';
import { scoreRisk, type CaseState } from '../../src/domain';
import { caseStateQuery } from '../../workflows/definitions';
import { BUS_SHELTER, DANGEROUS_HOUSE, ESTATE_COMMON_SPACE } from '../unit/fixtures';
import { act, ORG, seeded, type CaseHandle } from '../helpers/cases';
import { caseInput, startCase, startTestEnv, type TestEnv } from '../helpers/temporal';

/**
 * docs/domain.md's three worked cases, run as real workflows on the dev server with
 * the people of the seeded organisation, checking what reached MongoDB.
 */
describe('the three cases of docs/domain.md as workflows', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('cases');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  async function eventTypes(caseId: string): Promise<string[]> {
    const events = await env.db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1)); // no gap, no duplicate
    return events.map((e) => e.type);
  }

  async function open(riskInput: typeof BUS_SHELTER, villageId: string, complainantId: string, reportedById: string): Promise<CaseHandle> {
    const score = scoreRisk(riskInput);
    const input = caseInput({
      category: riskInput.category,
      centrePath: ORG.pathOf(villageId),
      risk: score.risk,
      riskFactors: score.factors,
      complainantId,
      intake: { title: riskInput.title, description: riskInput.description },
    });
    input.opening.reportedById = reportedById;
    return startCase(env, input);
  }

  it('case 1, broken bus-shelter glass: hazard escalated to the district, disposed, closed the same day', async () => {
    const handle = await open(BUS_SHELTER, 'zz-tiz-jiaomei-shicuo', 'p-shicuo-grid', 'p-shicuo-grid');
    const grid = seeded('p-shicuo-grid');
    let state = await act(handle, grid, { type: 'accept' });
    expect(state.stage).toBe('risk_assessment');
    // High risk needs the town: assessing it moves the case there by itself.
    state = await act(handle, grid, { type: 'assess', risk: 'high', factors: state.riskFactors, note: '玻璃碎片散落人行道' });
    expect([state.stage, state.centreId, state.level]).toEqual(['escalation', 'zz-tiz-jiaomei', 'town']);
    state = await act(handle, seeded('p-jiaomei-admin'), { type: 'accept' });
    state = await act(handle, seeded('p-jiaomei-admin'), { type: 'escalate', reason: '广告亭属区属国企城市运营集团' });
    expect([state.stage, state.centreId, state.level]).toEqual(['escalation', 'zz-tiz', 'county']);
    const district = seeded('p-tiz-admin');
    state = await act(handle, district, { type: 'accept' });
    state = await act(handle, district, { type: 'assess', risk: 'high', factors: state.riskFactors });
    expect(state.stage).toBe('mediation');
    state = await act(handle, district, { type: 'record_disposal', summary: '运营集团当天更换玻璃并排查全区广告亭' });
    expect([state.stage, state.outcome]).toEqual(['closure', 'disposed']);
    state = await act(handle, district, { type: 'close', summary: '已更换，全区排查完毕' });
    state = await act(handle, grid, { type: 'feedback', rating: 5, comment: '处理及时' });
    expect([state.stage, state.status, state.rating]).toEqual(['closed', 'closed', 5]);

    const result = await handle.result();
    expect(result.status).toBe('closed');
    expect(await eventTypes(result.caseId)).toEqual([
      'reported', 'accepted', 'assessed', 'escalated', 'accepted', 'escalated', 'accepted', 'assessed',
      'disposal_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    const stored = await env.db.models.Case.findById(result.caseId).lean();
    expect(stored).toMatchObject({ stage: 'closed', status: 'closed', centreId: 'zz-tiz', level: 'county', outcome: 'disposed', rating: 5 });
    expect(stored?.visits?.every((v) => v.breached === false)).toBe(true);
  });

  it('case 2, dangerous house: the town handles it within the day and closes the loop', async () => {
    const handle = await open(DANGEROUS_HOUSE, 'zz-nanjing-shancheng-liuan', 'p-liuan-resident', 'p-liuan-grid');
    const grid = seeded('p-liuan-grid');
    let state = await act(handle, grid, { type: 'accept' });
    state = await act(handle, grid, { type: 'assess', risk: 'high', factors: state.riskFactors });
    expect([state.stage, state.centreId]).toEqual(['escalation', 'zz-nanjing-shancheng']);
    const town = seeded('p-shancheng-admin');
    state = await act(handle, town, { type: 'accept' });
    state = await act(handle, town, { type: 'assess', risk: 'high', factors: state.riskFactors, note: '镇村建站鉴定为C级危房' });
    expect([state.stage, state.level]).toEqual(['mediation', 'town']);
    state = await act(handle, town, { type: 'record_disposal', summary: '设置警戒线、张贴警示，向户主送达整改通知书' });
    state = await act(handle, town, { type: 'close', summary: '网格长当晚回报处置结果' });
    // The resident, not the grid worker who reported for her, rates the result.
    state = await act(handle, seeded('p-liuan-resident'), { type: 'feedback', rating: 4 });
    expect(state.status).toBe('closed');
    const stored = await env.db.models.Case.findById(state.caseId).lean();
    expect(stored).toMatchObject({ outcome: 'disposed', centreId: 'zz-nanjing-shancheng', rating: 4, feedbackStatus: 'rated' });
    const notifications = await env.db.models.Notification.find({ caseId: state.caseId }).lean();
    expect(notifications.map((n) => n.kind)).toContain('please_rate');
    expect(notifications.find((n) => n.kind === 'please_rate')?.recipient).toBe('person:p-liuan-resident');
  });

  it('case 3, shops on the common space: escalated twice, legal opinion, estate mediator, agreement, satisfied', async () => {
    const score = scoreRisk(ESTATE_COMMON_SPACE);
    expect(score.risk).toBe('critical');
    const handle = await open(ESTATE_COMMON_SPACE, 'zz-pinghe-xiaoxi-dongmen', 'p-dongmen-resident', 'p-dongmen-resident');
    const grid = seeded('p-dongmen-grid');
    let state = await act(handle, grid, { type: 'accept' });
    state = await act(handle, grid, { type: 'escalate', reason: '多方冲突，需镇级协调' });
    expect([state.stage, state.centreId]).toEqual(['escalation', 'zz-pinghe-xiaoxi']);
    const town = seeded('p-xiaoxi-admin');
    state = await act(handle, town, { type: 'accept' });
    state = await act(handle, town, { type: 'escalate', reason: '视频沟通后，存在群体性事件风险，上报县级' });
    expect([state.stage, state.centreId, state.level]).toEqual(['escalation', 'zz-pinghe', 'county']);

    const county = seeded('p-pinghe-admin');
    state = await act(handle, county, { type: 'accept' });
    state = await act(handle, county, { type: 'request_expert', question: '商铺占用公共区域的法律依据？', specialty: 'legal', expertId: 'p-pinghe-expert-legal' });
    expect([state.stage, state.expertId]).toEqual(['expert_consultation', 'p-pinghe-expert-legal']);
    state = await act(handle, seeded('p-pinghe-expert-legal'), { type: 'submit_opinion', opinion: '法律意见书：公共区域属全体业主共有，商铺应腾退。' });
    expect(state.stage).toBe('risk_assessment');
    expect(state.opinion?.expertId).toBe('p-pinghe-expert-legal');
    state = await act(handle, county, { type: 'assess', risk: 'critical', factors: score.factors });
    expect([state.stage, state.level]).toEqual(['mediation', 'county']);

    // Chosen by the system: the only estate mediator at the county or above.
    state = await act(handle, county, { type: 'assign_mediator' });
    expect(state.mediatorId).toBe('p-pinghe-med-estate');
    const mediator = seeded('p-pinghe-med-estate');
    state = await act(handle, mediator, { type: 'record_session', summary: '三方首次调解会' });
    state = await act(handle, mediator, {
      type: 'record_agreement',
      terms: [
        { party: '商户', obligation: '腾退占用的公共区域' },
        { party: '业主', obligation: '缴纳物业费' },
        { party: '物业', obligation: '将该区域改造为业主休闲区' },
      ],
    });
    expect([state.stage, state.outcome]).toEqual(['closure', 'agreement']);
    state = await act(handle, county, { type: 'close', summary: '三方达成和解协议' });
    state = await act(handle, seeded('p-dongmen-resident'), { type: 'feedback', rating: 5, comment: '满意' });

    const result: CaseState = await handle.result();
    expect(result).toMatchObject({ status: 'closed', outcome: 'agreement', rating: 5, mediatorId: 'p-pinghe-med-estate', expertId: 'p-pinghe-expert-legal' });
    expect(result.agreement).toHaveLength(3);
    expect(await eventTypes(result.caseId)).toEqual([
      'reported', 'accepted', 'escalated', 'accepted', 'escalated', 'accepted', 'expert_requested', 'opinion_submitted',
      'assessed', 'mediator_assigned', 'session_recorded', 'agreement_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    const stored = await env.db.models.Case.findById(result.caseId).lean();
    expect(stored?.visits?.map((v) => `${v.stage}@${v.level}`)).toEqual([
      'intake@village', 'risk_assessment@village', 'escalation@town', 'risk_assessment@town', 'escalation@county',
      'risk_assessment@county', 'expert_consultation@county', 'risk_assessment@county', 'mediation@county', 'closure@county',
      'feedback@county', 'closed@county',
    ]);
    // The query answers after completion too (the workflow keeps its final state).
    expect((await handle.query(caseStateQuery)).status).toBe('closed');
  });
});
