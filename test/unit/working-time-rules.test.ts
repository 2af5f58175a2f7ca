// The working-time policy's rules, pure: acknowledgement, handling limits, warnings, pauses, supervision.
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  checkAction,
  clockTimeBetween,
  deadlinePolicyProblem,
  defaultDeadlinePolicy,
  nextTimer,
  onTimer,
  scaleDeadlinePolicy,
  type DeadlinePolicy,
} from '../../src/domain';
import { chinaCalendar } from '../../src/domain/china-calendar';
import { CaseWalk, MINUTE, ownerAdmin, person } from './fixtures';

const POLICY = defaultDeadlinePolicy(chinaCalendar({ years: { first: 2026, last: 2026 } }));
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const TOWN = 'zz-pinghe-xiaoxi';
const complainant = person('p-res', 'resident', VILLAGE);
const mediator = person('p-med', 'mediator', VILLAGE);

/** Epoch ms of a Beijing wall-clock time. */
function beijing(iso: string): number {
  return Date.parse(`${iso}+08:00`);
}

function villageCase(risk: 'high' | 'medium' | 'low', now: number, policy: DeadlinePolicy = POLICY): CaseWalk {
  return new CaseWalk({ category: 'neighbour_dispute', centreId: VILLAGE, complainantId: complainant.personId, risk, now, policy });
}

describe('a new case under the working-time policy', () => {
  it('owes acceptance within five service minutes: a report at 17:29 on Friday is due at 08:34 on Monday', () => {
    const w = villageCase('low', beijing('2026-11-27T17:29'));
    expect(w.state.visits[0]!.deadline).toBe(beijing('2026-11-30T08:34'));
    expect(nextTimer(w.state)).toEqual({ at: beijing('2026-11-30T08:34'), kind: 'acknowledgement' });
  });

  it('has a handling limit by risk in working days: a high-risk report at 09:00 on Wednesday is due at 09:00 on Thursday', () => {
    const w = villageCase('high', beijing('2026-11-25T09:00'));
    expect(w.state.handling).toMatchObject({ centreId: VILLAGE, limit: { amount: 1, unit: 'working_days' }, deadline: beijing('2026-11-26T09:00') });
    // Warned at 80 % of 6.5 service hours: 3 h in the morning, then 2 h 12 min after 14:30.
    expect(w.state.handling?.warnAt).toBe(beijing('2026-11-25T16:42'));
    expect(w.state.deadline).toBe(beijing('2026-11-26T09:00'));
    const medium = villageCase('medium', beijing('2026-11-25T09:00'));
    expect(medium.state.deadline).toBe(addWorkingDays(beijing('2026-11-25T09:00'), 7, POLICY.calendar));
  });

  it('names the policy version it runs under on its first event', () => {
    expect(villageCase('low', beijing('2026-11-25T09:00')).events[0]!.detail).toMatchObject({ policyVersion: 1 });
  });
});

describe('acknowledgement missed', () => {
  it('warns the centre and has the level above supervise; the case stays where it is', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    w.record(onTimer(w.state, beijing('2026-11-25T09:06')));
    expect(w.types()).toEqual(['reported', 'acknowledgement_missed', 'supervision_issued']);
    expect(w.state).toMatchObject({ stage: 'intake', centreId: VILLAGE });
    expect(w.state.supervisions).toEqual([
      expect.objectContaining({ id: 's1', centreId: VILLAGE, byCentreId: TOWN, automatic: true, reason: 'acknowledgement_missed', status: 'open' }),
    ]);
    // Reply due a working day later, and the acknowledgement timer does not fire again.
    expect(w.state.supervisions[0]!.replyBy).toBe(beijing('2026-11-26T09:06'));
    expect(onTimer(w.state, beijing('2026-11-25T09:07')).events).toEqual([]);
  });
});

