/**
 * Records workflow histories for the replay tests (test/histories/*.json).
 * Run after a release, before changing running-case logic: the replay test
 * then proves that cases started on the old code still replay on the new.
 *
 *   npx tsx scripts/save-histories.ts [tag]
 *
 * With a tag the files are named <history>.<tag>.json, so the histories of
 * earlier code stay next to the new ones (each patch adds its own set). A file
 * already there is kept: it is the record of the code that made it.
 * Payloads are encrypted with the tests' fixed key
 * (test/helpers/payload-keys.ts), which the replay test reads them with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { findBinary } from '../src/services/binaries';
import { loadConfig } from '../src/config';
import { startServers } from '../src/services/stack';
import { connectTemporalClient } from '../src/temporal/client';
import { createWorker } from '../src/temporal/worker';
import { TEST_PAYLOAD_KEYS } from '../test/helpers/payload-keys';
import { seedDatabase } from '../src/db/seed';
import {
  Organisation,
  SEED_CENTRES,
  SEED_PEOPLE,
  scoreRisk,
  DEFAULT_SLA_POLICY,
  defaultDeadlinePolicy,
  formatCaseNumber,
  localDay,
  DEFAULT_TIME_ZONE,
  policyForCaseFiledAt,
  scaleDeadlinePolicy,
  type Actor,
  type CaseAction,
  type CasePolicy,
} from '../src/domain';
import { chinaCalendar } from '../src/domain/china-calendar';
import { maskPhone } from '../src/domain/privacy';
import { caseWorkflows } from '../src/temporal/cases';
import type { CaseWorkflowInput } from '../workflows/definitions';

const OUT = path.resolve(__dirname, '../test/histories');
const org = new Organisation(SEED_CENTRES);

function person(id: string): Actor {
  const p = SEED_PEOPLE.find((x) => x.id === id);
  if (!p) throw new Error(id);
  return { kind: 'person', personId: id, role: p.role, centreId: p.centreId, centrePath: org.pathOf(p.centreId) };
}

/** The first release's round-the-clock policy, scaled as it scaled it. */
function firstReleasePolicy(slaScale: number): CasePolicy {
  return slaScale === 1 ? DEFAULT_SLA_POLICY : { ...DEFAULT_SLA_POLICY, version: `${DEFAULT_SLA_POLICY.version}@x${slaScale}`,
    durations: Object.fromEntries(Object.entries(DEFAULT_SLA_POLICY.durations).map(([stage, byRisk]) => [stage, Object.fromEntries(Object.entries(byRisk).map(([r, ms]) => [r, Math.max(1, Math.round(ms * slaScale))]))])) as typeof DEFAULT_SLA_POLICY.durations };
}

function input(caseId: string, villageId: string, complainantId: string, slaPolicy: CasePolicy, serial: number): CaseWorkflowInput {
  const risk = scoreRisk({ category: 'estate_dispute', title: '商铺占用小区公共区域', description: '业主、商户与物业三方冲突，存在群体性事件风险', partyCount: 3 });
  return {
    opening: { caseId, caseNumber: formatCaseNumber(localDay(Date.now(), DEFAULT_TIME_ZONE), serial), category: 'estate_dispute', complainantId, reportedById: complainantId, centrePath: org.pathOf(villageId), risk: risk.risk, riskFactors: risk.factors, slaPolicy, now: Date.now() },
    intake: { title: '商铺占用小区公共区域', description: '业主、商户与物业三方冲突', channel: 'app', location: { centreId: villageId, address: '东门社区' }, complainant: { personId: complainantId, name: '王秀兰', phone: '13800000015' }, parties: [{ name: '业主', role: 'complainant' }, { name: '商户', role: 'respondent' }, { name: '物业', role: 'respondent' }], affectedCount: 120 },
    intakeAudit: { actor: { personId: complainantId, role: 'resident' }, action: 'intake', outcome: 'ok', status: 201, detail: { channel: 'app', category: 'estate_dispute', centreId: villageId, risk: risk.risk, complainantPhone: maskPhone('13800000015'), idempotent: false } },
  };
}

