import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { findBinary } from '../../src/services/binaries';
import { freePort, ManagedProcess, waitForPort } from '../../src/services/managed-process';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { devServerSearchAttributeArgs } from '../../src/temporal/search-attributes';
import { createWorker, type RunningWorker } from '../../src/temporal/worker';
import { connectDatabase, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { caseStateQuery } from '../../workflows/definitions';
import { act, ORG, seeded, uniformPolicy, type CaseHandle } from '../helpers/cases';
import { caseInput, eventually, TEST_PAYLOAD_KEYS, TEST_WORKER_LOG_LEVEL, uniqueId } from '../helpers/temporal';
import { caseWorkflow } from '../../workflows/case-workflow';

/**
 * A long case (many sessions, a reopen) grows its history until the server
 * suggests continuing as new; the workflow then starts a fresh run carrying its
 * state. Temporal suggests it at 4,096 events by default, which no other test
 * reaches, so this one runs its own dev server that suggests it at 40.
 */
const SUGGEST_AT = 40;

describe('continue-as-new of a long case', () => {
  let server: ManagedProcess;
  let runDir: string;
  let temporal: TemporalClient;
  let worker: RunningWorker;
  let db: Database;
  const taskQueue = uniqueId('can-');

  beforeAll(async () => {
    const cli = findBinary('temporal', loadConfig().binDir);
    if (!cli) throw new Error('the temporal CLI is needed: run "npx onedoor install"');
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-can-'));
    const port = await freePort();
    server = new ManagedProcess({
      name: 'temporal-can',
      command: cli.path,
      args: [
        'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn',
        '--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AT}`,
        ...devServerSearchAttributeArgs(),
      ],
      runDir,
    });
    server.start();
    await waitForPort(port, server, 60_000);
    const address = `127.0.0.1:${port}`;
    temporal = await eventually(() => connectTemporalClient(address, 'default', TEST_PAYLOAD_KEYS), 30_000);
    db = await connectDatabase(inject('mongodbUri'));
    await seedDatabase(db.models);
    worker = await eventually(
      () =>
        createWorker({
          temporalAddress: address,
          namespace: 'default',
          taskQueue,
          mongodbUri: inject('mongodbUri'),
          payloadKeys: TEST_PAYLOAD_KEYS,
          workflowBundle: { codePath: inject('workflowBundlePath') },
          logLevel: TEST_WORKER_LOG_LEVEL,
        }),
      30_000,
    );
    void worker.run();
  }, 120_000);

  afterAll(async () => {
    await worker?.shutdown();
    await temporal?.close();
    await db?.close();
    await server?.stop();
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('carries the state, the deadline and the event sequence into the new run', async () => {
    // A minute per stage, but mediation warns after 6 s: a deadline set in the first run that only
    // the new run can act on, because the new run must set the timer again from the state it carries.
    const policy = uniformPolicy(60_000);
    policy.durations.mediation = { low: 12_000, medium: 12_000, high: 12_000, critical: 12_000 };
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident', slaPolicy: policy });
    const caseId = input.opening.caseId;
    const started = await temporal.client.workflow.start(caseWorkflow, { taskQueue, workflowId: caseId, args: [input] });
    const firstRunId = started.firstExecutionRunId;
    // By workflow id alone: updates, queries and the result follow the case into its newest run.
    const handle = temporal.client.workflow.getHandle(caseId) as CaseHandle;
    const admin = seeded('p-dongmen-admin');
    await act(handle, admin, { type: 'accept' });
    await act(handle, admin, { type: 'assess', risk: 'low', factors: [] });
    await act(handle, admin, { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });

    // Sessions until the server has suggested continuing as new and the workflow has done it.
    let sessions = 0;
    const currentRunId = async (): Promise<string> => (await temporal.client.workflow.getHandle(caseId).describe()).runId;
    while ((await currentRunId()) === firstRunId) {
      sessions += 1;
      expect(sessions, 'the workflow never continued as new').toBeLessThan(20);
      await act(handle, admin, { type: 'record_session', summary: `第${sessions}次调解` });
    }
    const first = await temporal.client.workflow.getHandle(caseId, firstRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');

    // The new run holds the same case: same stage, assignee, deadline and sequence.
    const resumed = await handle.query(caseStateQuery);
    expect([resumed.stage, resumed.mediatorId, resumed.sessions.length]).toEqual(['mediation', 'p-xiaoxi-med-neighbour', sessions]);
    expect(resumed.seq).toBe(4 + sessions);
    expect(resumed.deadline).toBeGreaterThan(Date.now());
    const warned = await eventually(() => db.models.CaseEvent.findOne({ caseId, type: 'deadline_warning' }).lean(), 15_000);
    expect(warned.seq).toBe(resumed.seq + 1);

    // It goes on from there: actions land once each, numbered after the old run's events.
    await act(handle, admin, { type: 'record_agreement', terms: [{ party: '邻居', obligation: '夜间保持安静' }] });
    await act(handle, admin, { type: 'close', summary: '达成协议' });
    await act(handle, seeded('p-dongmen-resident'), { type: 'feedback', rating: 5 });
    const result = await handle.result();
    expect([result.stage, result.status, result.rating]).toEqual(['closed', 'closed', 5]);

    const events = await eventually(async () => {
      const stored = await db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
      return stored.length === result.seq ? stored : null;
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'session_recorded')).toHaveLength(sessions);
    expect(events.filter((e) => e.type === 'deadline_warning')).toHaveLength(1);
    const projection = await db.models.Case.findById(caseId).lean();
    expect([projection?.seq, projection?.stage, projection?.rating]).toEqual([result.seq, 'closed', 5]);
    // The case was opened once: the new run wrote no second opening.
    expect(events.filter((e) => e.type === 'reported')).toHaveLength(1);
  });
});