describe('the handling limit', () => {
  it('escalates the case by itself when it passes, and the town gets its own acknowledgement and limit', () => {
    const w = villageCase('high', beijing('2026-11-25T09:00'));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.record(onTimer(w.state, beijing('2026-11-25T16:42')));
    expect(w.types().slice(-2)).toEqual(['deadline_warning', 'supervision_issued']);
    w.record(onTimer(w.state, beijing('2026-11-26T09:00')));
    const escalated = w.events.at(-1)!;
    expect(escalated).toMatchObject({ type: 'escalated', centreId: TOWN, detail: { reason: 'handling_limit_passed', automatic: true } });
    expect(w.state).toMatchObject({ stage: 'escalation', centreId: TOWN });
    expect(w.state.visits.find((visit) => visit.centreId === VILLAGE && visit.stage === 'risk_assessment')?.breached).toBe(true);
    expect(w.state.handling).toMatchObject({ centreId: TOWN, startedAt: beijing('2026-11-26T09:00') });
    expect(nextTimer(w.state)).toEqual({ at: beijing('2026-11-26T09:05'), kind: 'acknowledgement' });
    // The village's open order went with its part in the case.
    expect(w.state.supervisions[0]!.status).toBe('withdrawn');
  });

  it('does not fire early when the worker was down across the weekend, and skips a warning it reached too late', () => {
    const w = villageCase('high', beijing('2026-11-27T16:00'));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    expect(w.state.deadline).toBe(beijing('2026-11-30T16:00'));
    expect(onTimer(w.state, beijing('2026-11-28T12:00')).events).toEqual([]);
    w.record(onTimer(w.state, beijing('2026-12-01T10:00')));
    expect(w.types()).toEqual(['reported', 'accepted', 'escalated']);
  });

  it('follows a change of risk: the time used stays used', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act({ type: 'assess', risk: 'medium', factors: [] }, ownerAdmin(w.state));
    expect(w.state.handling?.limit).toEqual({ amount: 7, unit: 'working_days' });
    expect(w.state.deadline).toBe(addWorkingDays(beijing('2026-11-25T09:00'), 7, POLICY.calendar));
  });

  it('at the city is flagged for people once, not escalated', () => {
    const w = new CaseWalk({ category: 'neighbour_dispute', centreId: 'zz', complainantId: 'p-res', risk: 'high', now: beijing('2026-11-25T09:00'), policy: POLICY });
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.record(onTimer(w.state, beijing('2026-11-26T09:00')));
    expect(w.types().slice(-1)).toEqual(['overdue_at_top']);
    expect(w.state).toMatchObject({ overdue: true, deadline: null, centreId: 'zz' });
    expect(nextTimer(w.state)?.kind).not.toBe('handling_limit');
  });
});

