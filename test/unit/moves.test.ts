import { describe, expect, it } from 'vitest';
import { expertQuestionOf, movesOf, onDeadline } from '../../src/domain';
import { CaseWalk, MINUTE, ownerAdmin, person } from './fixtures';

const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const TOWN = 'zz-pinghe-xiaoxi';
const grid = person('p-dongmen-grid', 'grid_worker', VILLAGE);
const expert = person('p-expert-law', 'expert', 'zz-pinghe');

function villageCase(): CaseWalk {
  return new CaseWalk({ category: 'estate_dispute', centreId: VILLAGE, complainantId: 'p-dongmen-resident', reportedById: grid.personId, risk: 'medium' });
}

describe('movesOf: why a case came to each centre', () => {
  it('a person’s escalation: from where, by whom, with their reason', () => {
    const walk = villageCase();
    walk.act({ type: 'accept' }, grid);
    walk.act({ type: 'escalate', reason: '涉及多方，需镇里协调' }, grid);
    expect(movesOf(walk.events)).toEqual([
      { at: walk.now, fromCentreId: VILLAGE, toCentreId: TOWN, toLevel: 'town', cause: 'staff', reason: '涉及多方，需镇里协调', by: { personId: grid.personId, role: 'grid_worker' }, stageMissed: null, deadline: null, risk: null },
    ]);
  });

  it('a deadline that passed: by nobody, naming the stage and the deadline missed', () => {
    const walk = villageCase();
    const deadline = walk.state.deadline;
    walk.now = (deadline ?? 0) + MINUTE;
    // The timer's own transition, as the workflow applies it.
    walk.record(onDeadline(walk.state, walk.now));
    expect(movesOf(walk.events)).toMatchObject([{ fromCentreId: VILLAGE, toCentreId: TOWN, cause: 'deadline', by: null, reason: null, stageMissed: 'intake', deadline }]);
  });

  it('a risk that needs a higher level: decided by whoever assessed it', () => {
    const walk = villageCase();
    walk.act({ type: 'accept' }, grid);
    walk.act({ type: 'assess', risk: 'critical', factors: [] }, grid);
    const [move] = movesOf(walk.events);
    expect(move).toMatchObject({ fromCentreId: VILLAGE, toLevel: 'county', toCentreId: 'zz-pinghe', cause: 'risk', risk: 'critical', by: { personId: grid.personId } });
    expect(walk.events.find((e) => e.type === 'escalated')?.actor).toEqual({ kind: 'system' });
  });

  it('two moves, oldest first; none for a case that stayed', () => {
    const walk = villageCase();
    expect(movesOf(walk.events)).toEqual([]);
    walk.act({ type: 'escalate', reason: 'up' }, grid);
    walk.act({ type: 'escalate', reason: 'up again' }, ownerAdmin(walk.state));
    expect(movesOf(walk.events).map((m) => [m.fromCentreId, m.toCentreId])).toEqual([
      [VILLAGE, TOWN],
      [TOWN, 'zz-pinghe'],
    ]);
  });
});

describe('expertQuestionOf: the question the expert was asked', () => {
  it('the open request’s, then the asked event’s once the opinion is in', () => {
    const walk = villageCase();
    walk.act({ type: 'accept' }, grid);
    walk.act({ type: 'request_expert', question: '商铺占用公共区域是否合法？', specialty: 'legal', expertId: expert.personId }, grid);
    expect(expertQuestionOf(walk.state, walk.events)).toMatchObject({ question: '商铺占用公共区域是否合法？', specialty: 'legal', open: true });
    const askedAt = walk.now;
    walk.act({ type: 'submit_opinion', opinion: '不合法' }, expert);
    expect(walk.state.expertRequest).toBeNull();
    expect(expertQuestionOf(walk.state, walk.events)).toEqual({ question: '商铺占用公共区域是否合法？', specialty: 'legal', requestedAt: askedAt, open: false });
  });

  it('none when no expert was asked', () => {
    expect(expertQuestionOf(villageCase().state, [])).toBeNull();
  });
});
