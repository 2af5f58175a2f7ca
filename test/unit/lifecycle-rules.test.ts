import { describe, expect, it } from 'vitest';
import {
  ACTION_TYPES,
  allowedActions,
  applyAction,
  checkAction,
  isFinished,
  onDeadline,
  onWarning,
  exampleOf,
  SYSTEM,
  type ActionType,
  type ActorOrSystem,
  type CaseState,
  type Stage,
} from '../../src/domain';
import { CaseWalk, MINUTE, ownerAdmin, person, T0 } from './fixtures';

const DAY = 24 * 60 * MINUTE;
const complainant = person('p-res', 'resident', 'zz-pinghe-xiaoxi-dongmen');
const expert = person('p-exp', 'expert', 'zz-pinghe');
const mediator = person('p-med', 'mediator', 'zz-pinghe');

/** A medium-risk dispute owned by Xiaoxi town, so assessing it never escalates by itself. */
function townDispute(): CaseWalk {
  return new CaseWalk({ category: 'neighbour_dispute', centreId: 'zz-pinghe-xiaoxi', complainantId: complainant.personId, risk: 'medium' });
}

function villageCase(category: 'neighbour_dispute' | 'building_safety' = 'neighbour_dispute'): CaseWalk {
  return new CaseWalk({ category, centreId: 'zz-pinghe-xiaoxi-dongmen', complainantId: complainant.personId, risk: 'low' });
}

/** One state per stage, reached through the real transitions. */
function statesByStage(): Record<Stage, CaseState> {
  const w = townDispute();
  const at = {} as Record<Stage, CaseState>;
  at.intake = w.state;
  w.act({ type: 'accept' }, ownerAdmin(w.state));
  at.risk_assessment = w.state;
  w.act({ type: 'request_expert', question: 'q', specialty: 'legal', expertId: expert.personId }, ownerAdmin(w.state));
  at.expert_consultation = w.state;
  w.act({ type: 'submit_opinion', opinion: 'o' }, expert);
  w.act({ type: 'assess', risk: 'medium', factors: [] }, ownerAdmin(w.state));
  w.act({ type: 'assign_mediator', mediatorId: mediator.personId }, ownerAdmin(w.state));
  at.mediation = w.state;
  w.act({ type: 'record_agreement', terms: [{ party: 'a', obligation: 'b' }] }, mediator);
  at.closure = w.state;
  w.act({ type: 'close', summary: 's' }, ownerAdmin(w.state));
  at.feedback = w.state;
  w.act({ type: 'feedback', rating: 1 }, complainant);
  at.closed = w.state;
  const e = townDispute();
  e.act({ type: 'escalate', reason: 'r' }, ownerAdmin(e.state));
  at.escalation = e.state;
  return at;
}

const STAFF_ACTIONS: ActionType[] = ['accept', 'assess', 'escalate', 'request_expert', 'assign_mediator', 'record_session', 'record_agreement', 'record_failure', 'record_disposal', 'close', 'pause', 'resume', 'reply_supervision', 'transfer', 'refuse_transfer', 'assign_department', 'mark_duplicate'];

const EXPECTED: Record<Stage, { staff: ActionType[]; complainant: ActionType[]; expert: ActionType[] }> = {
  intake: { staff: ['accept', 'escalate', 'transfer', 'mark_duplicate'], complainant: [], expert: [] },
  risk_assessment: { staff: ['assess', 'escalate', 'request_expert', 'transfer', 'mark_duplicate'], complainant: [], expert: [] },
  escalation: { staff: ['accept', 'escalate', 'mark_duplicate'], complainant: [], expert: [] },
  expert_consultation: { staff: ['escalate', 'mark_duplicate'], complainant: [], expert: ['submit_opinion'] },
  mediation: { staff: ['escalate', 'request_expert', 'assign_mediator', 'record_session', 'record_agreement', 'record_failure', 'assign_department', 'mark_duplicate'], complainant: [], expert: [] },
  closure: { staff: ['escalate', 'close'], complainant: [], expert: [] },
  feedback: { staff: [], complainant: ['feedback'], expert: [] },
  closed: { staff: [], complainant: ['reopen'], expert: [] },
};

