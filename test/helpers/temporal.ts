import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { createWorker, type RunningWorker, type WorkerOptions } from '../../src/temporal/worker';
import { loadConfig } from '../../src/config';
import { TEST_PAYLOAD_KEYS } from './payload-keys';
import { connectDatabase, type Database } from '../../src/db/connection';
import { DEFAULT_SLA_POLICY, formatCaseNumber, localDay, DEFAULT_TIME_ZONE, type CategoryCode, type Risk, type RiskFactor, type CasePolicy } from '../../src/domain';
import type { CaseWorkflowInput } from '../../workflows/definitions';
import type { IntakeDetails } from '../../src/domain';
import { caseWorkflow } from '../../workflows/case-workflow';

/** A worker on its own task queue, a client and a database handle, all on the shared real servers. */
export interface TestEnv {
  taskQueue: string;
  temporal: TemporalClient;
  worker: RunningWorker;
  db: Database;
  stop(): Promise<void>;
}

export { TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS_TEXT } from './payload-keys';

/** The Temporal SDK's log level in test processes: LOG_LEVEL as vitest.config.mts sets it (warn unless the run names another). */
export const TEST_WORKER_LOG_LEVEL = loadConfig().logLevel;

export function uniqueId(prefix: string): string {
  return `${prefix}${randomBytes(8).toString('hex')}`;
}

/**
 * What a test's worker runs with. `database` gives the file a database of its own, for
 * tests that sweep or count what every other file's cases leave in the shared one.
 */
export type TestEnvOptions = Pick<WorkerOptions, 'wrapActivities' | 'delivery'> & { database?: string };

/** The shared test database's address, or the same server's database of that name. */
export function databaseUri(database: string | undefined): string {
  const shared = inject('mongodbUri');
  if (database === undefined) return shared;
  const url = new URL(shared);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function startTestEnv(name: string, { database, ...options }: TestEnvOptions = {}): Promise<TestEnv> {
  const taskQueue = uniqueId(`test-${name}-`);
  const temporalAddress = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const mongodbUri = databaseUri(database);
  const worker = await createWorker({
    temporalAddress,
    namespace,
    taskQueue,
    mongodbUri,
    payloadKeys: TEST_PAYLOAD_KEYS,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    logLevel: TEST_WORKER_LOG_LEVEL,
    ...options,
  });
  void worker.run();
  const temporal = await connectTemporalClient(temporalAddress, namespace, TEST_PAYLOAD_KEYS);
  const db = await connectDatabase(mongodbUri);
  return {
    taskQueue,
    temporal,
    worker,
    db,
    stop: async () => {
      await worker.shutdown();
      await temporal.close();
      await db.close();
    },
  };
}

export interface CaseOptions {
  category?: CategoryCode;
  centrePath?: string[];
  risk?: Risk;
  riskFactors?: RiskFactor[];
  complainantId?: string;
  slaPolicy?: CasePolicy;
  intake?: Partial<IntakeDetails>;
}

export function caseInput(options: CaseOptions = {}): CaseWorkflowInput {
  const caseId = uniqueId('case_');
  const centrePath = options.centrePath ?? ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'];
  const complainantId = options.complainantId ?? uniqueId('p-resident-');
  return {
    opening: {
      caseId,
      caseNumber: formatCaseNumber(localDay(Date.now(), DEFAULT_TIME_ZONE), Number.parseInt(caseId.slice(-5), 16)),
      category: options.category ?? 'neighbour_dispute',
      complainantId,
      reportedById: complainantId,
      centrePath,
      risk: options.risk ?? 'low',
      riskFactors: options.riskFactors ?? [],
      slaPolicy: options.slaPolicy ?? DEFAULT_SLA_POLICY,
      now: Date.now(),
    },
    intake: {
      title: 'Noise from the neighbour at night',
      description: 'The neighbour plays loud music after midnight.',
      channel: 'app',
      location: { centreId: centrePath[centrePath.length - 1] as string, address: '东门社区 3 号楼' },
      complainant: { personId: complainantId, name: '林美华', phone: '13800001234' },
      parties: [],
      affectedCount: null,
      ...options.intake,
    },
    intakeAudit: { actor: { personId: complainantId, role: 'resident' }, action: 'intake', outcome: 'ok', status: 201, detail: { channel: 'app' } },
  };
}

export async function startCase(env: TestEnv, input: CaseWorkflowInput): Promise<WorkflowHandle<typeof caseWorkflow>> {
  return env.temporal.client.workflow.start(caseWorkflow, { taskQueue: env.taskQueue, workflowId: input.opening.caseId, args: [input] });
}

/** Polls until the check passes; for projections written asynchronously by activities. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
