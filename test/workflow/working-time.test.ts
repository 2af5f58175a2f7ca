import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaultDeadlinePolicy, scaleDeadlinePolicy, type CaseEvent, type DeadlinePolicy, type Span } from '../../src/domain';
import { chinaCalendar } from '../../src/domain/china-calendar';
import { caseStateQuery } from '../../workflows/definitions';
import { act, ORG, seeded } from '../helpers/cases';
import { caseInput } from '../helpers/temporal';
import { startFakeActivityEnv, type FakeActivityEnv } from '../helpers/fake-activities';

/**
 * The working-time policy's rules in caseWorkflow itself, on the dev server with fake
 * activities (test/helpers/fake-activities.ts). Real service hours would take days; the
 * rules are the same whatever the clock counts, so these policies count calendar
 * seconds (or the default policy shrunk, which counts around the clock), and the
 * calendar arithmetic itself is in test/unit/working-time*.test.ts.
 */
const SLACK_MS = 10_000;
const VILLAGE = ORG.pathOf('zz-pinghe-xiaoxi-dongmen');
const admin = seeded('p-dongmen-admin');
const POLICY = defaultDeadlinePolicy(chinaCalendar({ years: { first: 2026, last: 2027 } }));

const seconds = (s: number): Span => ({ amount: s / 60, unit: 'calendar_minutes' });

/**
 * Acceptance far off, every risk's handling limit `handlingS` seconds, warned at 80 %. The
 * server may fire a timer set less than a second ahead up to a second late, so a test that
 * waits for the warning leaves two seconds between it and the limit.
 */
function fastHandling(handlingS: number): DeadlinePolicy {
  const limit = seconds(handlingS);
  return { ...POLICY, acknowledge: seconds(600), warnAt: 0.8, handling: { critical: limit, high: limit, medium: limit, low: limit } };
}

const typesOf = (events: CaseEvent[]): string[] => events.map((e) => e.type);

describe.concurrent('working-time rules of caseWorkflow (fake activities)', () => {
  let env: FakeActivityEnv;
  beforeAll(async () => {
    env = await startFakeActivityEnv('workflow-working-time');
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('acceptance missed: the level above supervises, the case does not move', async ({ expect }) => {
    // The default policy shrunk: acceptance in 30 ms, a low-risk handling limit of almost three minutes.
    const input = caseInput({ centrePath: VILLAGE, risk: 'low', slaPolicy: scaleDeadlinePolicy(POLICY, 0.0001) });
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      const order = await env.fakes.waitForEvent(caseId, 'supervision_issued', SLACK_MS);
      expect(typesOf(env.fakes.eventsOf(caseId))).toEqual(['reported', 'acknowledgement_missed', 'supervision_issued']);
      expect(order.detail).toMatchObject({ automatic: true, reason: 'acknowledgement_missed', byCentreId: 'zz-pinghe-xiaoxi', centreId: 'zz-pinghe-xiaoxi-dongmen' });
      const state = await handle.query(caseStateQuery);
      expect([state.stage, state.level, state.supervisions.length]).toEqual(['intake', 'village', 1]);
      // Accepting late still works, and the case goes on at the village.
      const accepted = await act(handle, admin, { type: 'accept' });
      expect([accepted.stage, accepted.centreId]).toEqual(['risk_assessment', 'zz-pinghe-xiaoxi-dongmen']);
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('handling limit passed: the case goes up a level by itself, warned before', async ({ expect }) => {
    const input = caseInput({ centrePath: VILLAGE, risk: 'medium', slaPolicy: fastHandling(10) });
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      await act(handle, admin, { type: 'accept' });
      const escalated = await env.fakes.waitForEvent(caseId, 'escalated', 10_000 + SLACK_MS);
      const reported = env.fakes.eventsOf(caseId)[0]!;
      expect(typesOf(env.fakes.eventsOf(caseId))).toEqual(['reported', 'accepted', 'deadline_warning', 'supervision_issued', 'escalated']);
      expect(escalated.detail).toMatchObject({ reason: 'handling_limit_passed', automatic: true, deadline: reported.at + 10_000, toCentreId: 'zz-pinghe-xiaoxi' });
      expect(escalated.at).toBeGreaterThanOrEqual(reported.at + 10_000);
      const state = await handle.query(caseStateQuery);
      expect([state.stage, state.level, state.handling?.centreId, state.handling?.startedAt]).toEqual(['escalation', 'town', 'zz-pinghe-xiaoxi', escalated.at]);
      // The village's order lapsed with its part in the case.
      expect(state.supervisions.map((order) => order.status)).toEqual(['withdrawn']);
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('a pause is left out of the handling limit, and ends by itself', async ({ expect }) => {
    const input = caseInput({ centrePath: VILLAGE, risk: 'medium', slaPolicy: fastHandling(5) });
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      await act(handle, admin, { type: 'accept' });
      const paused = await act(handle, admin, { type: 'pause', reason: 'waiting_for_documents', until: new Date(Date.now() + 3000).toISOString() });
      expect([paused.deadline, paused.handling?.deadline]).toEqual([null, null]);
      const pausedEvent = await env.fakes.waitForEvent(caseId, 'clock_paused');
      const resumed = await env.fakes.waitForEvent(caseId, 'clock_resumed', 3000 + SLACK_MS);
      expect(resumed.detail).toMatchObject({ automatic: true });
      const escalated = await env.fakes.waitForEvent(caseId, 'escalated', 5000 + SLACK_MS);
      const reported = env.fakes.eventsOf(caseId)[0]!;
      // What was left when the clock stopped is what it had after it ran again.
      const leftAtPause = reported.at + 5000 - pausedEvent.at;
      expect(escalated.detail).toMatchObject({ reason: 'handling_limit_passed', deadline: resumed.at + leftAtPause });
      expect(escalated.at - reported.at).toBeGreaterThanOrEqual(5000 + (resumed.at - pausedEvent.at));
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('a supervision order unanswered by its reply time lapses; the reply still lands', async ({ expect }) => {
    const input = caseInput({ centrePath: VILLAGE, risk: 'low', slaPolicy: fastHandling(600) });
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      await act(handle, admin, { type: 'accept' });
      await act(handle, seeded('p-xiaoxi-admin'), { type: 'supervise', reason: '请报告进展', replyBy: new Date(Date.now() + 2000).toISOString() });
      const lapsed = await env.fakes.waitForEvent(caseId, 'supervision_lapsed', 2000 + SLACK_MS);
      expect(lapsed.detail).toMatchObject({ orderId: 's1', byCentreId: 'zz-pinghe-xiaoxi', alert: true });
      const replied = await act(handle, admin, { type: 'reply_supervision', orderId: 's1', reply: '已约双方明日调解' });
      expect(replied.supervisions[0]).toMatchObject({ status: 'answered', reply: { late: true } });
    } finally {
      await handle.terminate('test finished');
    }
  });
});
