import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_SLA_POLICY, RISKS, type CaseEvent, type DeadlineStage, type SlaPolicy } from '../../src/domain';
import { caseStateQuery } from '../../workflows/definitions';
import { act, ORG, seeded, uniformPolicy } from '../helpers/cases';
import { caseInput } from '../helpers/temporal';
import { FAKE_MEDIATOR_ID, startFakeActivityEnv, type FakeActivityEnv } from '../helpers/fake-activities';

/**
 * Deadline rules of caseWorkflow itself, beyond those test/integration/deadlines.test.ts
 * covers with the real writes: the workflow on the dev server, its activities
 * fakes that keep what they are handed (test/helpers/fake-activities.ts).
 *
 * A watched stage lasts STAGE_MS, warned at half time. The Temporal server may
 * fire a timer set less than a second ahead up to about a second late (its
 * timer queue reads a second ahead, history.timerProcessorMaxTimeShift), so
 * warning and deadline are 1.5 s apart: a late timer still lands between them.
 *
 * Times asserted on are workflow time (each event's `at`, the state's
 * deadlines), read by the workflow from the server, so they hold however late
 * the test process itself looks.
 */
const STAGE_MS = 3000;
/** Stages a test does not watch: nothing of theirs comes due while the test acts. */
const UNWATCHED_MS = 10 * 60_000;
/** How long to wait for an event beyond the time it is due. */
const SLACK_MS = 10_000;

const VILLAGE = ORG.pathOf('zz-pinghe-xiaoxi-dongmen');
const admin = seeded('p-dongmen-admin');

/** Every stage unwatched except `stages`, which last `ms`. */
function policyTiming(stages: readonly DeadlineStage[], ms: number): SlaPolicy {
  const policy = uniformPolicy(UNWATCHED_MS, 0.5, UNWATCHED_MS);
  for (const stage of stages) policy.durations[stage] = Object.fromEntries(RISKS.map((risk) => [risk, ms])) as SlaPolicy['durations'][DeadlineStage];
  return policy;
}

const typesOf = (events: CaseEvent[]): string[] => events.map((e) => e.type);
const num = (value: unknown): number => {
  if (typeof value !== 'number') throw new Error(`expected a number, got ${String(value)}`);
  return value;
};

