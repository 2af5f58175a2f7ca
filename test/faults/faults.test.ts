// Faults with real processes: a worker killed, MongoDB stopped, Temporal restarted, the API
// killed mid-intake, all under a steady load of cases driven over HTTP. Nothing may be lost.
//
// Size: small by default (it runs in `npm test`); `ONEDOOR_FAULTS=full` (npm run test:faults)
// runs more concurrent clients and a bigger intake burst. Figures are printed, never timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal as protos } from '@temporalio/proto';
import { caseStateQuery } from '../../workflows/definitions';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { maskPhone } from '../../src/domain/privacy';
import { eventually, TEST_PAYLOAD_KEYS } from '../helpers/temporal';
import { FINAL_SEQ, LoadDriver, SteadyLoad, type Answer, type CaseRecord } from './load';
import { FaultStack } from './stack';

const FULL = process.env.ONEDOOR_FAULTS === 'full';
const CONCURRENCY = Number(process.env.ONEDOOR_FAULT_CLIENTS ?? (FULL ? 8 : 3));
const BURST = Number(process.env.ONEDOOR_FAULT_BURST ?? (FULL ? 24 : 6));
const MONGO_DOWN_MS = Number(process.env.ONEDOOR_FAULT_MONGO_DOWN_MS ?? 20_000);
const PHASE_TIMEOUT = 600_000;

interface PhaseFigures {
  fault: string;
  cases: number;
  lost: number;
  duplicates: number;
  mismatches: number;
  downMs: number;
  recoveryMs: number | null;
  probes: string;
  slow: number;
  hangs: number;
}

const stack = new FaultStack();
const driver = new LoadDriver(() => stack.apiUrl);
const figures: PhaseFigures[] = [];
let db: Database;
let temporal: TemporalClient;

