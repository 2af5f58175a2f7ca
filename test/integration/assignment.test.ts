import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { createWorker, type RunningWorker } from '../../src/temporal/worker';
import { act, ORG, seeded, type CaseHandle } from '../helpers/cases';
import { caseInput, TEST_PAYLOAD_KEYS, TEST_WORKER_LOG_LEVEL, uniqueId } from '../helpers/temporal';
import { caseWorkflow } from '../../workflows/case-workflow';

/**
 * A mediator left to the system is the least loaded specialist at the case's
 * centre or above, the nearer centre first on a tie; load is open cases only.
 * Loads are read at each choice, so a case closed a moment ago no longer
 * counts. A database of its own: other tests' cases would load the same
 * mediators.
 */
describe('choosing a mediator by load', () => {
  const database = uniqueId('onedoor_assign_');
  const taskQueue = uniqueId('assign-');
  let db: Database;
  let temporal: TemporalClient;
  let worker: RunningWorker;

  beforeAll(async () => {
    const uri = inject('mongodbUri').replace(/\/[^/]+$/, `/${database}`);
    db = await connectDatabase(uri);
    await ensureIndexes(db.models);
    await seedDatabase(db.models);
    worker = await createWorker({
      temporalAddress: inject('temporalAddress'),
      namespace: inject('temporalNamespace'),
      taskQueue,
      mongodbUri: uri,
      payloadKeys: TEST_PAYLOAD_KEYS,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      logLevel: TEST_WORKER_LOG_LEVEL,
    });
    void worker.run();
    temporal = await connectTemporalClient(inject('temporalAddress'), inject('temporalNamespace'), TEST_PAYLOAD_KEYS);
  });

  afterAll(async () => {
    await worker?.shutdown();
    await temporal?.close();
    await db?.connection.dropDatabase().catch(() => undefined);
    await db?.close();
  });

  const admin = seeded('p-dongmen-admin');

  /** A neighbour dispute at Dongmen village, taken to the point of choosing a mediator; returns who was chosen. */
  async function caseWithMediator(): Promise<{ handle: CaseHandle; mediatorId: string | null }> {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
    await temporal.client.workflow.start(caseWorkflow, { taskQueue, workflowId: input.opening.caseId, args: [input] });
    const handle = temporal.client.workflow.getHandle(input.opening.caseId) as CaseHandle;
    await act(handle, admin, { type: 'accept' });
    await act(handle, admin, { type: 'assess', risk: 'low', factors: [] });
    const state = await act(handle, admin, { type: 'assign_mediator' });
    return { handle, mediatorId: state.mediatorId };
  }

  it('spreads cases over the specialists, the nearer centre first on a tie, and stops counting a case once it is closed', async () => {
    // Neighbour specialists for Dongmen: Xiaoxi town's (nearer) and Pinghe county's.
    const a = await caseWithMediator();
    expect(a.mediatorId).toBe('p-xiaoxi-med-neighbour'); // both free: the nearer one
    const b = await caseWithMediator();
    expect(b.mediatorId).toBe('p-pinghe-med-estate'); // the town's has one open case
    const c = await caseWithMediator();
    expect(c.mediatorId).toBe('p-xiaoxi-med-neighbour'); // one each: the nearer one

    // The town's first case closes: one open case each again, so the nearer one. Counting the closed
    // case, or a load read before the close, would send it to the county.
    await act(a.handle, admin, { type: 'record_agreement', terms: [{ party: '邻居', obligation: '夜间保持安静' }] });
    await act(a.handle, admin, { type: 'close', summary: '达成协议' });
    await act(a.handle, seeded('p-dongmen-resident'), { type: 'feedback', rating: 5 });
    expect((await a.handle.result()).status).toBe('closed');
    const d = await caseWithMediator();
    expect(d.mediatorId).toBe('p-xiaoxi-med-neighbour');

    for (const open of [b, c, d]) await open.handle.terminate('test finished');
  });
});
