import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/db/seed';
import { ACTION_TYPES, checkAction, exampleOf, type Actor, type CaseAction, type CaseState, type Stage } from '../../src/domain';
import { REFUSAL_TYPES } from '../../workflows/definitions';
import { act, ORG, refusalOf, seeded, type CaseHandle } from '../helpers/cases';
import { caseInput, startCase, startTestEnv, type TestEnv } from '../helpers/temporal';

/**
 * Every stage × action pair that is not allowed is refused by the update
 * validator, with a reason, and leaves no trace: no event in MongoDB, no entry
 * in the workflow's history.
 */
describe('refused actions', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('refusals');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  async function traces(handle: CaseHandle, caseId: string): Promise<{ events: number; history: number }> {
    const history = await handle.fetchHistory();
    return { events: await env.db.models.CaseEvent.countDocuments({ caseId }), history: history.events?.length ?? 0 };
  }

  /** The workflow has nothing in flight (the opening write may still run after a start). */
  async function settled(handle: CaseHandle, caseId: string): Promise<{ events: number; history: number }> {
    for (;;) {
      const first = await traces(handle, caseId);
      const described = await handle.describe();
      await new Promise((r) => setTimeout(r, 200));
      const pending = described.raw.pendingActivities?.length ?? 0;
      const second = await traces(handle, caseId);
      if (pending === 0 && first.history === second.history) return second;
    }
  }

  /** Tries every action the actor may not take now; returns how many were tried. */
  async function expectEveryRefusal(handle: CaseHandle, state: CaseState, actor: Actor): Promise<number> {
    const before = await settled(handle, state.caseId);
    let tried = 0;
    for (const type of ACTION_TYPES) {
      const action: CaseAction = exampleOf(type);
      const expected = checkAction(state, action, actor, Date.now());
      if (expected.ok) continue;
      const refused = await refusalOf(act(handle, actor, action));
      expect(refused.type, `${state.stage}: ${type}`).toBe(REFUSAL_TYPES[expected.code]);
      expect(refused.message.length, `${state.stage}: ${type} has a reason`).toBeGreaterThan(10);
      tried += 1;
    }
    expect(await traces(handle, state.caseId)).toEqual(before);
    return tried;
  }

  it('refuses every disallowed action in every stage, for staff and for the complainant', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
    const handle = await startCase(env, input);
    const resident = seeded('p-dongmen-resident');
    const village = seeded('p-dongmen-admin');
    const town = seeded('p-xiaoxi-admin');
    const visited: Stage[] = [];
    let refusals = 0;

    const check = async (state: CaseState, staff: Actor): Promise<void> => {
      visited.push(state.stage);
      refusals += await expectEveryRefusal(handle, state, staff);
      refusals += await expectEveryRefusal(handle, state, resident);
    };

    let state = await handle.query('caseState') as CaseState;
    await check(state, village); // intake
    state = await act(handle, village, { type: 'accept' });
    await check(state, village); // risk_assessment
    state = await act(handle, village, { type: 'escalate', reason: '需要镇级协调' });
    await check(state, town); // escalation
    state = await act(handle, town, { type: 'accept' });
    state = await act(handle, town, { type: 'request_expert', question: '是否违法？', specialty: 'legal', expertId: 'p-pinghe-expert-legal' });
    await check(state, town); // expert_consultation
    state = await act(handle, seeded('p-pinghe-expert-legal'), { type: 'submit_opinion', opinion: '不违法' });
    state = await act(handle, town, { type: 'assess', risk: 'low', factors: [] });
    await check(state, town); // mediation, no mediator yet
    state = await act(handle, town, { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });
    state = await act(handle, town, { type: 'record_agreement', terms: [{ party: '邻居', obligation: '道歉' }] });
    await check(state, town); // closure
    state = await act(handle, town, { type: 'close', summary: '已调解' });
    await check(state, town); // feedback
    state = await act(handle, resident, { type: 'feedback', rating: 1 });
    await check(state, town); // closed, reopen window open
    expect(visited).toEqual(['intake', 'risk_assessment', 'escalation', 'expert_consultation', 'mediation', 'closure', 'feedback', 'closed']);
    expect(refusals).toBeGreaterThan(120);
    await handle.terminate('test finished');
  });

  it('refuses by role and centre: a resident accepting, a mediator giving an expert opinion, another village, the wrong expert', async () => {
    const handle = await startCase(env, caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' }));
    const forbidden = REFUSAL_TYPES.forbidden;
    expect((await refusalOf(act(handle, seeded('p-dongmen-resident'), { type: 'accept' }))).type).toBe(forbidden);
    expect((await refusalOf(act(handle, seeded('p-shicuo-admin'), { type: 'accept' }))).type).toBe(forbidden);
    expect((await refusalOf(act(handle, seeded('p-shicuo-grid'), { type: 'accept' }))).type).toBe(forbidden);
    // An admin of an ancestor centre acts on the whole subtree.
    await act(handle, seeded('p-pinghe-admin'), { type: 'accept' });
    await act(handle, seeded('p-pinghe-admin'), { type: 'request_expert', question: '?', specialty: 'legal', expertId: 'p-pinghe-expert-legal' });
    expect((await refusalOf(act(handle, seeded('p-pinghe-med-estate'), { type: 'submit_opinion', opinion: 'x' }))).type).toBe(forbidden);
    expect((await refusalOf(act(handle, seeded('p-zz-expert-legal'), { type: 'submit_opinion', opinion: 'x' }))).type).toBe(forbidden);
    // An invalid argument and an unknown expert are refused with reasons too.
    const state = await act(handle, seeded('p-pinghe-expert-legal'), { type: 'submit_opinion', opinion: '意见' });
    expect(state.stage).toBe('risk_assessment');
    const unknownExpert = await refusalOf(act(handle, seeded('p-pinghe-admin'), { type: 'request_expert', question: '?', expertId: 'p-nobody' }));
    expect(unknownExpert).toMatchObject({ type: REFUSAL_TYPES.conflict });
    expect(unknownExpert.message).toContain('p-nobody');
    await handle.terminate('test finished');
  });
});
