import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';
import { caseIndexEntry } from '../../src/db/case-index';
import { backfillCaseIndex, CASE_INDEX_MIGRATION_ID } from '../../src/db/case-index-store';
import { createPersistenceActivities } from '../../activities/persistence';
import { act, ORG, seeded, uniformPolicy } from '../helpers/cases';
import { caseInput, eventually, startCase, startTestEnv, uniqueId, type TestEnv } from '../helpers/temporal';

/** The case's index entry once it has caught up with `lastSeq`. */
async function entryAt(env: TestEnv, caseId: string, lastSeq: number) {
  return eventually(async () => {
    const entry = await env.db.models.CaseIndex.findById(caseId).lean();
    return entry && entry.lastSeq >= lastSeq ? entry : null;
  });
}

describe('case_index follows the projection', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv('case-index');
    await seedDatabase(env.db.models);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('gets every transition, equal to the entry derived from the stored projection', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const opened = await entryAt(env, caseId, 1);
    expect(opened).toMatchObject({ stage: 'intake', status: 'open', level: 'village', title: input.intake.title, complainantId: 'p-dongmen-resident', breached: false });
    expect(opened.receivedAt).toBeInstanceOf(Date);

    const admin = seeded('p-dongmen-admin');
    await act(handle, admin, { type: 'accept' });
    await act(handle, admin, { type: 'escalate', reason: '需要镇级协调' });
    const escalated = await entryAt(env, caseId, 3);
    expect(escalated).toMatchObject({ lastSeq: 3, stage: 'escalation', centreId: 'zz-pinghe-xiaoxi', level: 'town', title: input.intake.title, complainantId: 'p-dongmen-resident' });
    // The opening fields survive transitions, which do not carry them.
    expect(escalated.receivedAt).toEqual(opened.receivedAt);

    const stored = await env.db.models.Case.findById(caseId).lean();
    expect(stored).not.toBeNull();
    expect(escalated).toEqual(caseIndexEntry(stored!));
    await handle.terminate('test finished');
  });

  it('follows deadlines: breached and overdue at the top', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), slaPolicy: uniformPolicy(3000, 0.5) });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const entry = await eventually(async () => {
      const found = await env.db.models.CaseIndex.findById(caseId).lean();
      return found?.overdue ? found : null;
    }, 60_000);
    expect(entry).toMatchObject({ overdue: true, breached: true, level: 'city', centreId: 'zz', stage: 'escalation' });
    const stored = await env.db.models.Case.findById(caseId).lean();
    expect(entry.lastSeq).toBe(stored?.lastSeq);
    await handle.terminate('test finished');
  });

  it('never moves backwards on a stale write, and a replayed write changes nothing', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen') });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    const admin = seeded('p-dongmen-admin');
    const accepted = await act(handle, admin, { type: 'accept' });
    const escalated = await act(handle, admin, { type: 'escalate', reason: '上报' });
    const before = await entryAt(env, caseId, 3);
    const activities = createPersistenceActivities(env.db.models);
    // A late retry of the older transition, then a replay of the current one.
    await activities.recordTransition({ state: accepted, events: [] });
    await activities.recordTransition({ state: escalated, events: [] });
    const after = await env.db.models.CaseIndex.findById(caseId).lean();
    expect(after).toEqual(before);
    expect([after?.stage, after?.lastSeq]).toEqual(['escalation', 3]);
    await handle.terminate('test finished');
  });

  it('a case without an entry (projected before the index existed) gets a whole one at its next transition', async () => {
    const input = caseInput({ centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'), complainantId: 'p-dongmen-resident' });
    const caseId = input.opening.caseId;
    const handle = await startCase(env, input);
    await entryAt(env, caseId, 1);
    await env.db.models.CaseIndex.deleteOne({ _id: caseId });
    await act(handle, seeded('p-dongmen-admin'), { type: 'accept' });
    const entry = await entryAt(env, caseId, 2);
    expect(entry).toMatchObject({ stage: 'risk_assessment', title: input.intake.title, complainantId: 'p-dongmen-resident' });
    expect(entry.receivedAt).toBeInstanceOf(Date);
    await handle.terminate('test finished');
  });
});

