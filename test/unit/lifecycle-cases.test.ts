// The three worked examples from docs/domain.md, walked through the state machine with the
// people who act in the article.
import { describe, expect, it } from 'vitest';
import { isFinished, scoreRisk, type CaseEvent } from '../../src/domain';
import { BUS_SHELTER, CaseWalk, DANGEROUS_HOUSE, ESTATE_COMMON_SPACE, MINUTE, person, T0 } from './fixtures';

const DAY = 24 * 60 * MINUTE;

function expectConsecutiveSeq(events: CaseEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

describe('case 1: broken bus-shelter glass (hazard, escalated, disposed same day)', () => {
  const grid = person('p-shicuo-grid', 'grid_worker', 'zz-tiz-jiaomei-shicuo');
  const townAdmin = person('p-jiaomei-admin', 'admin', 'zz-tiz-jiaomei');
  const districtAdmin = person('p-tiz-admin', 'admin', 'zz-tiz');
  const walk = new CaseWalk({ category: 'public_facility_hazard', centreId: 'zz-tiz-jiaomei-shicuo', complainantId: grid.personId, riskInput: BUS_SHELTER });
  const { risk, factors } = scoreRisk(BUS_SHELTER);

  it('starts in intake at the village with a five-minute deadline', () => {
    expect(walk.state).toMatchObject({ stage: 'intake', level: 'village', kind: 'hazard', risk: 'high', deadline: T0 + 5 * MINUTE });
  });

  it('the grid worker accepts and assesses high; the case goes straight to the town', () => {
    walk.act({ type: 'accept' }, grid);
    const assessed = walk.act({ type: 'assess', risk, factors }, grid);
    expect(assessed.events.map((e) => [e.type, e.actor.kind, e.stage])).toEqual([
      ['assessed', 'person', 'risk_assessment'],
      ['escalated', 'system', 'escalation'],
    ]);
    expect(assessed.events[1]?.detail).toMatchObject({ reason: 'risk_requires_level', targetLevel: 'town' });
    expect(walk.state).toMatchObject({ centreId: 'zz-tiz-jiaomei', level: 'town', riskConfirmed: true });
  });

  it('the town finds the kiosk belongs to a district company and escalates to the district', () => {
    walk.act({ type: 'accept' }, townAdmin);
    walk.act({ type: 'escalate', reason: 'Kiosk belongs to the district operations company' }, townAdmin);
    expect(walk.state).toMatchObject({ stage: 'escalation', centreId: 'zz-tiz', level: 'county', centrePath: ['zz', 'zz-tiz'] });
  });

  it('the district disposes of it, closes it, and the grid worker rates it', () => {
    walk.act({ type: 'accept' }, districtAdmin);
    walk.act({ type: 'assess', risk, factors }, districtAdmin);
    expect(walk.state.stage).toBe('mediation');
    walk.act({ type: 'record_disposal', summary: 'Glass replaced; every kiosk in the district checked' }, districtAdmin, 3 * 60 * MINUTE);
    expect(walk.state).toMatchObject({ stage: 'closure', outcome: 'disposed', mediatorId: null });
    walk.act({ type: 'close', summary: 'Replaced the same day' }, districtAdmin);
    walk.act({ type: 'feedback', rating: 5 }, grid);
    expect(walk.state).toMatchObject({ stage: 'closed', status: 'closed', feedbackStatus: 'rated', reopenUntil: null, deadline: null });
    expect(walk.now - T0).toBeLessThan(DAY);
    expect(isFinished(walk.state, walk.now)).toBe(true);
  });

  it('kept a complete, consecutive, on-time record', () => {
    expect(walk.types()).toEqual([
      'reported', 'accepted', 'assessed', 'escalated', 'accepted', 'escalated', 'accepted', 'assessed',
      'disposal_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    expectConsecutiveSeq(walk.events);
    expect(walk.state.seq).toBe(walk.events.length);
    expect(walk.state.visits.some((v) => v.breached)).toBe(false);
    expect(walk.state.visits.map((v) => v.level)).toEqual(['village', 'village', 'town', 'town', 'county', 'county', 'county', 'county', 'county', 'county']);
  });
});

describe('case 2: dangerous house (high physical risk, handled by the town within a day)', () => {
  const grid = person('p-dongmen-grid', 'grid_worker', 'zz-pinghe-xiaoxi-dongmen');
  const leader = person('p-dongmen-admin', 'admin', 'zz-pinghe-xiaoxi-dongmen');
  const townAdmin = person('p-xiaoxi-admin', 'admin', 'zz-pinghe-xiaoxi');
  const engineer = person('p-pinghe-expert-building', 'expert', 'zz-pinghe');
  const resident = person('p-dongmen-resident', 'resident', 'zz-pinghe-xiaoxi-dongmen');
  const walk = new CaseWalk({
    category: 'building_safety',
    centreId: 'zz-pinghe-xiaoxi-dongmen',
    complainantId: resident.personId,
    reportedById: grid.personId,
    riskInput: DANGEROUS_HOUSE,
  });
  const { risk, factors } = scoreRisk(DANGEROUS_HOUSE);

  it('is reported by the grid worker for the resident', () => {
    expect(walk.state).toMatchObject({ complainantId: resident.personId, reportedById: grid.personId, risk: 'high' });
    expect(walk.events[0]).toMatchObject({ seq: 1, type: 'reported', fromStage: null, stage: 'intake', level: 'village' });
  });

  it('the community accepts; assessing high risk puts it at the town', () => {
    walk.act({ type: 'accept' }, grid);
    walk.act({ type: 'assess', risk, factors }, leader);
    walk.act({ type: 'accept' }, townAdmin);
    walk.act({ type: 'assess', risk, factors }, townAdmin);
    expect(walk.state).toMatchObject({ stage: 'mediation', centreId: 'zz-pinghe-xiaoxi', level: 'town' });
  });

  it('the construction station grades it and the case returns to handling', () => {
    walk.act({ type: 'request_expert', question: 'Grade the house', specialty: 'building_safety', expertId: engineer.personId }, townAdmin);
    expect(walk.state.expertRequest).toMatchObject({ returnStage: 'mediation', specialty: 'building_safety' });
    walk.act({ type: 'submit_opinion', opinion: 'C级危房: cordon off, serve renovation notice' }, engineer, 2 * 60 * MINUTE);
    expect(walk.state).toMatchObject({ stage: 'mediation', expertRequest: null, opinion: { expertId: engineer.personId } });
  });

  it('the town records the disposal, closes it, and the resident rates it', () => {
    walk.act({ type: 'record_disposal', summary: 'Cordoned off, warnings posted, notice served' }, townAdmin, 4 * 60 * MINUTE);
    walk.act({ type: 'close', summary: 'Reported by the grid leader that evening' }, townAdmin);
    walk.act({ type: 'feedback', rating: 4, comment: 'Quick' }, resident);
    expect(walk.state).toMatchObject({ status: 'closed', outcome: 'disposed', rating: 4, feedbackComment: 'Quick', level: 'town' });
    expect(walk.now - T0).toBeLessThan(DAY);
    expectConsecutiveSeq(walk.events);
    expect(walk.state.visits.every((v) => !v.breached)).toBe(true);
  });
});

describe('case 3: shops occupying an estate’s common space (escalated twice, expert, agreement)', () => {
  const grid = person('p-dongmen-grid', 'grid_worker', 'zz-pinghe-xiaoxi-dongmen');
  const townAdmin = person('p-xiaoxi-admin', 'admin', 'zz-pinghe-xiaoxi');
  const countyAdmin = person('p-pinghe-admin', 'admin', 'zz-pinghe');
  const consultant = person('p-pinghe-expert-legal', 'expert', 'zz-pinghe');
  const mediator = person('p-pinghe-med-estate', 'mediator', 'zz-pinghe');
  const owners = person('p-dongmen-resident-2', 'resident', 'zz-pinghe-xiaoxi-dongmen');
  const walk = new CaseWalk({ category: 'estate_dispute', centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: owners.personId, riskInput: ESTATE_COMMON_SPACE });
  const { risk, factors } = scoreRisk(ESTATE_COMMON_SPACE);

  it('the village grid worker accepts and escalates to the town, which escalates to the county', () => {
    walk.act({ type: 'accept' }, grid);
    walk.act({ type: 'escalate', reason: 'Three-way conflict beyond the village' }, grid);
    expect(walk.state).toMatchObject({ stage: 'escalation', level: 'town', centreId: 'zz-pinghe-xiaoxi' });
    walk.act({ type: 'accept' }, townAdmin);
    walk.act({ type: 'escalate', reason: 'Talked by video; needs county departments and legal experts' }, townAdmin);
    expect(walk.state).toMatchObject({ stage: 'escalation', level: 'county', centreId: 'zz-pinghe' });
  });

  it('the county gets a legal opinion from the chief legal consultant before assessing', () => {
    walk.act({ type: 'accept' }, countyAdmin);
    walk.act({ type: 'request_expert', question: 'Who owns the common space?', specialty: 'legal', expertId: consultant.personId }, countyAdmin);
    expect(walk.state).toMatchObject({ stage: 'expert_consultation', expertId: consultant.personId });
    walk.act({ type: 'submit_opinion', opinion: '法律意见书: the common space belongs to all owners' }, consultant);
    expect(walk.state.stage).toBe('risk_assessment');
    walk.act({ type: 'assess', risk, factors }, countyAdmin);
    expect(walk.state).toMatchObject({ stage: 'mediation', risk: 'critical', level: 'county' });
  });

  it('an estate mediator from the pool brings the three parties to an agreement', () => {
    walk.act({ type: 'assign_mediator', mediatorId: mediator.personId }, countyAdmin);
    walk.act({ type: 'record_session', summary: 'Owners, shops and manager met' }, mediator);
    walk.act({
      type: 'record_agreement',
      terms: [
        { party: 'shops', obligation: 'vacate the common space' },
        { party: 'owners', obligation: 'pay outstanding property fees' },
        { party: 'property manager', obligation: 'turn the space into a leisure area' },
      ],
    }, mediator);
    expect(walk.state).toMatchObject({ stage: 'closure', outcome: 'agreement', failure: null });
    expect(walk.state.agreement).toHaveLength(3);
    expect(walk.state.sessions).toEqual([{ at: expect.any(Number), summary: 'Owners, shops and manager met', by: mediator.personId }]);
  });

  it('the county closes it and the satisfied complainant ends the loop', () => {
    const closed = walk.act({ type: 'close', summary: 'Settled by agreement' }, countyAdmin);
    expect(closed.events[0]).toMatchObject({ type: 'closed_by_centre', fromStage: 'closure', stage: 'feedback', detail: { notify: true } });
    walk.act({ type: 'feedback', rating: 5 }, owners);
    expect(isFinished(walk.state, walk.now)).toBe(true);
    expect(walk.types().filter((t) => t === 'escalated')).toHaveLength(2);
    expect(walk.types()).toEqual([
      'reported', 'accepted', 'escalated', 'accepted', 'escalated', 'accepted', 'expert_requested', 'opinion_submitted', 'assessed',
      'mediator_assigned', 'session_recorded', 'agreement_recorded', 'closed_by_centre', 'feedback_received',
    ]);
    expectConsecutiveSeq(walk.events);
  });

  it('records events with the stage and centre after each one', () => {
    const escalations = walk.events.filter((e) => e.type === 'escalated');
    expect(escalations.map((e) => [e.fromStage, e.stage, e.centreId])).toEqual([
      ['risk_assessment', 'escalation', 'zz-pinghe-xiaoxi'],
      ['risk_assessment', 'escalation', 'zz-pinghe'],
    ]);
  });
});
