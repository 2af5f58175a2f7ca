/**
 * Times the list and dashboard queries on `cases` (before case_index) and on
 * `case_index` (now), at a given number of stored cases, on whatever MongoDB
 * MONGODB_URI names (the embedded FerretDB: `ONEDOOR_DATA_DIR=/tmp/x npx onedoor
 * servers` prints it). Also times the start-up backfill of those cases and one
 * forward-only index write. Writes into the database it is given: use a scratch one.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:PORT/measure npx tsx scripts/measure-case-index.ts [cases=10000] [runs=3]
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config';
import { connectDatabase, ensureIndexes } from '../src/db/connection';
import { caseIndexEntry } from '../src/db/case-index';
import { backfillCaseIndex, CASE_INDEX_MIGRATION_ID, writeCaseIndexEntry } from '../src/db/case-index-store';
import { Organisation, RISKS, SEED_CENTRES, STAGES } from '../src/domain';

const DAY = 86_400_000;
const organisation = new Organisation(SEED_CENTRES);
const villages = SEED_CENTRES.filter((c) => c.level === 'village');
const openStages = STAGES.filter((s) => s !== 'closed');

/** A projection shaped like a worker-written closed case (~3.4 KB): risk factors, seven visits, sessions, opinion, agreement. */
function syntheticCase(i: number): Record<string, unknown> {
  const village = villages[i % villages.length] as (typeof villages)[number];
  const closed = i % 3 === 0;
  const received = Date.now() - (i % 90) * DAY - i * 1000;
  const at = (hours: number) => new Date(received + hours * 3_600_000);
  return {
    _id: `case_${randomBytes(12).toString('hex')}`,
    caseNumber: `ZZ-20250101-${String(100_000 + i).padStart(6, '0')}`,
    category: 'neighbour_dispute',
    kind: 'dispute',
    title: `合成案件 ${i}：楼上住户夜间噪音扰民`,
    description: '楼上住户长期在深夜播放音乐、拖动家具，多次沟通无果，影响老人和孩子休息，希望社区出面协调解决。',
    channel: 'app',
    location: { centreId: village.id, address: `${village.name.zh} 3 号楼 2 单元 501 室`, lat: 24.51, lng: 117.65 },
    complainant: { personId: `p-resident-${i}`, name: '林美华', phone: '13800001234', phoneMasked: '138****1234' },
    reportedById: `p-resident-${i}`,
    parties: [
      { name: '林美华', role: 'complainant' },
      { name: '陈志强', role: 'respondent' },
    ],
    affectedCount: 4,
    stage: closed ? 'closed' : openStages[i % openStages.length],
    status: closed ? 'closed' : 'open',
    centreId: village.id,
    centrePath: organisation.pathOf(village.id),
    level: 'village',
    risk: RISKS[i % RISKS.length],
    riskFactors: [
      { code: 'repeated', points: 2, label: { zh: '多次反映未解决', en: 'Reported repeatedly without resolution' }, evidence: '三次' },
      { code: 'vulnerable', points: 2, label: { zh: '涉及老人或儿童', en: 'Affects elderly people or children' } },
      { code: 'escalating', points: 3, label: { zh: '矛盾有激化迹象', en: 'Signs of escalation' }, evidence: '争吵' },
    ],
    riskConfirmed: true,
    deadline: closed ? null : new Date(received + (i % 5 === 0 ? DAY / 2 : 30 * DAY)),
    warnAt: null,
    overdue: !closed && i % 17 === 0,
    mediatorId: 'p-xiaoxi-med-neighbour',
    expertId: 'p-pinghe-expert-law',
    expertRequest: { specialty: 'law', question: '噪音扰民的法律责任如何认定？', requestedAt: at(20) },
    opinion: { expertId: 'p-pinghe-expert-law', text: '依据《噪声污染防治法》，夜间噪音超过标准可由公安机关处理，建议先行调解。', at: at(30) },
    sessions: [
      { at: at(40), summary: '双方到场，说明情况，约定夜间十点后保持安静。', by: 'p-xiaoxi-med-neighbour' },
      { at: at(60), summary: '回访确认，噪音明显减少。', by: 'p-xiaoxi-med-neighbour' },
    ],
    outcome: closed ? 'agreement' : null,
    agreement: closed ? [{ party: '陈志强', obligation: '夜间十点后不播放音乐，家具加装防滑垫' }] : null,
    failure: null,
    disposal: null,
    closureSummary: closed ? '达成调解协议，双方签字确认。' : null,
    rating: closed ? 1 + (i % 5) : null,
    feedbackComment: closed ? '处理及时，满意。' : null,
    feedbackStatus: closed ? 'rated' : null,
    reopenCount: 0,
    reopenUntil: null,
    visits: ['intake', 'risk_assessment', 'mediation', 'consultation', 'mediation', 'closing', 'feedback'].map((stage, k) => ({
      stage,
      centreId: village.id,
      level: 'village',
      enteredAt: at(k * 10),
      leftAt: at(k * 10 + 9),
      deadline: at(k * 10 + 24),
      warnAt: at(k * 10 + 19),
      warned: false,
      breached: i % 11 === 0 && k === 2,
    })),
    lastSeq: 12,
    slaPolicyVersion: '2025-01',
    workflowId: null,
    receivedAt: new Date(received),
    updatedAt: at(70),
    closedAt: closed ? at(70) : null,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function time(runs: number, work: () => Promise<unknown>): Promise<{ median: number; min: number; max: number }> {
  const took: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    took.push(performance.now() - started);
  }
  return { median: Math.round(median(took)), min: Math.round(Math.min(...took)), max: Math.round(Math.max(...took)) };
}

async function main(): Promise<void> {
  const uri = loadConfig().mongodbUri;
  if (!uri) throw new Error('MONGODB_URI is not set');
  const wanted = Number(process.argv[2] ?? 10_000);
  const runs = Number(process.argv[3] ?? 3);
  const db = await connectDatabase(uri);
  const { Case, CaseIndex, Counter } = db.models;
  await ensureIndexes(db.models);

  const stored = await Case.estimatedDocumentCount();
  if (stored < wanted) {
    console.log(`writing ${wanted - stored} case projections (no index entries: as before this change)`);
    for (let start = stored; start < wanted; start += 500) {
      const docs = Array.from({ length: Math.min(500, wanted - start) }, (_, k) => syntheticCase(start + k));
      await Case.collection.insertMany(docs as never[], { ordered: false });
    }
    await Counter.deleteOne({ _id: CASE_INDEX_MIGRATION_ID });
    await CaseIndex.deleteMany({});
  }
  const sample = await Case.findOne({}).lean();
  console.log(`${await Case.estimatedDocumentCount()} cases stored; one is ${JSON.stringify(sample).length} bytes as JSON`);

  if (!(await Counter.findById(CASE_INDEX_MIGRATION_ID).lean())) {
    const started = performance.now();
    const result = await backfillCaseIndex(db.models, (message) => console.log(`  ${message}`));
    console.log(`backfill: ${result.written} entries in ${Math.round(performance.now() - started)} ms`);
  }
  const entry = await CaseIndex.findOne({}).lean();
  console.log(`${await CaseIndex.estimatedDocumentCount()} case_index entries; one is ${JSON.stringify(entry).length} bytes as JSON`);

  const county = { $and: [{ centrePath: 'zz-pinghe' }, { stage: 'mediation' }, { risk: 'high' }] };
  const city = { $and: [{ centrePath: 'zz' }] };
  const before = async (filter: Record<string, unknown>, skip: number) =>
    Promise.all([Case.find(filter).sort({ receivedAt: -1, _id: 1 }).skip(skip).limit(20).lean(), Case.countDocuments(filter)]);
  const after = async (filter: Record<string, unknown>, skip: number) => {
    const matches = await CaseIndex.find(filter, { _id: 1, receivedAt: 1 }).lean();
    matches.sort((a, b) => (b.receivedAt?.getTime() ?? 0) - (a.receivedAt?.getTime() ?? 0) || (a._id < b._id ? -1 : 1));
    return Promise.all(matches.slice(skip, skip + 20).map((m) => Case.findById(m._id).lean()));
  };
  const dashboardBefore = { caseNumber: 1, stage: 1, status: 1, centreId: 1, level: 1, risk: 1, deadline: 1, overdue: 1, rating: 1, receivedAt: 1, closedAt: 1, visits: 1 };
  const dashboardAfter = { caseNumber: 1, stage: 1, status: 1, centreId: 1, level: 1, risk: 1, deadline: 1, overdue: 1, rating: 1, receivedAt: 1, closedAt: 1, breached: 1 };

  const rows: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    ['list, county admin, stage + risk, page 2', () => before(county, 20), () => after(county, 20)],
    ['list, city admin, first page', () => before(city, 0), () => after(city, 0)],
    ['dashboard, county admin', () => Case.find({ centrePath: 'zz-pinghe' }, dashboardBefore).lean(), () => CaseIndex.find({ centrePath: 'zz-pinghe' }, dashboardAfter).lean()],
    ['dashboard, city admin', () => Case.find({ centrePath: 'zz' }, dashboardBefore).lean(), () => CaseIndex.find({ centrePath: 'zz' }, dashboardAfter).lean()],
  ];
  console.log(`\n| query | before: on cases, ms (median / min / max of ${runs}) | after: on case_index, ms |`);
  console.log('| --- | ---: | ---: |');
  for (const [name, on, onIndex] of rows) {
    await onIndex(); // warm
    const b = await time(runs, on);
    const a = await time(runs, onIndex);
    console.log(`| ${name} | ${b.median} / ${b.min} / ${b.max} | ${a.median} / ${a.min} / ${a.max} |`);
  }

  // What each transition now adds: the entry's forward-only write (a read and an upsert by _id).
  const ids = (await CaseIndex.find({}, { _id: 1 }).limit(200).lean()).map((e) => e._id);
  const started = performance.now();
  for (const id of ids) {
    const projection = await Case.findById(id).lean();
    if (projection) await writeCaseIndexEntry(db.models, { ...caseIndexEntry(projection), lastSeq: projection.lastSeq + 1 + Math.floor(Math.random() * 1000) });
  }
  const perWrite = (performance.now() - started) / Math.max(1, ids.length);
  console.log(`\nforward-only index write (incl. one findById of the case to derive it): ${perWrite.toFixed(2)} ms each over ${ids.length}`);
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