describe('every stage × action', () => {
  const states = statesByStage();
  const now = T0 + DAY;

  for (const [stage, expected] of Object.entries(EXPECTED) as [Stage, (typeof EXPECTED)[Stage]][]) {
    it(`${stage}: refuses with a reason exactly what allowedActions leaves out`, () => {
      const state = states[stage];
      expect(state.stage).toBe(stage);
      const actors: [ActorOrSystem, ActionType[], string][] = [
        [ownerAdmin(state), expected.staff, 'staff'],
        [complainant, expected.complainant, 'complainant'],
        [expert, expected.expert, 'expert'],
      ];
      for (const [actor, allowed, who] of actors) {
        expect(allowedActions(state, actor, now), who).toEqual(allowed);
        for (const type of ACTION_TYPES) {
          const check = checkAction(state, exampleOf(type), actor, now);
          expect(check.ok, `${who} ${type}`).toBe(allowed.includes(type));
          if (!check.ok) expect(check.reason.length, `${who} ${type}`).toBeGreaterThan(10);
        }
      }
    });
  }

  it('staff are told "not now" (conflict) for their own actions and "not you" (forbidden) for others', () => {
    const state = states.closure;
    const staff = ownerAdmin(state);
    for (const type of ACTION_TYPES.filter((t) => !EXPECTED.closure.staff.includes(t))) {
      const check = checkAction(state, exampleOf(type), staff, now);
      expect(check.ok ? 'ok' : check.code, type).toBe(STAFF_ACTIONS.includes(type) ? 'conflict' : 'forbidden');
    }
  });

  it('a hazard in mediation offers record_disposal instead of agreement or failure, without a mediator', () => {
    const w = villageCase('building_safety');
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act({ type: 'assess', risk: 'low', factors: [] }, ownerAdmin(w.state));
    expect(allowedActions(w.state, ownerAdmin(w.state), w.now)).toEqual(['escalate', 'request_expert', 'assign_mediator', 'record_disposal', 'assign_department', 'mark_duplicate']);
    expect(checkAction(w.state, { type: 'record_agreement', terms: [{ party: 'a', obligation: 'b' }] }, ownerAdmin(w.state), w.now)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('hazards are closed with record_disposal') });
  });
});

