import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { seedDatabase } from '../../src/db/seed';
import { createPersistenceActivities } from '../../activities/persistence';
import { act, ORG, seeded } from '../helpers/cases';
import { caseInput, eventually, startCase, startTestEnv, TEST_PAYLOAD_KEYS_TEXT, uniqueId, type TestEnv } from '../helpers/temporal';
import { caseWorkflow } from '../../workflows/case-workflow';

const CLI = path.resolve(__dirname, '../../bin/onedoor.js');

/** `onedoor worker` as its own process, as production runs it. */
function spawnWorker(taskQueue: string): ChildProcess {
  return spawn(process.execPath, [CLI, 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      MONGODB_URI: inject('mongodbUri'),
      ONEDOOR_TASK_QUEUE: taskQueue,
      ONEDOOR_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_TEXT,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function expectConsecutiveEvents(env: TestEnv, caseId: string): Promise<string[]> {
  const events = await env.db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e._id)).size).toBe(events.length);
  return events.map((e) => e.type);
}

describe('crashes', () => {
  describe('a worker process killed in the middle of a case', () => {
    let env: TestEnv;
    const workers: ChildProcess[] = [];
    beforeAll(async () => {
      // This env's in-process worker polls another queue: only the spawned processes serve this case.
      env = await startTestEnv('crash-bystander');
      await seedDatabase(env.db.models);
    });
    afterAll(async () => {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) await killed(w);
      await env?.stop();
    });

    it('a new worker carries the case to the end; case_events has no gap and no duplicate', async () => {
      const taskQueue = uniqueId('crash-');
      const first = spawnWorker(taskQueue);
      workers.push(first);
      const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
      const caseId = input.opening.caseId;
      const handle = await env.temporal.client.workflow.start(caseWorkflow, { taskQueue, workflowId: caseId, args: [input] });
      const admin = seeded('p-dongmen-admin');
      await eventually(() => env.db.models.Case.findById(caseId).lean(), 60_000);
      await act(handle, admin, { type: 'accept' });
      await act(handle, admin, { type: 'assess', risk: 'low', factors: [] });

      await killed(first);
      // An action sent while no worker runs waits for one, and is applied once.
      const pending = act(handle, admin, { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });
      const second = spawnWorker(taskQueue);
      workers.push(second);
      const state = await pending;
      expect(state.mediatorId).toBe('p-xiaoxi-med-neighbour');

      await act(handle, admin, { type: 'record_agreement', terms: [{ party: '邻居', obligation: '夜间保持安静' }] });
      await act(handle, admin, { type: 'close', summary: '达成协议' });
      await act(handle, seeded('p-dongmen-resident'), { type: 'feedback', rating: 5 });
      const result = await handle.result();
      expect(result.status).toBe('closed');
      expect(await expectConsecutiveEvents(env, caseId)).toEqual([
        'reported', 'accepted', 'assessed', 'mediator_assigned', 'agreement_recorded', 'closed_by_centre', 'feedback_received',
      ]);
      const stored = await env.db.models.Case.findById(caseId).lean();
      expect(stored).toMatchObject({ status: 'closed', seq: 7, mediatorId: 'p-xiaoxi-med-neighbour' });
    });
  });

  describe('an activity that fails after writing', () => {
    let env: TestEnv;
    const failedOnce = new Set<string>();
    beforeAll(async () => {
      // The real activity writes, then the attempt dies as if the worker crashed before reporting.
      env = await startTestEnv('crash-after-write', {
        wrapActivities: (activities) => ({
          ...activities,
          recordCaseOpened: async (input) => {
            await activities.recordCaseOpened(input);
            if (Context.current().info.attempt === 1 && !failedOnce.has(`${input.state.caseId}:opened`)) {
              failedOnce.add(`${input.state.caseId}:opened`);
              throw new Error('crashed after writing');
            }
          },
          recordTransition: async (input) => {
            await activities.recordTransition(input);
            const key = `${input.state.caseId}:${input.state.seq}`;
            if (Context.current().info.attempt === 1 && !failedOnce.has(key)) {
              failedOnce.add(key);
              throw new Error('crashed after writing');
            }
          },
        }),
      });
      await seedDatabase(env.db.models);
    });
    afterAll(async () => {
      await env?.stop();
    });

    it('is retried by Temporal and writes nothing twice', async () => {
      const input = {
        ...caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' }),
        intakeAudit: { actor: { personId: 'p-dongmen-resident', role: 'resident' }, action: 'intake', outcome: 'ok', status: 201, detail: { complainantPhone: '138****1234' } },
      };
      const handle = await startCase(env, input);
      const admin = seeded('p-dongmen-admin');
      await act(handle, admin, { type: 'accept' });
      await act(handle, admin, { type: 'escalate', reason: '需要镇级协调' });
      const state = await act(handle, seeded('p-xiaoxi-admin'), { type: 'accept' });
      expect(failedOnce.size).toBe(4); // the opening's and every transition's first attempt failed after writing
      const types = await expectConsecutiveEvents(env, state.caseId);
      expect(types).toEqual(['reported', 'accepted', 'escalated', 'accepted']);
      const notifications = await env.db.models.Notification.find({ caseId: state.caseId }).lean();
      const keys = notifications.map((n) => n._id);
      expect(new Set(keys).size).toBe(keys.length);
      expect(notifications.filter((n) => n.kind === 'case_escalated')).toHaveLength(1);
      expect((await env.db.models.Case.findById(state.caseId).lean())?.seq).toBe(4);
      // The intake's audit record went in with the opening, once, with the case id filled in.
      const intakeRecords = await env.db.models.Audit.find({ caseId: state.caseId, action: 'intake' }).lean();
      expect(intakeRecords).toEqual([
        expect.objectContaining({ _id: `intake:${state.caseId}`, outcome: 'ok', status: 201, actor: { personId: 'p-dongmen-resident', role: 'resident', centreId: null } }),
      ]);
      expect(intakeRecords[0]?.at).toEqual(new Date(input.opening.now));
      await handle.terminate('test finished');
    });

    it('a stale retry never moves the projection backwards', async () => {
      const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen') });
      const handle = await startCase(env, input);
      const admin = seeded('p-dongmen-admin');
      const accepted = await act(handle, admin, { type: 'accept' });
      await act(handle, admin, { type: 'escalate', reason: '上报' });
      // Replaying the older transition (as a late retry would) changes nothing.
      await createPersistenceActivities(env.db.models).recordTransition({ state: accepted, events: [] });
      const stored = await env.db.models.Case.findById(accepted.caseId).lean();
      expect([stored?.stage, stored?.seq]).toEqual(['escalation', 3]);
      await handle.terminate('test finished');
    });
  });
});
