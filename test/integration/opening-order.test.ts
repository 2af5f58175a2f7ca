import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { seedDatabase } from '../../src/db/seed';
import type { CaseDocument } from '../../src/domain';
import { caseWorkflow } from '../../workflows/case-workflow';
import { caseActionUpdate } from '../../workflows/definitions';
import { ORG, seeded } from '../helpers/cases';
import { caseInput, eventually, startTestEnv, type TestEnv } from '../helpers/temporal';

/**
 * An action that reaches the workflow in its very first task, before the case has been
 * written (update-with-start delivers it there every time; a busy server does so now and
 * then with an update sent right after the start), waits for the opening write: the case
 * is stored whole, its report included, and its events are numbered from the opening.
 */
describe('the opening write comes before any action', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('opening-order');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('an action delivered with the start is applied after the case is stored', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
    const caseId = input.opening.caseId;
    const startWorkflowOperation = new WithStartWorkflowOperation(caseWorkflow, { taskQueue: env.taskQueue, workflowId: caseId, args: [input], workflowIdConflictPolicy: 'FAIL' });
    const accepted = await env.temporal.client.workflow.executeUpdateWithStart(caseActionUpdate, {
      args: [{ action: { type: 'accept' }, actor: seeded('p-dongmen-admin') }],
      startWorkflowOperation,
    });
    expect(accepted).toMatchObject({ stage: 'risk_assessment', seq: 2 });

    const stored = await eventually(async () => {
      const doc = await env.db.models.Case.findById(caseId).lean<CaseDocument>();
      return doc && doc.seq >= 2 ? doc : null;
    });
    expect(stored).toMatchObject({ stage: 'risk_assessment', title: input.intake.title, receivedAt: input.opening.now, complainant: { name: input.intake.complainant.name } });
    const entry = await env.db.models.CaseIndex.findById(caseId).lean();
    expect(entry).toMatchObject({ seq: 2, title: input.intake.title, receivedAt: input.opening.now });
    const events = await env.db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'reported'],
      [2, 'accepted'],
    ]);
    await startWorkflowOperation.workflowHandle().then((handle) => handle.terminate('test finished'));
  });
});