describe('who may act', () => {
  const w = villageCase();
  const state = w.state;

  it('residents cannot accept', () => {
    expect(checkAction(state, { type: 'accept' }, complainant, T0)).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('staff of another village cannot act, neither admin nor grid worker', () => {
    expect(checkAction(state, { type: 'accept' }, person('x', 'admin', 'zz-tiz-jiaomei-shicuo'), T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(state, { type: 'accept' }, person('x', 'grid_worker', 'zz-pinghe-xiaoxi-ximen'), T0)).toMatchObject({ code: 'forbidden' });
  });

  it('admins of the owning centre and of every ancestor can act; an actor without a centre cannot', () => {
    for (const centreId of ['zz-pinghe-xiaoxi-dongmen', 'zz-pinghe-xiaoxi', 'zz-pinghe', 'zz']) {
      expect(checkAction(state, { type: 'accept' }, person('x', 'admin', centreId), T0), centreId).toEqual({ ok: true });
    }
    expect(checkAction(state, { type: 'accept' }, { kind: 'person', personId: 'x', role: 'admin' }, T0)).toMatchObject({ code: 'forbidden' });
  });

  it('mediators of an ancestor centre are not staff of the case, only admins are', () => {
    expect(checkAction(state, { type: 'accept' }, person('x', 'mediator', 'zz-pinghe-xiaoxi'), T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(state, { type: 'accept' }, person('x', 'mediator', 'zz-pinghe-xiaoxi-dongmen'), T0)).toEqual({ ok: true });
  });

  it('a mediator of the owning centre works the case but does not take in, send up, assign or sign off: those are the officers’', () => {
    const town = 'zz-pinghe-xiaoxi';
    const townMediator = person('m', 'mediator', town);
    const townAdmin = person('a', 'admin', town);
    const sentUp = applyAction(state, { type: 'escalate', reason: 'r' }, person('g', 'grid_worker', 'zz-pinghe-xiaoxi-dongmen'), T0 + MINUTE).state;
    expect(sentUp.centreId).toBe(town);
    expect(checkAction(sentUp, { type: 'accept' }, townMediator, T0 + MINUTE)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(sentUp, { type: 'accept' }, townAdmin, T0 + MINUTE)).toEqual({ ok: true });
    const states = statesByStage();
    const mediation = states.mediation;
    const own = person('m2', 'mediator', mediation.centreId);
    for (const type of ['escalate', 'assign_mediator', 'close'] as const) expect(allowedActions(mediation, own, T0)).not.toContain(type);
    expect(checkAction(mediation, { type: 'escalate', reason: 'r' }, own, T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(states.closure, { type: 'close', summary: 's' }, person('m3', 'mediator', states.closure.centreId), T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(states.closure, { type: 'close', summary: 's' }, ownerAdmin(states.closure), T0)).toEqual({ ok: true });
    expect(allowedActions(mediation, own, T0)).toContain('record_session');
  });

  it('grid workers lose their standing once the case leaves the village, and so do village admins', () => {
    const grid = person('g', 'grid_worker', 'zz-pinghe-xiaoxi-dongmen');
    const escalated = applyAction(state, { type: 'escalate', reason: 'r' }, grid, T0 + MINUTE).state;
    expect(checkAction(escalated, { type: 'accept' }, grid, T0 + MINUTE)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(escalated, { type: 'accept' }, person('a', 'admin', 'zz-pinghe-xiaoxi-dongmen'), T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(escalated, { type: 'accept' }, person('a', 'grid_worker', 'zz-pinghe-xiaoxi'), T0)).toMatchObject({ code: 'forbidden' });
  });

  it('the system may do what staff may, but not give feedback', () => {
    expect(checkAction(state, { type: 'accept' }, SYSTEM, T0)).toEqual({ ok: true });
    const states = statesByStage();
    expect(checkAction(states.feedback, { type: 'feedback', rating: 5 }, SYSTEM, T0)).toMatchObject({ code: 'forbidden' });
  });

  it('only the assigned expert submits an opinion', () => {
    const s = statesByStage().expert_consultation;
    expect(checkAction(s, { type: 'submit_opinion', opinion: 'o' }, mediator, T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(s, { type: 'submit_opinion', opinion: 'o' }, person('other-expert', 'expert', 'zz'), T0)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(s, { type: 'submit_opinion', opinion: 'o' }, ownerAdmin(s), T0)).toMatchObject({ code: 'forbidden' });
  });

  it('an assigned mediator from another centre records sessions and outcomes but cannot close', () => {
    const s = statesByStage().mediation;
    expect(s.centreId).toBe('zz-pinghe-xiaoxi');
    expect(allowedActions(s, mediator, T0)).toEqual(['record_session', 'record_agreement', 'record_failure']);
    const closure = statesByStage().closure;
    expect(checkAction(closure, { type: 'close', summary: 's' }, mediator, T0)).toMatchObject({ code: 'forbidden' });
  });

  it('only the complainant rates, even another resident of the same village', () => {
    const s = statesByStage().feedback;
    expect(checkAction(s, { type: 'feedback', rating: 5 }, person('p-other', 'resident', 'zz-pinghe-xiaoxi-dongmen'), T0)).toMatchObject({ code: 'forbidden' });
  });
});

describe('situations and arguments', () => {
  const states = statesByStage();

  it('explains a stage conflict in words', () => {
    const check = checkAction(states.mediation, { type: 'accept' }, ownerAdmin(states.mediation), T0);
    expect(check).toEqual({ ok: false, code: 'conflict', reason: 'Case is in stage mediation; accept is only possible in intake or escalation' });
    expect(checkAction(states.closed, { type: 'escalate', reason: 'r' }, ownerAdmin(states.closed), T0)).toMatchObject({ code: 'conflict', reason: expect.stringMatching(/case is closed/i) });
  });

  it('cannot escalate beyond the city', () => {
    const w = new CaseWalk({ category: 'other', centreId: 'zz', complainantId: complainant.personId });
    expect(checkAction(w.state, { type: 'escalate', reason: 'r' }, ownerAdmin(w.state), T0)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('highest level (city)') });
  });

  it('needs a mediator before sessions and agreements of a dispute', () => {
    const w = townDispute();
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act({ type: 'assess', risk: 'medium', factors: [] }, ownerAdmin(w.state));
    for (const action of [{ type: 'record_session', summary: 's' }, { type: 'record_failure', reason: 'r', referral: 'litigation' }] as const) {
      expect(checkAction(w.state, action, ownerAdmin(w.state), w.now)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('mediator') });
    }
    expect(checkAction(w.state, { type: 'record_disposal', summary: 's' }, ownerAdmin(w.state), w.now)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('dispute') });
  });

  it('rejects bad arguments as invalid', () => {
    const fb = states.feedback;
    for (const rating of [0, 6, 2.5, Number.NaN]) expect(checkAction(fb, { type: 'feedback', rating }, complainant, T0), String(rating)).toMatchObject({ code: 'invalid' });
    const med = states.mediation;
    expect(checkAction(med, { type: 'record_session', summary: '  ' }, mediator, T0)).toMatchObject({ code: 'invalid' });
    expect(checkAction(med, { type: 'record_agreement', terms: [] }, mediator, T0)).toMatchObject({ code: 'invalid' });
    expect(checkAction(med, { type: 'request_expert', question: 'q' }, ownerAdmin(med), T0)).toMatchObject({ code: 'invalid' });
    expect(checkAction(med, { type: 'escalate', reason: '' }, ownerAdmin(med), T0)).toMatchObject({ code: 'invalid' });
  });

  it('applyAction throws on a refused action or an unresolved id, and never mutates its input', () => {
    const med = states.mediation;
    const before = JSON.stringify(med);
    expect(() => applyAction(med, { type: 'accept' }, ownerAdmin(med), T0)).toThrow(/conflict/);
    expect(() => applyAction(med, { type: 'assign_mediator' }, ownerAdmin(med), T0)).toThrow(/mediatorId/);
    expect(() => applyAction(med, { type: 'request_expert', question: 'q', specialty: 'legal' }, ownerAdmin(med), T0)).toThrow(/expertId/);
    applyAction(med, { type: 'record_session', summary: 's' }, mediator, T0 + DAY);
    expect(JSON.stringify(med)).toBe(before);
  });

  it('reassigns a mediator, keeping the previous one in the event', () => {
    const result = applyAction(states.mediation, { type: 'assign_mediator', mediatorId: 'p-new' }, ownerAdmin(states.mediation), T0 + DAY);
    expect(result.state.mediatorId).toBe('p-new');
    expect(result.events[0]).toMatchObject({ type: 'mediator_assigned', detail: { previousMediatorId: mediator.personId } });
  });

  it('auto-escalates a critical assessment at a village straight to the county', () => {
    const w = villageCase();
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    const result = w.act({ type: 'assess', risk: 'critical', factors: [] }, ownerAdmin(w.state));
    expect(w.state).toMatchObject({ stage: 'escalation', centreId: 'zz-pinghe', centrePath: ['zz', 'zz-pinghe'], level: 'county' });
    expect(result.events[1]?.detail).toMatchObject({ reason: 'risk_requires_level', targetLevel: 'county' });
    expect(w.state.deadline).toBe(w.now + 15 * MINUTE);
  });

  it('escalating drops a pending expert request', () => {
    const s = states.expert_consultation;
    const escalated = applyAction(s, { type: 'escalate', reason: 'expert unavailable' }, ownerAdmin(s), T0 + DAY).state;
    expect(escalated.expertRequest).toBeNull();
    expect(escalated.expertId).toBe(expert.personId);
  });
});

describe('deadlines', () => {
  it('climb village → town → county → city, then raise overdue_at_top once', () => {
    const w = villageCase();
    const levels: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const deadline = w.state.deadline as number;
      const result = w.record(onDeadline(w.state, deadline));
      expect(result.events[0]).toMatchObject({ type: 'escalated', actor: { kind: 'system' }, detail: { reason: 'deadline_passed', automatic: true } });
      expect(w.state.visits.at(-2)?.breached).toBe(true);
      levels.push(w.state.level);
    }
    expect(levels).toEqual(['town', 'county', 'city']);
    const top = w.record(onDeadline(w.state, w.state.deadline as number));
    expect(top.events[0]).toMatchObject({ type: 'overdue_at_top', detail: { alert: true } });
    expect(w.state).toMatchObject({ overdue: true, deadline: null, stage: 'escalation', level: 'city' });
    expect(w.state.visits.at(-1)?.breached).toBe(true);
    expect(onDeadline(w.state, w.now + DAY).events).toEqual([]);
    w.act({ type: 'accept' }, person('p-zz-admin', 'admin', 'zz'));
    expect(w.state.overdue).toBe(false);
    expect(w.state.visits.map((v) => v.stage)).toEqual(['intake', 'escalation', 'escalation', 'escalation', 'risk_assessment']);
  });

  it('marks a visit breached when an action comes after its deadline, not before', () => {
    const w = villageCase();
    w.act({ type: 'accept' }, ownerAdmin(w.state), 6 * MINUTE);
    expect(w.state.visits[0]?.breached).toBe(true);
    w.act({ type: 'assess', risk: 'low', factors: [] }, ownerAdmin(w.state), MINUTE);
    expect(w.state.visits[1]).toMatchObject({ breached: false, leftAt: w.now });
  });

  it('closes an unrated case after the feedback window', () => {
    const s = statesByStage().feedback;
    const result = onDeadline(s, s.deadline as number);
    expect(result.events[0]).toMatchObject({ type: 'feedback_timeout', stage: 'closed', fromStage: 'feedback' });
    expect(result.state).toMatchObject({ status: 'closed', feedbackStatus: 'no_response', deadline: null, rating: null });
    expect(isFinished(result.state, result.state.visits.at(-1)?.enteredAt ?? 0)).toBe(true);
    expect(checkAction(result.state, { type: 'reopen', reason: 'r' }, complainant, T0 + 20 * DAY)).toMatchObject({ code: 'conflict' });
  });
});

describe('feedback and reopening', () => {
  function toFeedback(w: CaseWalk): void {
    w.act({ type: 'record_agreement', terms: [{ party: 'a', obligation: 'b' }] }, mediator);
    w.act({ type: 'close', summary: 's' }, ownerAdmin(w.state));
  }
  function inMediation(): CaseWalk {
    const w = townDispute();
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act({ type: 'assess', risk: 'medium', factors: [] }, ownerAdmin(w.state));
    w.act({ type: 'assign_mediator', mediatorId: mediator.personId }, ownerAdmin(w.state));
    return w;
  }

  it('a satisfied complainant (3+) cannot reopen', () => {
    const w = inMediation();
    toFeedback(w);
    w.act({ type: 'feedback', rating: 3 }, complainant);
    expect(w.state.reopenUntil).toBeNull();
    expect(checkAction(w.state, { type: 'reopen', reason: 'r' }, complainant, w.now)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('dissatisfied') });
  });

  it('a dissatisfied complainant reopens into mediation, at most twice', () => {
    const w = inMediation();
    for (const round of [1, 2]) {
      toFeedback(w);
      w.act({ type: 'feedback', rating: 2 }, complainant);
      expect(w.state.reopenUntil).toBe(w.now + 7 * DAY);
      expect(w.state.deadline).toBe(w.state.reopenUntil);
      expect(isFinished(w.state, w.now)).toBe(false);
      expect(checkAction(w.state, { type: 'reopen', reason: 'r' }, person('p-zz-admin', 'admin', 'zz'), w.now)).toMatchObject({ code: 'forbidden' });
      w.act({ type: 'reopen', reason: 'Shops came back' }, complainant, DAY);
      expect(w.state).toMatchObject({ stage: 'mediation', status: 'open', reopenCount: round, outcome: null, agreement: null, rating: null, closureSummary: null });
    }
    toFeedback(w);
    w.act({ type: 'feedback', rating: 1 }, complainant);
    expect(w.state.reopenUntil).toBeNull();
    expect(isFinished(w.state, w.now)).toBe(true);
    expect(checkAction(w.state, { type: 'reopen', reason: 'r' }, complainant, w.now)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('reopened 2 times') });
    expect(w.events.filter((e) => e.type === 'feedback_received').map((e) => e.detail.rating)).toEqual([2, 2, 1]);
  });

  it('refuses a reopen after the window, and ends the window on its deadline', () => {
    const w = inMediation();
    toFeedback(w);
    w.act({ type: 'feedback', rating: 1 }, complainant);
    const until = w.state.reopenUntil as number;
    expect(checkAction(w.state, { type: 'reopen', reason: 'r' }, complainant, until)).toEqual({ ok: true });
    expect(checkAction(w.state, { type: 'reopen', reason: 'r' }, complainant, until + 1)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('window') });
    expect(isFinished(w.state, until + 1)).toBe(true);
    const ended = onDeadline(w.state, until);
    expect(ended.events[0]).toMatchObject({ type: 'reopen_window_ended', stage: 'closed' });
    expect(ended.state).toMatchObject({ reopenUntil: null, deadline: null });
    expect(isFinished(ended.state, until)).toBe(true);
  });
});

describe('warnings', () => {
  it('warns once per stage visit', () => {
    const w = villageCase();
    const first = w.record(onWarning(w.state, w.state.warnAt as number));
    expect(first.events).toEqual([expect.objectContaining({ type: 'deadline_warning', seq: 2, detail: expect.objectContaining({ deadline: T0 + 5 * MINUTE }) })]);
    expect(w.state.visits[0]?.warned).toBe(true);
    const again = onWarning(w.state, w.now + MINUTE);
    expect(again.events).toEqual([]);
    expect(again.state).toBe(w.state);
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    expect(w.record(onWarning(w.state, w.state.warnAt as number)).events).toHaveLength(1);
    expect(w.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });
});