/** The Temporal CLI writes histories in the JSON form the SDK's replayer reads. */
function saveHistory(address: string, workflowId: string, file: string): void {
  const cli = findBinary('temporal', loadConfig().binDir);
  if (!cli) throw new Error('the temporal CLI is needed: run "npx onedoor install"');
  const json = execFileSync(cli.path, ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
  const tag = process.argv[2];
  const name = tag ? file.replace(/\.json$/, `.${tag}.json`) : file;
  const target = path.join(OUT, name);
  if (fs.existsSync(target)) {
    console.log(`${name} is already recorded; kept as it is`);
    return;
  }
  fs.writeFileSync(target, json);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-histories-'));
  const config = { ...loadConfig(), dataDir };
  const servers = await startServers(config, (line) => console.error(line));
  const taskQueue = 'save-histories';
  const worker = await createWorker({ temporalAddress: servers.temporal.address, namespace: 'default', taskQueue, mongodbUri: servers.mongo.uri, payloadKeys: TEST_PAYLOAD_KEYS, logLevel: config.logLevel });
  const running = worker.run();
  const temporal = await connectTemporalClient(servers.temporal.address, 'default', TEST_PAYLOAD_KEYS);
  try {
    await seedDatabase(worker.db.models);
    fs.mkdirSync(OUT, { recursive: true });

    // Case 3 of docs/domain.md, every stage.
    const cases = caseWorkflows(temporal.client, taskQueue);
    const { handle: full } = await cases.startCase(input('case_history0000full', 'zz-pinghe-xiaoxi-dongmen', 'p-dongmen-resident', firstReleasePolicy(1), 1));
    const steps: [string, CaseAction][] = [
      ['p-dongmen-grid', { type: 'accept' }],
      ['p-dongmen-grid', { type: 'escalate', reason: '需镇级协调' }],
      ['p-xiaoxi-admin', { type: 'accept' }],
      ['p-xiaoxi-admin', { type: 'escalate', reason: '上报县级' }],
      ['p-pinghe-admin', { type: 'accept' }],
      ['p-pinghe-admin', { type: 'request_expert', question: '法律依据？', specialty: 'legal' }],
      ['p-pinghe-expert-legal', { type: 'submit_opinion', opinion: '应腾退' }],
      ['p-pinghe-admin', { type: 'assess', risk: 'critical', factors: [] }],
      ['p-pinghe-admin', { type: 'assign_mediator' }],
      ['p-pinghe-med-estate', { type: 'record_session', summary: '首次调解' }],
      ['p-pinghe-med-estate', { type: 'record_agreement', terms: [{ party: '商户', obligation: '腾退' }] }],
      ['p-pinghe-admin', { type: 'close', summary: '和解' }],
      ['p-dongmen-resident', { type: 'feedback', rating: 5 }],
    ];
    for (const [who, action] of steps) await cases.actOnCase(full.workflowId, { action, actor: person(who) });
    await full.result();
    saveHistory(servers.temporal.address, full.workflowId, 'case-3-full-lifecycle.json');

    // An untouched case that climbs to the city by its deadlines (scaled down).
    const { handle: climb } = await cases.startCase(input('case_history000climb', 'zz-pinghe-xiaoxi-dongmen', 'p-dongmen-resident', firstReleasePolicy(0.002), 2));
    for (;;) {
      const state = await cases.queryCase(climb.workflowId);
      if (state.overdue) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await climb.terminate('history recorded');
    saveHistory(servers.temporal.address, climb.workflowId, 'deadline-climb-to-city.json');

    // Working time, shrunk: acceptance missed and supervised, a pause that ends by itself,
    // an order answered, then the handling limit takes the case to the town.
    const workingTime = scaleDeadlinePolicy(policyForCaseFiledAt(defaultDeadlinePolicy(chinaCalendar()), Date.now()), 0.0002);
    const { handle: clocks } = await cases.startCase(input('case_history00clocks', 'zz-pinghe-xiaoxi-dongmen', 'p-dongmen-resident', workingTime, 3));
    const waitFor = async (test: (state: Awaited<ReturnType<typeof cases.queryCase>>) => boolean) => {
      while (!test(await cases.queryCase(clocks.workflowId))) await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor((state) => state.supervisions.length === 1);
    const later = (ms: number) => new Date(Date.now() + ms).toISOString();
    await cases.actOnCase(clocks.workflowId, { action: { type: 'accept' }, actor: person('p-dongmen-grid') });
    await cases.actOnCase(clocks.workflowId, { action: { type: 'pause', reason: 'waiting_for_documents', until: later(1000) }, actor: person('p-dongmen-admin') });
    await waitFor((state) => state.pause === null);
    await cases.actOnCase(clocks.workflowId, { action: { type: 'supervise', reason: '请报告进展', replyBy: later(60_000) }, actor: person('p-xiaoxi-admin') });
    const order = (await cases.queryCase(clocks.workflowId)).supervisions.find((o) => o.status === 'open' && !o.automatic);
    if (!order) throw new Error('the supervision order is missing');
    await cases.actOnCase(clocks.workflowId, { action: { type: 'reply_supervision', orderId: order.id, reply: '已约双方调解' }, actor: person('p-dongmen-admin') });
    await waitFor((state) => state.level === 'town');
    await clocks.terminate('history recorded');
    saveHistory(servers.temporal.address, clocks.workflowId, 'working-time-clocks.json');

    // A second report of the same problem, closed as the first one's duplicate: the workflow
    // looks the original up (a local activity), closes the case with its pointer, and ends.
    const filed = policyForCaseFiledAt(defaultDeadlinePolicy(chinaCalendar()), Date.now());
    const originalId = `case_${'0'.repeat(20)}d001`;
    const { handle: originalCase } = await cases.startCase(input(originalId, 'zz-pinghe-xiaoxi-dongmen', 'p-dongmen-resident', filed, 4));
    const { handle: duplicate } = await cases.startCase(input(`case_${'0'.repeat(20)}d002`, 'zz-pinghe-xiaoxi-dongmen', 'p-dongmen-resident-2', filed, 5));
    while (!(await worker.db.models.CaseIndex.findById(originalId).lean())) await new Promise((r) => setTimeout(r, 100));
    await cases.actOnCase(duplicate.workflowId, { action: { type: 'accept' }, actor: person('p-dongmen-grid') });
    await cases.actOnCase(duplicate.workflowId, { action: { type: 'mark_duplicate', originalCaseId: originalId, reason: '同一处商铺占用' }, actor: person('p-dongmen-admin') });
    await duplicate.result();
    await originalCase.terminate('history recorded');
    saveHistory(servers.temporal.address, duplicate.workflowId, 'duplicate-joined.json');
    console.log(`histories written to ${OUT}`);
  } finally {
    await worker.shutdown();
    await running;
    await temporal.close();
    await servers.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