describe('pausing the clock', () => {
  function mediating(): CaseWalk {
    const w = villageCase('medium', beijing('2026-11-25T09:00'));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act({ type: 'assess', risk: 'medium', factors: [] }, ownerAdmin(w.state));
    return w;
  }
  const pauseUntil = (until: string) => ({ type: 'pause', reason: 'waiting_for_documents', until }) as const;

  it('stops the handling clock and resumes it with the same working time left', () => {
    const w = mediating();
    const before = w.state.handling!.deadline!;
    w.act(pauseUntil('2026-12-04T09:00:00+08:00'), ownerAdmin(w.state));
    const pausedAt = w.now;
    const left = clockTimeBetween(POLICY, POLICY.handling.medium, pausedAt, before);
    expect(w.state).toMatchObject({ deadline: null, pause: { reason: 'waiting_for_documents', until: beijing('2026-12-04T09:00') } });
    expect(nextTimer(w.state)).toEqual({ at: beijing('2026-12-04T09:00'), kind: 'pause_end' });
    w.act({ type: 'resume' }, ownerAdmin(w.state), 2 * DAY);
    const after = w.state.handling!.deadline!;
    expect(after).toBeGreaterThan(before);
    expect(clockTimeBetween(POLICY, POLICY.handling.medium, w.now, after)).toBe(left);
    expect(w.state.pausedMs).toBe(2 * DAY);
  });

  it('resumes by itself at the end of the pause', () => {
    const w = mediating();
    w.act(pauseUntil('2026-11-27T09:00:00+08:00'), ownerAdmin(w.state));
    w.record(onTimer(w.state, beijing('2026-11-27T09:00')));
    expect(w.events.at(-1)).toMatchObject({ type: 'clock_resumed', actor: { kind: 'system' }, detail: { automatic: true } });
    expect(w.state.pause).toBeNull();
    expect(w.state.deadline).not.toBeNull();
  });

  it('refuses a pause that ends in the past, past the allowance, twice, or before acceptance', () => {
    const w = mediating();
    const admin = ownerAdmin(w.state);
    expect(checkAction(w.state, pauseUntil('2026-11-20T09:00:00+08:00'), admin, w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('future') });
    expect(checkAction(w.state, pauseUntil('2027-01-20T09:00:00+08:00'), admin, w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('at most 30 calendar days') });
    expect(checkAction(w.state, { type: 'pause', reason: 'other' } as never, admin, w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('until') });
    w.act(pauseUntil('2026-12-01T09:00:00+08:00'), admin);
    expect(checkAction(w.state, pauseUntil('2026-12-02T09:00:00+08:00'), admin, w.now)).toMatchObject({ code: 'conflict' });
    const fresh = villageCase('low', beijing('2026-11-25T09:00'));
    expect(checkAction(fresh.state, pauseUntil('2026-12-02T09:00:00+08:00'), ownerAdmin(fresh.state), fresh.now)).toMatchObject({ code: 'conflict' });
  });
});

describe('supervision orders', () => {
  const order = { type: 'supervise', reason: 'Report what has been done', replyBy: '2026-11-27T17:30:00+08:00' } as const;

  it('come from an administrator above the handling centre, never from the centre itself', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    expect(checkAction(w.state, order, person('a', 'admin', TOWN), w.now)).toEqual({ ok: true });
    expect(checkAction(w.state, order, person('a', 'admin', 'zz'), w.now)).toEqual({ ok: true });
    expect(checkAction(w.state, order, person('a', 'admin', VILLAGE), w.now)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(w.state, { ...order, replyBy: '2026-11-20T17:30:00+08:00' }, person('a', 'admin', TOWN), w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('replyBy') });
  });

  it('are answered by the handling centre, lapse unanswered at the reply time, and still take a late reply', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act(order, person('a', 'admin', TOWN));
    expect(w.state.supervisions[0]).toMatchObject({ id: 's1', automatic: false, by: 'a', byCentreId: TOWN, status: 'open' });
    w.now = beijing('2026-11-27T17:30');
    w.record(onTimer(w.state, w.now));
    expect(w.events.at(-1)).toMatchObject({ type: 'supervision_lapsed', detail: { orderId: 's1', alert: true } });
    w.act({ type: 'reply_supervision', orderId: 's1', reply: 'Both families meet on Monday' }, mediator);
    expect(w.state.supervisions[0]).toMatchObject({ status: 'answered', reply: { text: 'Both families meet on Monday', late: true } });
    expect(checkAction(w.state, { type: 'reply_supervision', orderId: 's1', reply: 'again' }, mediator, w.now)).toMatchObject({ code: 'conflict' });
    expect(checkAction(w.state, { type: 'reply_supervision', orderId: 's9', reply: 'x' }, person('a', 'admin', TOWN), w.now)).toMatchObject({ code: 'forbidden' });
  });

  it('cannot be issued on a closed case', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    w.act({ type: 'assess', risk: 'low', factors: [] }, ownerAdmin(w.state));
    w.act({ type: 'assign_mediator', mediatorId: mediator.personId }, ownerAdmin(w.state));
    w.act({ type: 'record_agreement', terms: [{ party: 'a', obligation: 'b' }] }, mediator);
    w.act({ type: 'close', summary: 'done' }, ownerAdmin(w.state));
    w.act({ type: 'feedback', rating: 5 }, complainant);
    expect(checkAction(w.state, order, person('a', 'admin', TOWN), w.now)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('closed') });
  });
});