// Each case has its own workflow and timers: run them side by side, the file takes as long as its longest case.
describe.concurrent('deadline rules of caseWorkflow (fake activities)', () => {
  let env: FakeActivityEnv;
  beforeAll(async () => {
    env = await startFakeActivityEnv('workflow-deadlines');
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('deadlines run from when the case was received, not from when its workflow first ran (default policy)', async ({ expect }) => {
    // Received almost five minutes ago (intake: 5 min, warned at 4), its workflow running only now,
    // as when no worker was up at intake: the warning is due at once, the deadline in 2.5 s.
    const input = caseInput({ centrePath: VILLAGE, slaPolicy: DEFAULT_SLA_POLICY });
    const intakeMs = DEFAULT_SLA_POLICY.durations.intake.low;
    input.opening.now = Date.now() - intakeMs + 2500;
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      const escalated = await env.fakes.waitForEvent(caseId, 'escalated', 2500 + SLACK_MS);
      const events = env.fakes.eventsOf(caseId);
      expect(typesOf(events)).toEqual(['reported', 'deadline_warning', 'escalated']);
      const [reported, warning] = events as [CaseEvent, CaseEvent];
      expect(reported.at).toBe(input.opening.now);
      expect(warning.detail).toEqual({ deadline: input.opening.now + intakeMs, warnAt: input.opening.now + 0.8 * intakeMs });
      expect(warning.at).toBeLessThan(input.opening.now + intakeMs);
      expect(escalated.detail).toMatchObject({ stageMissed: 'intake', deadline: input.opening.now + intakeMs });
      expect(escalated.at).toBeGreaterThanOrEqual(input.opening.now + intakeMs);

      // The town gets the policy's whole escalation time for a low-risk case, from the moment it arrived.
      const state = await handle.query(caseStateQuery);
      const escalationMs = DEFAULT_SLA_POLICY.durations.escalation.low;
      expect([state.stage, state.level, state.deadline, state.warnAt]).toEqual([
        'escalation',
        'town',
        escalated.at + escalationMs,
        escalated.at + 0.8 * escalationMs,
      ]);
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('an action that moves the case on sets the next deadline from the moment it acted, and the old deadline never fires', async ({ expect }) => {
    const input = caseInput({ centrePath: VILLAGE, slaPolicy: policyTiming(['intake', 'risk_assessment'], STAGE_MS) });
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      // Warned in intake, then accepted before the intake deadline.
      const intakeWarning = await env.fakes.waitForEvent(caseId, 'deadline_warning', STAGE_MS + SLACK_MS);
      const accepted = await act(handle, admin, { type: 'accept' });
      const acceptedEvent = await env.fakes.waitForEvent(caseId, 'accepted');
      expect(acceptedEvent.at).toBeLessThan(num(intakeWarning.detail.deadline));
      expect([accepted.stage, accepted.deadline, accepted.warnAt]).toEqual(['risk_assessment', acceptedEvent.at + STAGE_MS, acceptedEvent.at + STAGE_MS / 2]);

      // The intake deadline passes unremarked; the first escalation is risk assessment's, at its own deadline.
      const escalated = await env.fakes.waitForEvent(caseId, 'escalated', STAGE_MS + SLACK_MS);
      expect(escalated.detail).toMatchObject({ stageMissed: 'risk_assessment', deadline: accepted.deadline });
      expect(escalated.at).toBeGreaterThanOrEqual(num(accepted.deadline));
      const events = env.fakes.eventsOf(caseId);
      expect(typesOf(events)).toEqual(['reported', 'deadline_warning', 'accepted', 'deadline_warning', 'escalated']);
      // The new visit is warned afresh, at its own time.
      expect(events[3]?.detail).toEqual({ deadline: accepted.deadline, warnAt: accepted.warnAt });
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('an action that keeps the case in its stage leaves the deadline where it was and brings no second warning', async ({ expect }) => {
    const input = caseInput({ centrePath: VILLAGE, slaPolicy: policyTiming(['mediation'], STAGE_MS) });
    const caseId = input.opening.caseId;
    const handle = await env.start(input);
    try {
      await act(handle, admin, { type: 'accept' });
      const inMediation = await act(handle, admin, { type: 'assess', risk: 'low', factors: [] });
      expect(inMediation.stage).toBe('mediation');
      const { deadline, warnAt } = inMediation;
      // No mediator named: the system's choice (here the fake's) is filled in.
      const assigned = await act(handle, admin, { type: 'assign_mediator' });
      expect(assigned.mediatorId).toBe(FAKE_MEDIATOR_ID);
      expect(env.fakes.recordOf(caseId).mediatorRequests).toEqual([expect.objectContaining({ caseId, centrePath: VILLAGE, preferredId: null })]);

      // A session before the warning: the warning still comes at its time.
      const afterFirst = await act(handle, admin, { type: 'record_session', summary: '第一次调解' });
      expect([afterFirst.deadline, afterFirst.warnAt]).toEqual([deadline, warnAt]);
      const warning = await env.fakes.waitForEvent(caseId, 'deadline_warning', STAGE_MS + SLACK_MS);
      expect(warning.detail).toEqual({ deadline, warnAt });
      expect(warning.at).toBeGreaterThanOrEqual(num(warnAt));

      // A session after it: the workflow sets its timer again, for the same deadline, and does not warn twice.
      const afterSecond = await act(handle, admin, { type: 'record_session', summary: '第二次调解' });
      expect([afterSecond.deadline, afterSecond.warnAt]).toEqual([deadline, warnAt]);
      const escalated = await env.fakes.waitForEvent(caseId, 'escalated', STAGE_MS + SLACK_MS);
      expect(escalated.detail).toMatchObject({ stageMissed: 'mediation', deadline });
      expect(escalated.at).toBeGreaterThanOrEqual(num(deadline));
      expect(typesOf(env.fakes.eventsOf(caseId))).toEqual([
        'reported', 'accepted', 'assessed', 'mediator_assigned',
        'session_recorded', 'deadline_warning', 'session_recorded', 'escalated',
      ]);
    } finally {
      await handle.terminate('test finished');
    }
  });

  it('a warning that only comes due after its deadline (the opening write outlasted the stage) is skipped: the case escalates', async ({ expect }) => {
    // The opening write is retried until the database answers; meanwhile the workflow acts on nothing.
    // Here it takes twice the intake stage, so the warning is due only after the deadline.
    const intakeMs = 500;
    const input = caseInput({ centrePath: VILLAGE, slaPolicy: policyTiming(['intake'], intakeMs) });
    const caseId = input.opening.caseId;
    env.fakes.delayOpening(caseId, 2 * intakeMs);
    const handle = await env.start(input);
    try {
      const escalated = await env.fakes.waitForEvent(caseId, 'escalated', 2 * intakeMs + SLACK_MS);
      expect(escalated.detail).toMatchObject({ stageMissed: 'intake', deadline: input.opening.now + intakeMs });
      expect(typesOf(env.fakes.eventsOf(caseId))).toEqual(['reported', 'escalated']);
      expect(env.fakes.recordOf(caseId).opened).toHaveLength(1);
      const state = await handle.query(caseStateQuery);
      expect(state.visits.map((v) => [v.stage, v.level, v.warned, v.breached])).toEqual([
        ['intake', 'village', false, true],
        ['escalation', 'town', false, false],
      ]);
    } finally {
      await handle.terminate('test finished');
    }
  });
});