async function workerPolling(): Promise<boolean> {
  const described = await temporal.client.workflowService.describeTaskQueue({
    namespace: stack.temporal.namespace,
    taskQueue: { name: stack.taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return (described.pollers?.length ?? 0) > 0;
}

async function apiReady(): Promise<boolean> {
  const res = await fetch(`${stack.apiUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
  return res.ok;
}

beforeAll(async () => {
  await stack.startServers();
  db = await connectDatabase(stack.mongoUri);
  await ensureIndexes(db.models);
  await seedDatabase(db.models);
  temporal = await connectTemporalClient(stack.temporal.address, stack.temporal.namespace, TEST_PAYLOAD_KEYS);
  stack.startWorker();
  stack.startApi();
  await eventually(apiReady, 90_000);
  await eventually(workerPolling, 90_000);
}, 180_000);

afterAll(async () => {
  printFigures();
  await temporal?.close();
  await db?.close();
  await stack.stop();
}, 120_000);

/** Every case of a phase: finished, projected, recorded once, and agreeing with its workflow. */
async function verify(records: CaseRecord[]): Promise<{ lost: string[]; duplicates: string[]; mismatches: string[] }> {
  const lost: string[] = [];
  const duplicates: string[] = [];
  const mismatches: string[] = [];
  for (const record of records) {
    if (!record.finished || !record.id) {
      lost.push(`${record.key}: ${record.error ?? 'unfinished'}`);
      continue;
    }
    const id = record.id;
    const sameIntake = await db.models.Case.countDocuments({ title: record.title });
    if (sameIntake !== 1) duplicates.push(`${record.key}: ${sameIntake} cases`);
    const doc = await db.models.Case.findById(id).lean();
    if (!doc || doc.status !== 'closed' || doc.stage !== 'closed' || doc.outcome !== 'disposed' || doc.rating !== 5 || doc.seq !== FINAL_SEQ) {
      lost.push(`${id}: projection ${JSON.stringify(doc && { stage: doc.stage, status: doc.status, seq: doc.seq })}`);
      continue;
    }
    const events = await db.models.CaseEvent.find({ caseId: id }).sort({ seq: 1 }).lean();
    const seqs = events.map((e) => e.seq).join(',');
    const want = Array.from({ length: FINAL_SEQ }, (_, i) => i + 1).join(',');
    if (seqs !== want) mismatches.push(`${id}: case_events seqs ${seqs}, want ${want}`);
    const state = await temporal.client.workflow.getHandle(id).query(caseStateQuery);
    const ours = { stage: state.stage, status: state.status, seq: state.seq, centreId: state.centreId, level: state.level, outcome: state.outcome, rating: state.rating };
    const projected = { stage: doc.stage, status: doc.status, seq: doc.seq, centreId: doc.centreId, level: doc.level, outcome: doc.outcome, rating: doc.rating };
    if (JSON.stringify(ours) !== JSON.stringify(projected)) mismatches.push(`${id}: workflow ${JSON.stringify(ours)} ≠ projection ${JSON.stringify(projected)}`);
  }
  return { lost, duplicates, mismatches };
}

/** What the API answered to a request made while a server was down. */
async function probe(path: string, method = 'GET', body?: unknown): Promise<Answer | 'no answer'> {
  try {
    return await driver.send('p-dongmen-admin', method, path, body);
  } catch {
    return 'no answer';
  }
}

function describeProbe(answer: Answer | 'no answer'): string {
  return answer === 'no answer' ? 'no answer' : `${answer.status}${answer.retryAfter ? ` (Retry-After ${answer.retryAfter})` : ''}`;
}

const probeIntake = {
  category: 'other',
  title: 'probe',
  description: 'probe during an outage',
  channel: 'app',
  location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: 'x' },
  complainant: { name: '测试', phone: '13900000000' },
};

/**
 * Runs the steady load, injects a fault once some cases are through, lets the
 * load run on until every client has finished a case after recovery, then checks
 * every case the phase touched.
 */
async function phase(fault: string, inject: () => Promise<{ restoredAt: number; probes: string[] }>): Promise<void> {
  const first = driver.cases.length;
  const before = { serverErrors: driver.tally.serverErrors.length, hangs: driver.tally.hangs.length, slow: driver.tally.slow.length };
  const load = new SteadyLoad(driver, CONCURRENCY);
  await load.completeMore(Math.max(2, CONCURRENCY));
  const startedAt = Date.now();
  const { restoredAt, probes } = await inject();
  await load.completeMore(CONCURRENCY);
  await load.stop();
  const records = driver.cases.slice(first);
  const firstAction = driver.tally.writes.filter((w) => w.kind === 'action' && w.sentAt >= restoredAt).sort((a, b) => a.doneAt - b.doneAt)[0];
  const { lost, duplicates, mismatches } = await verify(records);
  figures.push({
    fault,
    cases: records.length,
    lost: lost.length,
    duplicates: duplicates.length,
    mismatches: mismatches.length,
    downMs: restoredAt - startedAt,
    recoveryMs: firstAction ? firstAction.doneAt - startedAt : null,
    probes: probes.join('; '),
    slow: driver.tally.slow.length - before.slow,
    hangs: driver.tally.hangs.length - before.hangs,
  });
  expect(lost, 'cases lost').toEqual([]);
  expect(duplicates, 'duplicate cases').toEqual([]);
  expect(mismatches, 'events or projection disagreeing with the workflow').toEqual([]);
  // Never a 500, never a 503 without Retry-After, never a hang.
  const serverErrors = driver.tally.serverErrors.slice(before.serverErrors);
  if (serverErrors.length > 0) serverErrors.push(...stack.logs().split('\n').filter((line) => line.includes('"msg":"unhandled error"')).slice(-5));
  expect(serverErrors).toEqual([]);
  expect(driver.tally.unavailableWithoutRetryAfter).toBe(0);
  expect(driver.tally.hangs.slice(before.hangs)).toEqual([]);
}

describe(`faults under a steady load of ${CONCURRENCY} clients`, () => {
  it('1. the worker killed with SIGKILL, a new one started', async () => {
    await phase('worker SIGKILL', async () => {
      await stack.worker?.kill();
      stack.startWorker();
      return { restoredAt: Date.now(), probes: [] };
    });
  }, PHASE_TIMEOUT);

  it(`2. MongoDB (FerretDB) stopped for ${MONGO_DOWN_MS / 1000} s, then started again`, async () => {
    const answers: (Answer | 'no answer')[] = [];
    await phase(`MongoDB down ${MONGO_DOWN_MS / 1000} s`, async () => {
      await stack.stopMongo();
      const back = Date.now() + MONGO_DOWN_MS;
      answers.push(await probe('/api/v1/cases'));
      answers.push(await probe('/api/v1/cases', 'POST', probeIntake));
      answers.push(await probe('/readyz'));
      await new Promise((r) => setTimeout(r, Math.max(0, back - Date.now())));
      await stack.restartMongo();
      return { restoredAt: Date.now(), probes: answers.map(describeProbe) };
    });
    // While it was down the API said so: 503 with Retry-After.
    for (const answer of answers) {
      expect(answer).not.toBe('no answer');
      expect((answer as Answer).status).toBe(503);
      expect((answer as Answer).retryAfter).toBeTruthy();
    }
  }, PHASE_TIMEOUT);

  it('3. the Temporal dev server restarted (persistent database)', async () => {
    const answers: (Answer | 'no answer')[] = [];
    await phase('Temporal restart', async () => {
      await stack.temporal.stop();
      answers.push(await probe('/api/v1/cases', 'POST', probeIntake));
      answers.push(await probe('/readyz'));
      await stack.restartTemporal();
      return { restoredAt: Date.now(), probes: answers.map(describeProbe) };
    });
    for (const answer of answers) {
      expect(answer).not.toBe('no answer');
      expect((answer as Answer).status).toBe(503);
      expect((answer as Answer).retryAfter).toBeTruthy();
    }
  }, PHASE_TIMEOUT);

  it(`4. the API killed during a burst of ${BURST} intakes with Idempotency-Keys, which are retried`, async () => {
    let burst: CaseRecord[] = [];
    await phase(`API SIGKILL during ${BURST} intakes`, async () => {
      burst = Array.from({ length: BURST }, () => driver.newCase());
      const intakesBefore = driver.tally.writes.filter((w) => w.kind === 'intake').length;
      const running = burst.map((record) => driver.runCase(record));
      // Kill as soon as the first of the burst is answered: the rest are in flight.
      // Looked at every millisecond: a burst can be answered within eventually()'s 100 ms.
      const answered = () => driver.tally.writes.filter((w) => w.kind === 'intake').length > intakesBefore;
      for (const giveUp = Date.now() + 10_000; !answered() && Date.now() < giveUp; ) await new Promise((r) => setTimeout(r, 1));
      await stack.api?.kill();
      stack.startApi();
      await eventually(apiReady, 90_000);
      const restoredAt = Date.now();
      await Promise.all(running);
      return { restoredAt, probes: [`${burst.filter((r) => r.interruptedIntakes > 0).length} of ${BURST} intakes interrupted and retried`] };
    });
    // Every key, however often it was sent, is one case.
    for (const record of burst) expect(await db.models.Case.countDocuments({ title: record.title })).toBe(1);
    expect(burst.some((r) => r.interruptedIntakes > 0), 'the kill interrupted at least one intake').toBe(true);
  }, PHASE_TIMEOUT);

  it('personal data: no complainant phone number or reported position appears unmasked in logs, audit, search attributes, workflow ids or histories', async () => {
    const phones = driver.cases.map((c) => c.phone);
    const positions = driver.cases.flatMap((c) => [String(c.lat), String(c.lng)]);
    expect(phones.length).toBeGreaterThan(0);
    const logs = stack.logs();
    expect(logs.length).toBeGreaterThan(0);
    const audit = JSON.stringify(await db.models.Audit.find({}).lean());
    expect(audit).toContain(maskPhone(phones[0] as string)); // the audit does record intakes, masked
    const ids: string[] = [];
    const attributes: string[] = [];
    // Histories as Temporal stores them (bytes, undecoded), written through every crash of the suite.
    const histories: string[] = [];
    for await (const execution of temporal.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) {
      ids.push(execution.workflowId);
      attributes.push(JSON.stringify(execution.searchAttributes), JSON.stringify(execution.typedSearchAttributes));
      const history = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      histories.push(Buffer.from(protos.api.history.v1.History.encode(history).finish()).toString('latin1'));
    }
    expect(ids.length).toBeGreaterThanOrEqual(driver.cases.length);
    const haystacks = {
      logs,
      audit,
      'search attributes': attributes.join('\n'),
      'workflow ids': ids.join('\n'),
      histories: histories.join('\n'),
    };
    const found: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const phone of phones) if (text.includes(phone)) found.push(`${phone} in ${where}`);
      for (const position of positions) if (text.includes(position)) found.push(`position ${position} in ${where}`);
    }
    expect(found).toEqual([]);
  }, PHASE_TIMEOUT);
});

function printFigures(): void {
  const t = driver.tally;
  const lines = [
    '',
    `fault suite (${FULL ? 'full' : 'small'}): ${CONCURRENCY} concurrent clients, intake burst ${BURST}`,
    `cases under load: ${driver.cases.length}; faults injected: ${figures.length}; requests: ${t.requests}`,
    `answers: ${[...t.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}; no answer (API gone): ${t.networkErrors}; hangs: ${t.hangs.length}; slowest answer: ${t.slowestMs} ms`,
    `cases lost: ${figures.reduce((s, f) => s + f.lost, 0)}; duplicates: ${figures.reduce((s, f) => s + f.duplicates, 0)}; disagreements: ${figures.reduce((s, f) => s + f.mismatches, 0)}`,
    ...figures.map(
      (f) =>
        `  ${f.fault}: ${f.cases} cases, lost ${f.lost}, duplicates ${f.duplicates}, server down ${(f.downMs / 1000).toFixed(1)} s, ` +
        `first action done ${f.recoveryMs === null ? '—' : `${(f.recoveryMs / 1000).toFixed(1)} s`} after the fault, ` +
        `${f.slow} answers over 10 s, ${f.hangs} hangs${f.probes ? `; during: ${f.probes}` : ''}`,
    ),
  ];
  console.log(lines.join('\n'));
}