describe('case_index backfill', () => {
  let db: Database;
  beforeAll(async () => {
    // Its own database: the marker and a full scan must not meet other test files' cases.
    db = await connectDatabase(inject('mongodbUri').replace(/\/([^/?]+)(\?|$)/, `/${uniqueId('backfill_')}$2`));
    await ensureIndexes(db.models);
  });
  afterAll(async () => {
    await db?.connection.dropDatabase();
    await db?.close();
  });

  /** A projection as an earlier version of the worker stored it. */
  function oldCase(i: number, lastSeq: number) {
    return {
      _id: `case_backfill_${i}`,
      caseNumber: `ZZ-20250101-${String(i).padStart(6, '0')}`,
      category: 'neighbour_dispute',
      kind: 'dispute',
      title: `旧案件 ${i}`,
      description: '…',
      channel: 'app',
      complainant: { personId: `p-resident-${i}`, name: '林', phone: '13800001234', phoneMasked: '138****1234' },
      reportedById: `p-resident-${i}`,
      stage: 'intake',
      status: 'open',
      centreId: 'zz-pinghe-xiaoxi-dongmen',
      centrePath: ORG.pathOf('zz-pinghe-xiaoxi-dongmen'),
      level: 'village',
      risk: 'low',
      visits: [{ stage: 'intake', breached: i % 2 === 0 }],
      lastSeq,
      receivedAt: new Date(Date.UTC(2025, 0, 1) + i * 1000),
      updatedAt: new Date(Date.UTC(2025, 0, 2)),
    };
  }

  it('writes the missing entries and the marker, keeps newer entries, and a second run does nothing', async () => {
    await db.models.Case.collection.insertMany(Array.from({ length: 30 }, (_, i) => oldCase(i, 2)) as never[]);
    // One case a worker has already moved past what `cases` holds here: its entry must not go back.
    await db.models.CaseIndex.collection.insertOne({ ...caseIndexEntry({ ...oldCase(0, 5), stage: 'mediation' }) } as never);

    // Two workers starting at once.
    const [first, second] = await Promise.all([backfillCaseIndex(db.models), backfillCaseIndex(db.models)]);
    expect([first.ran, second.ran]).toEqual([true, true]);
    expect(first.examined).toBe(30);

    const entries = await db.models.CaseIndex.find({}).lean();
    expect(entries).toHaveLength(30);
    const byId = new Map(entries.map((e) => [e._id, e]));
    expect(byId.get('case_backfill_0')).toMatchObject({ lastSeq: 5, stage: 'mediation' });
    expect(byId.get('case_backfill_7')).toEqual(caseIndexEntry(oldCase(7, 2)));
    expect(byId.get('case_backfill_8')).toMatchObject({ breached: true, complainantId: 'p-resident-8', title: '旧案件 8' });
    expect(await db.models.Counter.findById(CASE_INDEX_MIGRATION_ID).lean()).toMatchObject({ value: 30 });

    // Done once: a later start reads the marker and writes nothing, even for a case that lost its entry.
    await db.models.CaseIndex.deleteOne({ _id: 'case_backfill_3' });
    expect(await backfillCaseIndex(db.models)).toEqual({ ran: false, examined: 0, written: 0 });
    expect(await db.models.CaseIndex.countDocuments({})).toBe(29);
  });

  it('fills the category into entries written before it was indexed, and writes entries that went missing', async () => {
    // Where the previous migration ran, but not this one: entries without a category.
    await db.models.Counter.deleteOne({ _id: CASE_INDEX_MIGRATION_ID });
    await db.models.Counter.collection.insertOne({ _id: 'migration:case-index-v1' as never, value: 30 });
    await db.models.CaseIndex.collection.updateMany({}, { $unset: { category: '' } });

    const result = await backfillCaseIndex(db.models);
    expect(result).toEqual({ ran: true, examined: 30, written: 30 });
    const entries = await db.models.CaseIndex.find({}).lean();
    expect(entries).toHaveLength(30);
    expect(entries.every((entry) => entry.category === 'neighbour_dispute')).toBe(true);
    // The newer entry kept what it had; only its category was filled in.
    expect(entries.find((entry) => entry._id === 'case_backfill_0')).toMatchObject({ lastSeq: 5, stage: 'mediation' });
  });
});
