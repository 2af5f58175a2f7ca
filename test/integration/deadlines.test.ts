import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWorker } from '../../src/temporal/worker';
import { seedDatabase } from '../../src/db/seed';
import { CASE_LEVEL, CASE_OVERDUE, CASE_STAGE } from '../../workflows/search-attributes';
import { caseStateQuery } from '../../workflows/definitions';
import { act, ORG, seeded, uniformPolicy } from '../helpers/cases';
import { caseInput, eventually, startCase, startTestEnv, TEST_PAYLOAD_KEYS, TEST_WORKER_LOG_LEVEL, type TestEnv } from '../helpers/temporal';
import type { SlaPolicy } from '../../src/domain';

/** Deadlines are workflow timers: nobody acts, and the case moves by itself. */
describe('deadlines', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('deadlines');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('an untouched case climbs village → town → county → city, warned before each deadline, and stops at city flagged overdue', async () => {
    // Four seconds a stage, warned at half time: room for a slow machine between warning and deadline.
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), slaPolicy: uniformPolicy(4000, 0.5) });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);

    const stored = await eventually(async () => {
      const doc = await env.db.models.Case.findById(caseId).lean();
      return doc?.overdue ? doc : null;
    }, 60_000);
    expect(stored).toMatchObject({ stage: 'escalation', centreId: 'zz', level: 'city', overdue: true, status: 'open' });

    const events = await env.db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.type)).toEqual([
      'reported',
      'deadline_warning', 'escalated',
      'deadline_warning', 'escalated',
      'deadline_warning', 'escalated',
      'deadline_warning', 'overdue_at_top',
    ]);
    expect(events.filter((e) => e.type === 'escalated').map((e) => [e.level, e.actor])).toEqual([
      ['town', { kind: 'system' }],
      ['county', { kind: 'system' }],
      ['city', { kind: 'system' }],
    ]);
    // Each warning came before the deadline it warned of, and every escalation after it.
    const warnings = events.filter((e) => e.type === 'deadline_warning');
    for (const warning of warnings) expect(warning.at).toBeLessThan(Number(warning.detail.deadline));
    expect(stored.visits?.filter((v) => v.breached).length).toBe(4);

    // The city's alert, and the search attributes admins filter on in the Web UI.
    const alerts = await env.db.models.Notification.find({ caseId, kind: 'overdue_alert' }).lean();
    expect(alerts.map((a) => a.recipient)).toEqual(['centre:zz']);
    const attributes = await eventually(async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(CASE_OVERDUE) === true ? d.typedSearchAttributes : null;
    });
    expect(attributes.get(CASE_LEVEL)).toBe('city');
    expect(attributes.get(CASE_STAGE)).toBe('escalation');

    // Nothing further happens by itself at the top; a person can still take it on.
    const state = await act(handle, seeded('p-zz-admin'), { type: 'accept' });
    expect([state.stage, state.overdue]).toEqual(['risk_assessment', false]);
    expect((await handle.query(caseStateQuery)).seq).toBe(events.length + 1);
    await handle.terminate('test finished');
  });

  it('a case nobody rates closes with no_response when the feedback window ends', async () => {
    const input = caseInput({
      category: 'public_facility_hazard',
      centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'),
      slaPolicy: uniformPolicy(60_000, 0.9, 1000),
    });
    // A short feedback window only: every other stage has a minute.
    (input.opening.slaPolicy as SlaPolicy).durations.feedback = { low: 1500, medium: 1500, high: 1500, critical: 1500 };
    const handle = await startCase(env, input);
    const admin = seeded('p-dongmen-admin');
    let state = await act(handle, admin, { type: 'accept' });
    state = await act(handle, admin, { type: 'assess', risk: 'low', factors: [] });
    state = await act(handle, admin, { type: 'record_disposal', summary: '已修复' });
    state = await act(handle, admin, { type: 'close', summary: '已办结' });
    expect(state.stage).toBe('feedback');
    const result = await handle.result();
    expect([result.stage, result.status, result.feedbackStatus, result.rating]).toEqual(['closed', 'closed', 'no_response', null]);
    const last = await env.db.models.CaseEvent.findOne({ caseId: result.caseId }).sort({ seq: -1 }).lean();
    expect(last?.type).toBe('feedback_timeout');
  });

  it('a dissatisfied complainant reopens the case back to mediation; the reopen window then closes it', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident', slaPolicy: uniformPolicy(60_000, 0.9, 5000) });
    const handle = await startCase(env, input);
    const admin = seeded('p-dongmen-admin');
    const resident = seeded('p-dongmen-resident');
    await act(handle, admin, { type: 'accept' });
    await act(handle, admin, { type: 'assess', risk: 'low', factors: [] });
    await act(handle, admin, { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });
    await act(handle, admin, { type: 'record_agreement', terms: [{ party: '邻居', obligation: '夜间不再播放音乐' }] });
    await act(handle, admin, { type: 'close', summary: '达成协议' });
    let state = await act(handle, resident, { type: 'feedback', rating: 1, comment: '仍然很吵' });
    expect([state.stage, state.status]).toEqual(['closed', 'closed']);
    state = await act(handle, resident, { type: 'reopen', reason: '协议未履行' });
    expect([state.stage, state.status, state.reopenCount, state.outcome]).toEqual(['mediation', 'open', 1, null]);
    await act(handle, admin, { type: 'record_agreement', terms: [{ party: '邻居', obligation: '安装隔音' }] });
    await act(handle, admin, { type: 'close', summary: '再次调解' });
    state = await act(handle, resident, { type: 'feedback', rating: 2 });
    // Nobody reopens again: the window ends and the workflow completes.
    const result = await handle.result();
    expect([result.status, result.reopenCount, result.reopenUntil]).toEqual(['closed', 1, null]);
    const types = (await env.db.models.CaseEvent.find({ caseId: result.caseId }).sort({ seq: 1 }).lean()).map((e) => e.type);
    expect(types.slice(-1)).toEqual(['reopen_window_ended']);
    expect(types.filter((t) => t === 'reopened')).toHaveLength(1);
  });

  it('a warning that only comes due after its deadline (no worker ran meanwhile) is skipped: the case escalates', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), slaPolicy: uniformPolicy(2000, 0.5) });
    const caseId = input.opening.caseId;
    await startCase(env, input);
    await eventually(() => env.db.models.Case.findById(caseId).lean());
    await env.worker.shutdown();
    try {
      await new Promise((r) => setTimeout(r, 3000)); // past both the warning and the deadline
    } finally {
      env.worker = await createWorker({
        temporalAddress: inject('temporalAddress'),
        namespace: inject('temporalNamespace'),
        taskQueue: env.taskQueue,
        mongodbUri: inject('mongodbUri'),
        payloadKeys: TEST_PAYLOAD_KEYS,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        logLevel: TEST_WORKER_LOG_LEVEL,
      });
      void env.worker.run();
    }
    const escalated = await eventually(() => env.db.models.CaseEvent.findOne({ caseId, type: 'escalated' }).lean(), 30_000);
    expect(escalated.actor).toEqual({ kind: 'system' });
    const types = (await env.db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean()).map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['reported', 'escalated']);
  });
});