describe('a scaled policy for demonstrations', () => {
  it('counts around the clock: a working day is 24 hours times the scale', () => {
    const w = villageCase('high', beijing('2026-11-28T03:00'), scaleDeadlinePolicy(POLICY, 0.01));
    expect(w.state.deadline! - w.now).toBe(0.01 * DAY);
    expect(w.state.visits[0]!.deadline! - w.now).toBe(0.01 * 5 * MINUTE);
  });
});

describe('a policy that cannot be run under', () => {
  const from = beijing('2026-12-01T09:00');
  it('is refused with the reason', () => {
    expect(deadlinePolicyProblem(POLICY, from)).toBeNull();
    expect(deadlinePolicyProblem({ ...POLICY, acknowledge: { amount: -5, unit: 'service_minutes' } }, from)).toMatch(/acknowledge must be a positive amount/);
    const { feedback: _missing, ...rest } = POLICY;
    expect(deadlinePolicyProblem(rest as DeadlinePolicy, from)).toBe('feedback is missing');
    expect(deadlinePolicyProblem({ ...POLICY, handling: { ...POLICY.handling, low: { amount: 3, unit: 'fortnights' as never } } }, from)).toMatch(/handling.low has an unknown unit/);
    expect(deadlinePolicyProblem(POLICY, beijing('2027-01-04T09:00'))).toMatch(/no holiday data for 2027/);
  });
});

describe('transfers to a peer centre', () => {
  const XIMEN = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-ximen'];
  const transfer = (toCentrePath?: string[]) => ({ type: 'transfer', toCentreId: toCentrePath?.at(-1) ?? 'zz-pinghe-xiaoxi-ximen', reason: 'The house is in Ximen', ...(toCentrePath ? { toCentrePath } : {}) }) as const;

  it('go to another centre of the same level in the city, which accepts it or sends it back with a reason', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    w.act(transfer(XIMEN), ownerAdmin(w.state));
    expect(w.state).toMatchObject({ stage: 'intake', centreId: 'zz-pinghe-xiaoxi-ximen', transfer: { fromCentreId: VILLAGE, fromStage: 'intake', reason: 'The house is in Ximen' } });
    expect(w.state.handling?.centreId).toBe('zz-pinghe-xiaoxi-ximen');
    expect(checkAction(w.state, transfer(XIMEN), ownerAdmin(w.state), w.now)).toMatchObject({ code: 'conflict' });
    w.act({ type: 'refuse_transfer', reason: 'Dongmen 5 is in Dongmen' }, ownerAdmin(w.state));
    expect(w.state).toMatchObject({ stage: 'intake', centreId: VILLAGE, transfer: null });
    expect(w.types().slice(-2)).toEqual(['transferred', 'transfer_refused']);
    w.act(transfer(XIMEN), ownerAdmin(w.state));
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    expect(w.state).toMatchObject({ stage: 'risk_assessment', centreId: 'zz-pinghe-xiaoxi-ximen', transfer: null });
    expect(checkAction(w.state, { type: 'refuse_transfer', reason: 'x' }, ownerAdmin(w.state), w.now)).toMatchObject({ code: 'conflict' });
  });

  it('refuse a centre outside the region, at another level, or the case’s own', () => {
    const w = villageCase('low', beijing('2026-11-25T09:00'));
    const admin = ownerAdmin(w.state);
    expect(checkAction(w.state, transfer(['elsewhere', 'e-county', 'e-town', 'e-village']), admin, w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('outside') });
    expect(checkAction(w.state, transfer(['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi']), admin, w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('escalate') });
    expect(checkAction(w.state, transfer(['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', VILLAGE]), admin, w.now)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('already') });
    // Before the workflow has looked the centre up, only the case's own centre can be told apart.
    expect(checkAction(w.state, transfer(), admin, w.now)).toEqual({ ok: true });
  });
});
