import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { freePort } from '../../src/services/managed-process';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { TEST_SECRET, tokenFor } from '../api/helpers';
import { eventually, TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS_TEXT, uniqueId } from '../helpers/temporal';

/**
 * Scaling out is real: two worker processes and two API processes against one
 * Temporal server and one MongoDB server share a load of cases, and every case
 * completes exactly once with no duplicate event.
 */
const CLI = path.resolve(__dirname, '../../bin/onedoor.js');
const CASES = 12;

describe('two workers and two API processes on one Temporal and one MongoDB', () => {
  const taskQueue = uniqueId('scale-');
  const children: ChildProcess[] = [];
  const apiUrls: string[] = [];
  let db: Database;
  let temporal: TemporalClient;

  function spawnOnedoor(command: 'worker' | 'api', extra: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn(process.execPath, [CLI, command], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        MONGODB_URI: inject('mongodbUri'),
        ONEDOOR_TASK_QUEUE: taskQueue,
        ONEDOOR_JWT_SECRET: TEST_SECRET,
        ONEDOOR_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_TEXT,
        LOG_LEVEL: 'warn',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const echo = (chunk: Buffer): void => {
      // Errors only: a failing run shows why.
      for (const line of chunk.toString().split('\n')) if (/"level":(50|60)|Error|ERROR/.test(line)) process.stderr.write(`[${command}] ${line}\n`);
    };
    child.stdout?.on('data', echo);
    child.stderr?.on('data', echo);
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    db = await connectDatabase(inject('mongodbUri'));
    await ensureIndexes(db.models);
    await seedDatabase(db.models);
    temporal = await connectTemporalClient(inject('temporalAddress'), inject('temporalNamespace'), TEST_PAYLOAD_KEYS);
    spawnOnedoor('worker');
    spawnOnedoor('worker');
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      spawnOnedoor('api', { PORT: String(port) });
      apiUrls.push(`http://127.0.0.1:${port}`);
    }
    for (const url of apiUrls) await eventually(async () => (await fetch(`${url}/readyz`)).ok, 60_000);
    // Both workers poll before the load starts (each bundles the workflow code first).
    await eventually(async () => {
      const described = await temporal.client.workflowService.describeTaskQueue({
        namespace: inject('temporalNamespace'),
        taskQueue: { name: taskQueue },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      return new Set(described.pollers?.map((p) => p.identity)).size >= 2;
    }, 60_000);
  });

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            // Stopping cleanly is the launcher test's subject; here it only must not hang.
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    await temporal?.close();
    await db?.close();
  });

  /** One request, retried as a client should when the API answers 503 with Retry-After. */
  async function call(apiIndex: number, personId: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${apiUrls[apiIndex % apiUrls.length]}${url}`, {
        method,
        headers: { authorization: `Bearer ${tokenFor(personId)}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const result = { status: response.status, body: (await response.json()) as Record<string, unknown> };
      if (response.status !== 503 || attempt === 30) return result;
      expect(response.headers.get('retry-after')).toBeTruthy();
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it(`carries ${CASES} cases through every stage, each exactly once`, async () => {
    const runOne = async (n: number): Promise<string> => {
      const key = uniqueId('intake-');
      const intake = {
        category: 'public_facility_hazard',
        title: `路灯损坏 ${n}`,
        description: '小区路灯不亮',
        channel: 'app',
        location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: `${n} 号楼` },
        complainant: { name: '王秀兰', phone: '13800001234' },
      };
      // The same intake sent to both API processes with one idempotency key is one case.
      const [first, second] = await Promise.all([
        call(n, 'p-dongmen-resident', 'POST', '/api/v1/cases', intake, { 'idempotency-key': key }),
        call(n + 1, 'p-dongmen-resident', 'POST', '/api/v1/cases', intake, { 'idempotency-key': key }),
      ]);
      expect([200, 201], JSON.stringify(first.body)).toContain(first.status);
      expect([200, 201], JSON.stringify(second.body)).toContain(second.status);
      expect(second.body.id).toBe(first.body.id);
      const id = String(first.body.id);
      const steps: [string, Record<string, unknown>][] = [
        ['p-dongmen-admin', { type: 'accept' }],
        ['p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] }],
        ['p-dongmen-admin', { type: 'record_disposal', summary: '更换灯泡' }],
        ['p-dongmen-admin', { type: 'close', summary: '已修复' }],
        ['p-dongmen-resident', { type: 'feedback', rating: 5 }],
      ];
      for (const [index, [person, action]] of steps.entries()) {
        const res = await call(n + index, person, 'POST', `/api/v1/cases/${id}/actions`, action);
        expect(res.status, `${id} ${String(action.type)}: ${JSON.stringify(res.body)}`).toBe(200);
      }
      return id;
    };
    const ids = await Promise.all(Array.from({ length: CASES }, (_, n) => runOne(n)));
    expect(new Set(ids).size).toBe(CASES);

    const identities = new Set<string>();
    for (const id of ids) {
      const stored = await db.models.Case.findById(id).lean();
      expect(stored).toMatchObject({ status: 'closed', stage: 'closed', outcome: 'disposed', rating: 5, seq: 6 });
      const events = await db.models.CaseEvent.find({ caseId: id }).sort({ seq: 1 }).lean();
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      const history = await temporal.client.workflow.getHandle(id).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.workflowTaskCompletedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    // Both worker processes took part.
    expect(identities.size).toBe(2);
    // Only those intakes exist: the duplicate requests made no second case.
    const mine = await db.models.Case.countDocuments({ _id: { $in: ids } });
    expect(mine).toBe(CASES);
  });
});
