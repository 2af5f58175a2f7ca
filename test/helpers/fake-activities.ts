import { inject } from 'vitest';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { CaseActivities } from '../../activities';
import type { CaseOpenedInput, TransitionInput } from '../../activities/persistence';
import type { ChooseAssigneeInput } from '../../activities/assignment';
import { Organisation, SEED_CENTRES, SEED_DEPARTMENTS, type CaseEvent } from '../../src/domain';

const SEED_ORG = new Organisation(SEED_CENTRES);
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import type { CaseWorkflowInput } from '../../workflows/definitions';
import { uniqueId } from './temporal';
import { caseWorkflow } from '../../workflows/case-workflow';

/** The activities caseWorkflow calls, by the names and signatures of the real ones. */
export type WorkflowActivities = Pick<CaseActivities, 'recordCaseOpened' | 'recordTransition' | 'chooseMediator' | 'chooseExpert' | 'centrePathOf' | 'departmentOf'>;

/** The ids the fake assignment activities hand back, whatever they are asked. */
export const FAKE_MEDIATOR_ID = 'p-fake-mediator';
export const FAKE_EXPERT_ID = 'p-fake-expert';

/** Everything one case's workflow handed to its activities, in the order it did. */
export interface CaseRecord {
  opened: CaseOpenedInput[];
  transitions: TransitionInput[];
  mediatorRequests: ChooseAssigneeInput[];
  expertRequests: ChooseAssigneeInput[];
}

/**
 * In-memory stand-ins for the case activities: nothing is written to a
 * database, every call is kept for the test to look at. With no database in
 * the way a write takes microseconds, so a test can give a stage a deadline of
 * a second and still leave the workflow most of that second to act in.
 */
export class FakeCaseActivities {
  private readonly cases = new Map<string, CaseRecord>();
  private readonly openingDelays = new Map<string, number>();

  readonly activities: WorkflowActivities = {
    recordCaseOpened: async (input) => {
      const delay = this.openingDelays.get(input.state.caseId);
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
      this.recordOf(input.state.caseId).opened.push(input);
    },
    recordTransition: async (input) => {
      this.recordOf(input.state.caseId).transitions.push(input);
    },
    chooseMediator: async (input) => {
      this.recordOf(input.caseId).mediatorRequests.push(input);
      return FAKE_MEDIATOR_ID;
    },
    chooseExpert: async (input) => {
      this.recordOf(input.caseId).expertRequests.push(input);
      return FAKE_EXPERT_ID;
    },
    centrePathOf: async ({ centreId }) => (SEED_ORG.has(centreId) ? SEED_ORG.pathOf(centreId) : null),
    departmentOf: async ({ departmentId }) => SEED_DEPARTMENTS.find((d) => d.id === departmentId) ?? null,
  };

  /** The opening write of this case takes `ms` before it returns, as a slow database would. */
  delayOpening(caseId: string, ms: number): void {
    this.openingDelays.set(caseId, ms);
  }

  recordOf(caseId: string): CaseRecord {
    let record = this.cases.get(caseId);
    if (!record) {
      record = { opened: [], transitions: [], mediatorRequests: [], expertRequests: [] };
      this.cases.set(caseId, record);
    }
    return record;
  }

  /** Every event the workflow asked to be written for the case, opening first. */
  eventsOf(caseId: string): CaseEvent[] {
    const record = this.recordOf(caseId);
    return [...record.opened.flatMap((o) => o.events), ...record.transitions.flatMap((t) => t.events)];
  }

  /** Waits until the case has had an event of `type` written; returns the first such event. */
  async waitForEvent(caseId: string, type: string, timeoutMs = 10_000): Promise<CaseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.eventsOf(caseId).find((event) => event.type === type);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = this.eventsOf(caseId).map((event) => event.type);
        throw new Error(`no ${type} event for ${caseId} within ${timeoutMs} ms; written: ${seen.join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** A worker running caseWorkflow with fake activities on its own task queue, and a client for it. */
export interface FakeActivityEnv {
  taskQueue: string;
  client: Client;
  fakes: FakeCaseActivities;
  start(input: CaseWorkflowInput): Promise<WorkflowHandle<typeof caseWorkflow>>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** Quiet SDK logs, as the real worker's runtime has them at the test log level. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Another worker in this process installed it first.
  }
}

/**
 * The dev server and the workflow bundle the global setup provides, but no
 * database: the workflow runs as deployed, its activities are fakes. No payload
 * codec either: worker and client here are the only ones to read these payloads.
 */
export async function startFakeActivityEnv(name: string): Promise<FakeActivityEnv> {
  installRuntime();
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const taskQueue = uniqueId(`test-${name}-`);
  const fakes = new FakeCaseActivities();
  const nativeConnection = await NativeConnection.connect({ address });
  // The workflow upserts search attributes; a server started without them would fail its tasks.
  await ensureSearchAttributes(nativeConnection, namespace);
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    activities: fakes.activities,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    taskQueue,
    client,
    fakes,
    start: (input) =>
      client.workflow.start(caseWorkflow, { taskQueue, workflowId: input.opening.caseId, args: [input] }),
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}
