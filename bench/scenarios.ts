/**
 * The six measurements of issue 6. Each returns plain data (figures and the
 * ceiling measured alongside); run.ts prints and records them.
 */
import type { BenchStack } from './lib/stack';
import { HttpClient } from './lib/http';
import { pool, round, runBounded, runBoundedRaw, summarise, type RawRun, type Summary } from './lib/stats';
import { dangerousHouseIntake, directCaseInput, newCaseId, organisation, policyWithIntakeDeadline, streetLightIntake, Tokens } from './lib/cases';
import { cpuSeconds, rssMiB } from './lib/machine';
import { echoWorkflowName, finishSignal, pingUpdate, timerWorkflowName } from './trivial/names';
import { SEED_CENTRES, STAGES, RISKS, type CaseDocument, type Risk, type Stage } from '../src/domain';
import { caseIndexEntry } from '../src/db/case-index';
import type { StoredCaseEvent } from '../src/db/models';
import { appendCaseChange, changeId } from '../src/db/case-changes';
import { caseWorkflow } from '../workflows/case-workflow';

export type Progress = (line: string) => void;

export interface Ctx {
  stack: BenchStack;
  http: HttpClient;
  tokens: Tokens;
  progress: Progress;
}

/** Calls `tick` at most every 2 s with the count done so far. */
function ticker(progress: Progress, label: string, total: number): (done: number) => void {
  let last = 0;
  return (done) => {
    const now = Date.now();
    if (now - last < 2000 && done !== total) return;
    last = now;
    progress(`  ${label}: ${done}/${total}`);
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The `_id`s of a collection, in one scan: one query keeps the bench's own load
 * on the servers it measures small and steady, where a lookup per case would be
 * thousands of them.
 */
async function allIds(model: { find(filter: object, projection: object): { lean(): Promise<{ _id: unknown }[]> } }): Promise<Set<string>> {
  return new Set((await model.find({}, { _id: 1 }).lean()).map((d) => String(d._id)));
}

/** Waits until the worker has recorded every case in `ids` (their projections exist), so one run's backlog does not slow the next. */
async function drain(ctx: Ctx, ids: string[], label: string, timeoutMs = 900_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const found = await allIds(ctx.stack.db.models.Case);
    const pending = ids.filter((id) => !found.has(id)).length;
    if (pending === 0) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${label}: ${pending} of ${ids.length} cases not recorded after ${timeoutMs / 1000} s`);
    await sleep(3000);
  }
}

/** CPU seconds each process of the stack (and this driver) used in a stretch of the bench. */
export interface CpuUse {
  worker: number | null;
  api: number | null;
  temporal: number | null;
  ferretdb: number | null;
  driver: number | null;
}

/** `workerPid`: the worker that serves the side measured (the trivial workflows' worker for bare Updates). */
function cpuNow(ctx: Ctx, workerPid = ctx.stack.worker.process.pid): CpuUse {
  const own = process.cpuUsage();
  return {
    worker: cpuSeconds(workerPid),
    api: cpuSeconds(ctx.stack.api.process.pid),
    temporal: cpuSeconds(ctx.stack.temporalPid),
    ferretdb: cpuSeconds(ctx.stack.ferretdbPid),
    driver: (own.user + own.system) / 1e6,
  };
}

/** Starts a CPU account; the function returned closes it and adds what was used to `into`. */
function cpuAccount(ctx: Ctx, into: CpuUse, workerPid?: number): () => void {
  const before = cpuNow(ctx, workerPid);
  return () => {
    const after = cpuNow(ctx, workerPid);
    for (const key of Object.keys(into) as (keyof CpuUse)[]) {
      const used = after[key] !== null && before[key] !== null ? (after[key] as number) - (before[key] as number) : null;
      const sofar = into[key];
      into[key] = used === null || sofar === null ? null : sofar + used;
    }
  };
}

/**
 * Waits (at most `maxMs`) until the servers and the worker have gone quiet:
 * together under a fifth of a core over half a second. After the worker has
 * recorded a burst of cases, Temporal and FerretDB still finish their own
 * work for a few seconds; the next measurement should not pay for it.
 */
async function settle(ctx: Ctx, maxMs = 15_000): Promise<void> {
  const busy = (use: CpuUse) => (use.worker ?? 0) + (use.temporal ?? 0) + (use.ferretdb ?? 0);
  const until = Date.now() + maxMs;
  let before = cpuNow(ctx);
  while (Date.now() < until) {
    await sleep(500);
    const now = cpuNow(ctx);
    if (busy(now) - busy(before) < 0.1) return;
    before = now;
  }
}

const noCpu = (): CpuUse => ({ worker: 0, api: 0, temporal: 0, ferretdb: 0, driver: 0 });

/** Milliseconds of CPU per operation, per process. */
function perOperation(use: CpuUse, operations: number): CpuUse {
  const per = (seconds: number | null) => (seconds === null || operations === 0 ? null : round((seconds * 1000) / operations, 1));
  return { worker: per(use.worker), api: per(use.api), temporal: per(use.temporal), ferretdb: per(use.ferretdb), driver: per(use.driver) };
}

// ---------------------------------------------------------------------------------------
// 1. Intake
// ---------------------------------------------------------------------------------------

export interface IntakeRow {
  concurrency: number;
  /** Every round's requests pooled: throughput is all requests over all rounds' time. */
  api: Summary;
  ceiling: Summary;
  /** api.perSecond / ceiling.perSecond */
  share: number;
  /** Each round's api / ceiling throughput, in order. */
  roundShares: number[];
  /** CPU ms per case of each process, requests and the worker's recording of them (the drain) included. */
  apiCpuMsPerCase: CpuUse;
  ceilingCpuMsPerCase: CpuUse;
}

/**
 * At each concurrency, `rounds` rounds of the ceiling and the API, taking turns
 * at going first, each waiting for the worker to record the cases of the one
 * before. A single short burst of each is too noisy to compare
 * (docs/performance.md, Lessons), so each side's rounds are pooled. An even
 * number of rounds gives each side the first place equally often, so neither
 * side is always measured first, and each side starts once the servers have
 * gone quiet after the one before.
 */
export async function intake(ctx: Ctx, sizes: Record<number, number>, rounds: number): Promise<IntakeRow[]> {
  const rows: IntakeRow[] = [];
  const token = ctx.tokens.for('p-dongmen-resident');
  const bench = ctx.stack.db.connection.db!.collection('bench_intake');
  let serial = 0;
  for (const [c, total] of Object.entries(sizes).map(([k, v]) => [Number(k), v] as const)) {
    const ceilingRuns: RawRun[] = [];
    const apiRuns: RawRun[] = [];
    const ceilingCpu = noCpu();
    const apiCpu = noCpu();
    const runCeiling = async (round: number): Promise<void> => {
      ctx.progress(`intake ceiling, concurrency ${c}, round ${round + 1}/${rounds}: ${total} × (workflow.start + one insert)`);
      const ids: string[] = [];
      const account = cpuAccount(ctx, ceilingCpu);
      ceilingRuns.push(
        await runBoundedRaw(
          total,
          c,
          async (i) => {
            const input = directCaseInput(serial++);
            ids.push(input.opening.caseId);
            await ctx.stack.temporal.client.workflow.start(caseWorkflow, { taskQueue: ctx.stack.taskQueue, workflowId: input.opening.caseId, args: [input] });
            await bench.insertOne({ _id: input.opening.caseId as never, at: new Date(), n: i });
          },
          ticker(ctx.progress, 'started', total),
        ),
      );
      await drain(ctx, ids, 'intake ceiling');
      await settle(ctx);
      account();
    };
    const runApi = async (round: number): Promise<void> => {
      ctx.progress(`intake through POST /api/v1/cases, concurrency ${c}, round ${round + 1}/${rounds}: ${total} requests`);
      const ids: string[] = [];
      const account = cpuAccount(ctx, apiCpu);
      apiRuns.push(
        await runBoundedRaw(
          total,
          c,
          async () => {
            ids.push((await ctx.http.expect<{ id: string }>(201, 'POST', '/api/v1/cases', token, streetLightIntake(serial++))).id);
          },
          ticker(ctx.progress, 'created', total),
        ),
      );
      await drain(ctx, ids, 'intake');
      await settle(ctx);
      account();
    };
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 0) {
        await runCeiling(round);
        await runApi(round);
      } else {
        await runApi(round);
        await runCeiling(round);
      }
    }
    const api = pool(apiRuns);
    const ceiling = pool(ceilingRuns);
    const roundShares = apiRuns.map((run, i) => round(throughput(run) / throughput(ceilingRuns[i] as RawRun), 3));
    rows.push({
      concurrency: c,
      api,
      ceiling,
      share: round(api.perSecond / ceiling.perSecond, 3),
      roundShares,
      apiCpuMsPerCase: perOperation(apiCpu, total * rounds),
      ceilingCpuMsPerCase: perOperation(ceilingCpu, total * rounds),
    });
    ctx.progress(`  → API ${api.perSecond}/s p99 ${api.p99} ms; ceiling ${ceiling.perSecond}/s p99 ${ceiling.p99} ms (${Math.round((api.perSecond / ceiling.perSecond) * 100)} %; rounds ${roundShares.map((x) => `${Math.round(x * 100)} %`).join(', ')})`);
  }
  return rows;
}

const throughput = (run: RawRun): number => run.latencies.length / run.seconds;

// ---------------------------------------------------------------------------------------
// 2. Actions
// ---------------------------------------------------------------------------------------

export interface ActionRow {
  concurrency: number;
  api: Summary;
  ceiling: Summary;
  /** CPU ms per action of each process; on the ceiling side "worker" is the trivial workflows' worker. */
  apiCpuMsPerAction?: CpuUse;
  ceilingCpuMsPerAction?: CpuUse;
}

/** The street-light case walked by the village admin and the resident: five actions. */
const STREET_LIGHT_STEPS = (risk: string, factors: unknown): [string, Record<string, unknown>][] => [
  ['p-dongmen-admin', { type: 'accept' }],
  ['p-dongmen-admin', { type: 'assess', risk, factors }],
  ['p-dongmen-admin', { type: 'record_disposal', summary: '更换灯泡' }],
  ['p-dongmen-admin', { type: 'close', summary: '已修复' }],
  ['p-dongmen-resident', { type: 'feedback', rating: 5 }],
];

export async function actions(ctx: Ctx, sizes: Record<number, number>): Promise<ActionRow[]> {
  const rows: ActionRow[] = [];
  const resident = ctx.tokens.for('p-dongmen-resident');
  for (const [c, total] of Object.entries(sizes).map(([k, v]) => [Number(k), v] as const)) {
    const casesNeeded = Math.ceil(total / 5);
    ctx.progress(`actions, concurrency ${c}: opening ${casesNeeded} cases (not timed)`);
    const opened: { id: string; risk: string; riskFactors: unknown }[] = [];
    await runBounded(casesNeeded, 16, async (i) => {
      opened.push(await ctx.http.expect(201, 'POST', '/api/v1/cases', resident, streetLightIntake(i)));
    });
    await drain(ctx, opened.map((o) => o.id), 'actions set-up');
    await settle(ctx);

    ctx.progress(`actions through POST /cases/:id/actions, concurrency ${c}: ${opened.length * 5} actions`);
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const tick = ticker(ctx.progress, 'actions', opened.length * 5);
    const apiCpu = noCpu();
    const accountApi = cpuAccount(ctx, apiCpu);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        for (;;) {
          const kase = opened[next++];
          if (!kase) return;
          for (const [person, action] of STREET_LIGHT_STEPS(kase.risk, kase.riskFactors)) {
            const s = performance.now();
            try {
              await ctx.http.expect(200, 'POST', `/api/v1/cases/${kase.id}/actions`, ctx.tokens.for(person), action);
              latencies.push(performance.now() - s);
            } catch (error) {
              errors += 1;
              if (errors <= 3) console.error(`  ${(error as Error).message}`);
              break;
            }
            tick(latencies.length + errors);
          }
        }
      }),
    );
    const api = summarise(latencies, (performance.now() - t0) / 1000, errors);
    await settle(ctx);
    accountApi();

    ctx.progress(`bare Update round trip on a trivial workflow, concurrency ${c}: ${latencies.length} updates`);
    const handles = await Promise.all(
      Array.from({ length: c }, () => ctx.stack.temporal.client.workflow.start(echoWorkflowName, { taskQueue: ctx.stack.trivialQueue, workflowId: `bench-echo-${newCaseId()}` })),
    );
    const ceilingCpu = noCpu();
    const accountCeiling = cpuAccount(ctx, ceilingCpu, ctx.stack.trivialWorker.process.pid);
    const ceiling = await runBounded(Math.max(latencies.length, c), c, async (i) => {
      await (handles[i % c] as (typeof handles)[number]).executeUpdate(pingUpdate, { args: [i] });
    });
    accountCeiling();
    await Promise.all(handles.map((h) => h.signal(finishSignal)));
    rows.push({
      concurrency: c,
      api,
      ceiling,
      apiCpuMsPerAction: perOperation(apiCpu, latencies.length),
      ceilingCpuMsPerAction: perOperation(ceilingCpu, ceiling.count),
    });
    ctx.progress(`  → action p50 ${api.p50} p99 ${api.p99} ms; bare update p50 ${ceiling.p50} p99 ${ceiling.p99} ms`);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// 3. Escalation precision (and 5. memory with N open cases)
// ---------------------------------------------------------------------------------------

export interface LatenessSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface EscalationResult {
  cases: number;
  startSeconds: number;
  /** Seconds between the last start and the shared deadline. */
  slackSeconds: number;
  /** Cases whose opening the worker had recorded half a second before the deadline. */
  recordedAtDeadline: number;
  escalated: number;
  missed: number;
  doubled: number;
  /** Event `at` (workflow time of the escalation) minus the visit's deadline, ms. */
  lateness: LatenessSummary;
  /** How long after the deadline the bench watched; "missed" means not escalated by then. */
  observedSeconds: number;
  /** Wall-clock from the deadline until the last escalation was visible in MongoDB, s. */
  allVisibleAfterSeconds: number;
  /** N bare timer workflows sharing one deadline: workflow-time lateness, ms. */
  ceiling: LatenessSummary;
  /**
   * CPU ms per escalation of each process, from the deadline until the bench saw
   * the last one (its scans of case_events every 10 s included), and per bare
   * timer from their deadline until none was left running ("worker" there is the
   * trivial workflows' worker).
   */
  cpuMsPerEscalation?: CpuUse;
  ceilingCpuMsPerTimer?: CpuUse;
  memoryBefore: MemoryRow;
  memoryOpen: MemoryRow;
}

export interface MemoryRow {
  label: string;
  openCases: number;
  workerRssMiB: number | null;
  workerHeapUsedMiB: number | null;
  workerHeapTotalMiB: number | null;
  temporalRssMiB: number | null;
  ferretdbRssMiB: number | null;
  apiRssMiB: number | null;
}

/** `openCases` when known spares a count that scans the cases collection on FerretDB. */
export async function memory(ctx: Ctx, label: string, openCases?: number): Promise<MemoryRow> {
  const mem = await ctx.stack.worker.memory();
  const mib = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / 2 ** 20, 1));
  return {
    label,
    openCases: openCases ?? (await ctx.stack.db.models.Case.countDocuments({ status: 'open' })),
    workerRssMiB: rssMiB(ctx.stack.worker.process.pid),
    workerHeapUsedMiB: mib(mem?.heapUsed),
    workerHeapTotalMiB: mib(mem?.heapTotal),
    temporalRssMiB: rssMiB(ctx.stack.temporalPid),
    ferretdbRssMiB: rssMiB(ctx.stack.ferretdbPid),
    apiRssMiB: rssMiB(ctx.stack.api.process.pid),
  };
}

function lateness(values: number[]): LatenessSummary {
  const s = summarise(values, 1);
  return { count: s.count, p50: s.p50, p99: s.p99, max: s.max };
}

export async function escalation(ctx: Ctx, n: number, minLeadMs: number): Promise<EscalationResult> {
  const memoryBefore = await memory(ctx, 'before the escalation bench');
  // Time to start and record every case, and raise its warning (about 120 ms each on two busy cores), before the shared deadline.
  const t0 = Date.now();
  const deadline = t0 + Math.max(minLeadMs, n * 120);
  ctx.progress(`escalation: starting ${n} cases whose intake deadlines all fall at ${new Date(deadline).toISOString()} (in ${round((deadline - t0) / 1000, 1)} s)`);
  const ids: string[] = [];
  const started = await runBounded(
    n,
    16,
    async (i) => {
      const now = Date.now();
      // warnAt 0.05: each warning comes right after its case opens, not in the deadline window.
      const input = directCaseInput(i, policyWithIntakeDeadline(now, deadline, 0.05), now);
      await ctx.stack.temporal.client.workflow.start(caseWorkflow, { taskQueue: ctx.stack.taskQueue, workflowId: input.opening.caseId, args: [input] });
      ids.push(input.opening.caseId);
    },
    ticker(ctx.progress, 'started', n),
  );
  const slackSeconds = round((deadline - Date.now()) / 1000, 1);
  if (slackSeconds < 3) ctx.progress(`  warning: the last case started only ${slackSeconds} s before the deadline`);

  await sleep(Math.max(0, deadline - Date.now() - 1500));
  const recordedNow = await allIds(ctx.stack.db.models.Case);
  const recordedAtDeadline = ids.filter((id) => recordedNow.has(id)).length;
  if (recordedAtDeadline < n) ctx.progress(`  warning: only ${recordedAtDeadline} of ${n} cases were recorded by the deadline`);
  const memoryOpen = await memory(ctx, `${n} escalation cases started, just before their deadline`, memoryBefore.openCases + recordedAtDeadline);
  ctx.progress(`  worker RSS ${memoryOpen.workerRssMiB} MiB, heap ${memoryOpen.workerHeapUsedMiB} MiB with ${memoryOpen.openCases} open cases`);
  await sleep(Math.max(0, deadline - Date.now()));
  const escalationCpu = noCpu();
  const accountEscalations = cpuAccount(ctx, escalationCpu);

  // One scan of case_events every 10 s: a lookup per case would be thousands of
  // queries each time, and the bench's own load on the servers it measures must
  // stay small and steady (docs/performance.md, Lessons).
  const idSet = new Set(ids);
  const escalations = async () =>
    (await ctx.stack.db.models.CaseEvent.find({ type: 'escalated', 'actor.kind': 'system' }, { caseId: 1, at: 1, detail: 1 }).lean()).filter((e) => idSet.has(e.caseId));
  let seen = 0;
  let lastChange = Date.now();
  const giveUp = Date.now() + Math.max(120_000, n * 100);
  for (;;) {
    const count = new Set((await escalations()).map((e) => e.caseId)).size;
    if (count !== seen) {
      seen = count;
      lastChange = Date.now();
      ctx.progress(`  escalated: ${seen}/${n}`);
    }
    if (seen >= n || Date.now() > giveUp) break;
    await sleep(10_000);
  }
  accountEscalations();
  const allVisibleAfterSeconds = round((lastChange - deadline) / 1000, 2);
  const observedSeconds = round((Date.now() - deadline) / 1000, 0);
  // A few more seconds: a doubled escalation would show up now.
  await sleep(3000);
  const perCase = new Map<string, number>();
  const late: number[] = [];
  for (const event of await escalations()) {
    perCase.set(event.caseId, (perCase.get(event.caseId) ?? 0) + 1);
    const visitDeadline = Number((event.detail as { deadline?: number } | undefined)?.deadline);
    late.push(new Date(event.at).getTime() - visitDeadline);
  }
  const missed = ids.filter((id) => !perCase.has(id)).length;
  const doubled = [...perCase.values()].filter((count) => count > 1).length;

  ctx.progress(`escalation ceiling: ${n} bare timer workflows sharing one deadline`);
  const timerDeadline = Date.now() + n * 10 + 10_000;
  const handles: { result(): Promise<number> }[] = [];
  await runBounded(n, 16, async () => {
    handles.push(await ctx.stack.temporal.client.workflow.start(timerWorkflowName, { taskQueue: ctx.stack.trivialQueue, workflowId: `bench-timer-${newCaseId()}`, args: [timerDeadline] }));
  });
  // Results are read once every timer has fired, not waited for: thousands of
  // open long polls for them would load the server the ceiling measures, and
  // nothing polls onedoor's escalations. Each result is the lateness its
  // workflow saw when it woke, so reading it later changes nothing.
  await sleep(Math.max(0, timerDeadline - Date.now()));
  const timerCpu = noCpu();
  const accountTimers = cpuAccount(ctx, timerCpu, ctx.stack.trivialWorker.process.pid);
  const running = `WorkflowType = '${timerWorkflowName}' AND ExecutionStatus = 'Running'`;
  const ceilingGiveUp = Date.now() + Math.max(120_000, n * 100);
  while ((await ctx.stack.temporal.client.workflow.count(running)).count > 0 && Date.now() < ceilingGiveUp) await sleep(5000);
  accountTimers();
  const ceilingLate = await Promise.all(handles.map((h) => h.result()));
  return {
    cases: n,
    startSeconds: started.seconds,
    slackSeconds,
    recordedAtDeadline,
    escalated: perCase.size,
    missed,
    doubled,
    lateness: lateness(late),
    allVisibleAfterSeconds,
    observedSeconds,
    ceiling: lateness(ceilingLate),
    cpuMsPerEscalation: perOperation(escalationCpu, perCase.size),
    ceilingCpuMsPerTimer: perOperation(timerCpu, ceilingLate.length),
    memoryBefore,
    memoryOpen,
  };
}

// ---------------------------------------------------------------------------------------
// 4. Lifecycle
// ---------------------------------------------------------------------------------------

export interface LifecycleResult {
  cases: number;
  concurrency: number;
  actionsPerCase: number;
  errors: number;
  casesPerMinute: number;
  caseSeconds: Summary;
  ceilingCasesPerMinute: number;
  ceilingCaseSeconds: Summary;
}

/** docs/domain.md, case 2 after intake: eleven actions by five people through all seven stages. */
const DANGEROUS_HOUSE_STEPS = (risk: string, factors: unknown): [string, Record<string, unknown>][] => [
  ['p-dongmen-grid', { type: 'accept' }],
  ['p-dongmen-admin', { type: 'assess', risk, factors }],
  ['p-xiaoxi-admin', { type: 'accept' }],
  ['p-xiaoxi-admin', { type: 'assess', risk, factors }],
  ['p-xiaoxi-admin', { type: 'request_expert', question: 'Grade the house', specialty: 'building_safety', expertId: 'p-pinghe-expert-building' }],
  ['p-pinghe-expert-building', { type: 'submit_opinion', opinion: 'C级危房: cordon off, serve renovation notice' }],
  ['p-xiaoxi-admin', { type: 'record_disposal', summary: 'Cordoned off, warnings posted, notice served' }],
  ['p-xiaoxi-admin', { type: 'close', summary: 'Reported by the grid leader that evening' }],
  ['p-dongmen-resident', { type: 'feedback', rating: 4, comment: 'Quick' }],
];

export async function lifecycle(ctx: Ctx, cases: number, concurrency: number): Promise<LifecycleResult> {
  ctx.progress(`lifecycle: ${cases} cases (docs/domain.md, case 2) from report to rating, ${concurrency} at a time`);
  const grid = ctx.tokens.for('p-dongmen-grid');
  const stepsPerCase = 1 + DANGEROUS_HOUSE_STEPS('high', []).length;
  const api = await runBounded(
    cases,
    concurrency,
    async (i) => {
      const created = await ctx.http.expect<{ id: string; risk: string; riskFactors: unknown }>(201, 'POST', '/api/v1/cases', grid, dangerousHouseIntake(i));
      let last: { status?: string; stage?: string } = {};
      for (const [person, action] of DANGEROUS_HOUSE_STEPS(created.risk, created.riskFactors)) {
        last = await ctx.http.expect(200, 'POST', `/api/v1/cases/${created.id}/actions`, ctx.tokens.for(person), action);
      }
      if (last.status !== 'closed') throw new Error(`case ${created.id} ended ${JSON.stringify(last).slice(0, 200)}`);
    },
    ticker(ctx.progress, 'closed', cases),
  );
  ctx.progress(`lifecycle ceiling: ${cases} trivial workflows, each start + ${stepsPerCase - 1} bare Updates + finish`);
  const ceiling = await runBounded(cases, concurrency, async () => {
    const handle = await ctx.stack.temporal.client.workflow.start(echoWorkflowName, { taskQueue: ctx.stack.trivialQueue, workflowId: `bench-life-${newCaseId()}` });
    for (let s = 1; s < stepsPerCase; s += 1) await handle.executeUpdate(pingUpdate, { args: [s] });
    await handle.signal(finishSignal);
    await handle.result();
  });
  const toSeconds = (s: Summary): Summary => ({ ...s, p50: round(s.p50 / 1000, 2), p95: round(s.p95 / 1000, 2), p99: round(s.p99 / 1000, 2), max: round(s.max / 1000, 2) });
  return {
    cases,
    concurrency,
    actionsPerCase: stepsPerCase - 1,
    errors: api.errors,
    casesPerMinute: round(api.perSecond * 60, 1),
    caseSeconds: toSeconds(api),
    ceilingCasesPerMinute: round(ceiling.perSecond * 60, 1),
    ceilingCaseSeconds: toSeconds(ceiling),
  };
}

// ---------------------------------------------------------------------------------------
// 6. Reads
// ---------------------------------------------------------------------------------------

export interface ReadRow {
  name: string;
  concurrency: number;
  api: Summary;
  ceiling: Summary;
}

const VILLAGES = SEED_CENTRES.filter((c) => c.level === 'village');
const OPEN_STAGES = STAGES.filter((s) => s !== 'closed');

/**
 * Writes `total` case projections (their case_index entries, four events each) straight into
 * MongoDB, shaped like the ones the workflow writes: seeding this many through
 * workflows would take longer than the whole bench. Returns some of their ids.
 */
export async function seedProjections(ctx: Ctx, total: number, template: CaseDocument, first = 0): Promise<string[]> {
  ctx.progress(`reads: writing ${total} case projections, their case_index entries and ${total * 4} events directly into MongoDB`);
  const ids: string[] = [];
  const batch = 500;
  const day = 86_400_000;
  // `first` numbers them on from an earlier call: case numbers are unique.
  for (let start = first; start < first + total; start += batch) {
    const cases: CaseDocument[] = [];
    const events: StoredCaseEvent[] = [];
    for (let i = start; i < Math.min(first + total, start + batch); i += 1) {
      const id = newCaseId();
      ids.push(id);
      const village = VILLAGES[i % VILLAGES.length] as (typeof VILLAGES)[number];
      const closed = i % 3 === 0;
      const stage: Stage = closed ? 'closed' : (OPEN_STAGES[i % OPEN_STAGES.length] as Stage);
      const received = Date.now() - (i % 90) * day - i * 1000;
      cases.push({
        ...template,
        _id: id,
        caseId: id,
        caseNumber: `ZZ-20250101-${String(100_000 + i).padStart(6, '0')}`,
        title: `合成案件 ${i}`,
        stage,
        status: closed ? 'closed' : 'open',
        centreId: village.id,
        centrePath: organisation.pathOf(village.id),
        level: 'village',
        risk: RISKS[i % RISKS.length] as Risk,
        deadline: closed ? null : received + (i % 5 === 0 ? day / 2 : 30 * day),
        overdue: !closed && i % 17 === 0,
        rating: closed ? 1 + (i % 5) : null,
        receivedAt: received,
        updatedAt: received + day,
        closedAt: closed ? received + 2 * day : null,
        seq: 4,
      });
      for (let seq = 1; seq <= 4; seq += 1) {
        events.push({ _id: `${id}:${seq}`, caseId: id, seq, at: received + seq * 60_000, type: seq === 1 ? 'reported' : 'accepted', stage: 'intake', fromStage: seq === 1 ? null : 'intake', actor: { kind: 'system' }, centreId: village.id, level: 'village', detail: {} });
      }
    }
    await ctx.stack.db.models.Case.collection.insertMany(cases as never[], { ordered: false });
    // Their case_index entries, derived as the worker derives them (lists and the dashboard read those).
    // Each document is the template (a stored case) with the varied fields replaced, so it has every field the derivation reads.
    const entries = cases.map((doc) => caseIndexEntry(doc));
    await ctx.stack.db.models.CaseIndex.collection.insertMany(entries as never[], { ordered: false });
    // And their notices in the change log, which the API's in-memory copy of case_index follows.
    await Promise.all(entries.map((entry) => appendCaseChange(ctx.stack.db.models, entry._id)));
    await ctx.stack.db.models.CaseEvent.collection.insertMany(events as never[], { ordered: false });
    if (((start - first) / batch) % 20 === 19) ctx.progress(`  written ${Math.min(total, start - first + batch)}/${total}`);
  }
  return ids;
}

/**
 * A stored case to shape directly written ones on: a closed one from the scenarios
 * before, or else one filed now through the API (a run of reads or scale alone).
 */
export async function templateCase(ctx: Ctx): Promise<CaseDocument> {
  const models = ctx.stack.db.models;
  const stored = (await models.Case.findOne({ status: 'closed' }).lean<CaseDocument>()) ?? (await models.Case.findOne({}).lean<CaseDocument>());
  if (stored) return stored;
  const filed = await ctx.http.expect(201, 'POST', '/api/v1/cases', ctx.tokens.for('p-dongmen-resident'), streetLightIntake(0));
  for (const giveUp = Date.now() + 60_000; Date.now() < giveUp; await new Promise((r) => setTimeout(r, 200))) {
    const doc = await models.Case.findById(String(filed.id)).lean<CaseDocument>();
    if (doc) return doc;
  }
  throw new Error('the case filed as a template was not recorded within 60 s');
}

export interface ReadShape {
  name: string;
  api(i: number): Promise<unknown>;
  bare(i: number): Promise<void>;
}

/** The reads measured, each beside the database work the API cannot avoid for it; `ctx.http` says which API process answers. */
export async function readSet(ctx: Ctx, ids: string[]): Promise<ReadShape[]> {
  const county = ctx.tokens.for('p-pinghe-admin');
  const city = ctx.tokens.for('p-zz-admin');
  const models = ctx.stack.db.models;
  const pick = (i: number) => ids[(i * 7919) % ids.length] as string;
  // The database work the API cannot avoid (src/api/cases/queries.ts listCases and
  // case-mirror.ts): one look at the change log by `_id`, then the page's cases by
  // `_id`. Which ids are on the page is worked out once, before timing.
  const probeChangeLog = () => models.Counter.findById(changeId(1)).lean();
  const pageOf = async (filter: Record<string, unknown>, skip: number, size = 20): Promise<string[]> => {
    const matches = await models.CaseIndex.find(filter, { _id: 1, receivedAt: 1 }).lean();
    matches.sort((a, b) => (b.receivedAt ?? 0) - (a.receivedAt ?? 0) || (a._id < b._id ? -1 : 1));
    return matches.slice(skip, skip + size).map((m) => m._id);
  };
  // Worked out at the first bare read (a scan of case_index on FerretDB), not by a run that times only the API.
  const once = <T>(work: () => Promise<T>): (() => Promise<T>) => {
    let result: Promise<T> | null = null;
    return () => (result ??= work());
  };
  const countyPage = once(() => pageOf({ $and: [{ centrePath: 'zz-pinghe' }, { stage: 'mediation' }, { risk: 'high' }] }, 20));
  const cityPage = once(() => pageOf({ $and: [{ centrePath: 'zz' }] }, 0));
  // Open311's default window: received in the last 90 days; 50 to a page.
  const open311Page = once(() => pageOf({ $and: [{ status: 'open' }, { receivedAt: { $gte: Date.now() - 90 * 86_400_000 } }] }, 0, 50));
  const listPage = async (ids: string[]) => {
    await probeChangeLog();
    await Promise.all(ids.map((id) => models.Case.findById(id).lean()));
  };
  const cases: ReadShape[] = [
    {
      name: 'GET /cases?stage=mediation&risk=high&page=2 (county admin)',
      api: () => ctx.http.expect(200, 'GET', '/api/v1/cases?stage=mediation&risk=high&page=2&pageSize=20', county),
      bare: async () => {
        await listPage(await countyPage());
      },
    },
    {
      name: 'GET /cases (city admin, first page)',
      api: () => ctx.http.expect(200, 'GET', '/api/v1/cases?pageSize=20', city),
      bare: async () => {
        await listPage(await cityPage());
      },
    },
    {
      name: 'GET /open311/v2/requests.json?status=open (public; 90 days, 50 a page)',
      api: () => ctx.http.expect(200, 'GET', '/open311/v2/requests.json?status=open', city),
      bare: async () => {
        await probeChangeLog();
        await Promise.all((await open311Page()).map((id) => models.Case.findById(id).lean()));
      },
    },
    {
      name: 'GET /cases/:id/timeline (city admin)',
      api: (i: number) => ctx.http.expect(200, 'GET', `/api/v1/cases/${pick(i)}/timeline`, city),
      // The API's own queries: the projection, then each event by _id.
      bare: async (i: number) => {
        const doc = await models.Case.findById(pick(i), { seq: 1 }).lean();
        await Promise.all(Array.from({ length: doc?.seq ?? 0 }, (_, k) => models.CaseEvent.findById(`${pick(i)}:${k + 1}`).lean()));
      },
    },
    {
      name: 'GET /dashboard (county admin)',
      api: () => ctx.http.expect(200, 'GET', '/api/v1/dashboard', county),
      bare: async () => {
        await probeChangeLog();
      },
    },
    {
      name: 'GET /dashboard (city admin)',
      api: () => ctx.http.expect(200, 'GET', '/api/v1/dashboard', city),
      bare: async () => {
        await probeChangeLog();
      },
    },
  ];
  return cases;
}

export async function reads(ctx: Ctx, ids: string[], ops: number, concurrencies: number[], budgetMs: number): Promise<ReadRow[]> {
  const rows: ReadRow[] = [];
  const cases = await readSet(ctx, ids);
  for (const c of concurrencies) {
    for (const read of cases) {
      ctx.progress(`reads: ${read.name}, concurrency ${c}, ${ops} requests`);
      await read.api(0); // warm
      await read.bare(0);
      const api = await runBounded(ops, c, async (i) => void (await read.api(i)), undefined, budgetMs);
      const ceiling = await runBounded(ops, c, async (i) => void (await read.bare(i)), undefined, budgetMs);
      rows.push({ name: read.name, concurrency: c, api, ceiling });
      ctx.progress(`  → p50 ${api.p50} p99 ${api.p99} ms; bare MongoDB p50 ${ceiling.p50} p99 ${ceiling.p99} ms`);
    }
  }
  return rows;
}

export { startBenchStack as startStackFor } from './lib/stack';
