/**
 * The contract of the read stores (src/api/reads): the same cases, written once to one
 * database, read through MongoDB's queries and through the copy in memory, give the same
 * answers to every read, for every kind of viewer. Every query the queries store issued on
 * the way is then checked against the declared indexes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { CaseMirror } from '../../src/db/case-mirror';
import type { CaseIndexEntry } from '../../src/db/case-index';
import { CATEGORY_CODES, RISKS, STAGES, seenByKeysOf, type PathOf, type Viewer } from '../../src/domain';
import { MemoryCaseReads } from '../../src/api/reads/memory';
import { QueryCaseReads, type IssuedQuery } from '../../src/api/reads/queries';
import { CASE_INDEX_INDEXES } from '../../src/api/reads/indexes';
import type { CaseReads, Seeing } from '../../src/api/reads/case-reads';
import { caseFilterOf } from '../../src/api/cases/search';
import type { ListQuery } from '../../src/api/cases/schemas';
import { uniqueId } from '../helpers/temporal';
import { servedBy, shapesOf } from '../helpers/index-check';

const DAY = 86_400_000;
const NOW = Date.now();

/** A small tree: a city, two counties, three towns, four villages. */
const PATHS: Record<string, string[]> = {
  c: ['c'],
  'c-a': ['c', 'c-a'],
  'c-b': ['c', 'c-b'],
  'c-a-t1': ['c', 'c-a', 'c-a-t1'],
  'c-a-t2': ['c', 'c-a', 'c-a-t2'],
  'c-b-t1': ['c', 'c-b', 'c-b-t1'],
  'c-a-t1-v1': ['c', 'c-a', 'c-a-t1', 'c-a-t1-v1'],
  'c-a-t1-v2': ['c', 'c-a', 'c-a-t1', 'c-a-t1-v2'],
  'c-a-t2-v1': ['c', 'c-a', 'c-a-t2', 'c-a-t2-v1'],
  'c-b-t1-v1': ['c', 'c-b', 'c-b-t1', 'c-b-t1-v1'],
};
const VILLAGES = Object.keys(PATHS).filter((id) => PATHS[id]!.length === 4);
const pathOf: PathOf = (id) => PATHS[id];
const LEVEL_OF = ['city', 'county', 'town', 'village'] as const;

/** A deterministic sequence, so a failure is the same failure the next time. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function casesOf(count: number): CaseIndexEntry[] {
  const next = random(19);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const maybe = <T>(p: number, value: T): T | null => (next() < p ? value : null);
  const entries: CaseIndexEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    const village = pick(VILLAGES);
    const path = PATHS[village]!;
    const climbed = Math.floor(next() * 3);
    const heldBy = path.slice(path.length - 1 - climbed).reverse();
    const centreId = heldBy[heldBy.length - 1]!;
    const closed = next() < 0.3;
    const stage = closed ? 'closed' : pick(STAGES.filter((s) => s !== 'closed'));
    const deadline = closed ? null : maybe(0.8, NOW + Math.round((next() - 0.3) * 10 * DAY));
    const receivedAt = next() < 0.1 ? NOW - 5 * DAY : NOW - Math.round(next() * 60 * DAY);
    const expertId = maybe(0.3, pick(['e1', 'e2']));
    const complainantId = pick(['r1', 'r2', 'r3', 'x9']);
    const entry: CaseIndexEntry = {
      _id: `rs_${String(i).padStart(4, '0')}`,
      caseNumber: `ZZ-2026110${i % 10}-${String(1000 + i)}`,
      title: pick(['楼道积水', 'Broken street lamp', '邻里噪音纠纷', 'Fence dispute', '漏水 leak']),
      category: pick(CATEGORY_CODES),
      centreId,
      centrePath: PATHS[centreId]!,
      stage,
      status: closed ? 'closed' : 'open',
      level: LEVEL_OF[PATHS[centreId]!.length - 1]!,
      risk: pick(RISKS),
      deadline,
      overdue: !closed && next() < 0.15,
      receivedAt,
      closedAt: closed ? NOW - Math.round(next() * 30 * DAY) : null,
      rating: closed ? maybe(0.5, 1 + Math.floor(next() * 5)) : null,
      breached: false,
      breachedBy: heldBy.filter(() => next() < 0.2),
      heldBy,
      complainantId,
      reportedById: pick(['g1', 'g2', 'r1', 'x9']),
      mediatorId: maybe(0.6, pick(['m1', 'm2', 'm3'])),
      expertId,
      opinionExpertId: maybe(0.3, pick(['e1', 'e2'])),
      // Supervision orders owed by the centre holding it, some lapsed; replies due at the same time, now and then.
      unansweredOrders: Array.from({ length: next() < 0.15 ? 1 + Math.floor(next() * 2) : 0 }, (_, k) => ({ id: `s${k + 1}`, centreId, byCentreId: 'c', automatic: next() < 0.5, reason: 'r', replyBy: NOW + Math.round((next() - 0.5) * 4) * DAY, status: next() < 0.3 ? ('lapsed' as const) : ('open' as const) })),
      departmentIds: next() < 0.2 ? ['d1'] : [],
      workingDepartmentId: maybe(0.1, 'd1'),
      acceptedBy: maybe(0.5, { personId: pick(['m1', 'm2', 'm3']), centreId: pick([centreId, village]) }),
      complainantPhoneKey: maybe(0.3, pick(['phone-1', 'phone-2'])),
      complainantName: pick(['王小明', 'Li Hua', '陈大妈']),
      description: pick(['水从楼上流下', 'the lamp has been out for a week', '晚上很吵', '']),
      villageId: village,
      lat: null,
      lng: null,
      duplicateOf: i > 10 && next() < 0.1 ? `rs_${String(Math.floor(next() * 10)).padStart(4, '0')}` : null,
      seq: 1,
      updatedAt: NOW,
    };
    entry.breached = entry.breachedBy.length > 0;
    entry.seenBy = seenByKeysOf(entry);
    entries.push(entry);
  }
  return entries;
}

const VIEWERS: Viewer[] = [
  { personId: 'r1', role: 'resident', phoneKey: 'phone-1' },
  { personId: 'r2', role: 'resident' },
  { personId: 'g1', role: 'grid_worker', centreId: 'c-a-t1-v1' },
  { personId: 'm1', role: 'mediator', centreId: 'c-a-t1' },
  { personId: 'm2', role: 'mediator', centreId: 'c-a-t1-v2' },
  { personId: 'm3', role: 'mediator', centreId: 'c-a' },
  { personId: 'e1', role: 'expert' },
  { personId: 'd1-staff', role: 'department', departmentId: 'd1' },
  { personId: 'admin-c', role: 'admin', centreId: 'c' },
  { personId: 'admin-a', role: 'admin', centreId: 'c-a' },
  { personId: 'admin-t', role: 'admin', centreId: 'c-b-t1' },
];

const QUERIES: Partial<ListQuery>[] = [
  {},
  { sort: 'deadline' },
  { status: 'open' },
  { status: 'closed', sort: 'deadline' },
  { stage: 'mediation' },
  { overdue: true },
  { overdue: false, sort: 'deadline' },
  { risk: 'high', category: CATEGORY_CODES[0] },
  { level: 'town' },
  { centreId: 'c-a-t1' },
  { assignedTo: 'me' },
  { assignedTo: 'me', sort: 'deadline' },
  { q: '积水' },
  { q: 'LAMP' },
  { q: 'zz-2026110' },
  { q: 'phone-1' },
  { q: '.*' },
];

const PAGES = [
  { skip: 0, limit: 5 },
  { skip: 5, limit: 5 },
  { skip: 0, limit: null },
  { skip: 37, limit: 7 },
];

describe('the read stores answer alike', () => {
  const logger = pino({ level: 'silent' });
  const issued: IssuedQuery[] = [];
  let db: Database;
  let mirror: CaseMirror;
  let stores: { queries: CaseReads; memory: CaseReads };
  let entries: CaseIndexEntry[];

  beforeAll(async () => {
    const url = new URL(inject('mongodbUri'));
    url.pathname = `/${uniqueId('reads_').replace(/[^A-Za-z0-9_]/g, '_')}`;
    db = await connectDatabase(url.toString());
    await ensureIndexes(db.models);
    entries = casesOf(160);
    await db.models.CaseIndex.collection.insertMany(entries as never[]);
    mirror = new CaseMirror(db.models, logger);
    stores = { queries: new QueryCaseReads(db.models, (query) => issued.push(query)), memory: new MemoryCaseReads(mirror, db.models) };
  });
  afterAll(async () => {
    mirror?.stop();
    await db?.connection.db?.dropDatabase();
    await db?.close();
  });

  const seeingOf = (viewer: Viewer): Seeing => ({ viewer, pathOf, centreIds: Object.keys(PATHS) });
  const both = async <T>(read: (store: CaseReads) => Promise<T>): Promise<{ queries: T; memory: T }> => ({ queries: await read(stores.queries), memory: await read(stores.memory) });
  const ids = (page: { entries: { id: string }[]; total: number }) => ({ ids: page.entries.map((e) => e.id), total: page.total });

  it('lists the same cases in the same order, with the same totals, for every viewer, filter, sort and page', async () => {
    let nonEmpty = 0;
    for (const viewer of VIEWERS) {
      for (const query of QUERIES) {
        const filter = caseFilterOf(query, viewer);
        for (const range of PAGES) {
          const answers = await both((store) => store.search(filter, seeingOf(viewer), NOW, range));
          expect(ids(answers.queries), `${viewer.personId} ${JSON.stringify(query)} ${JSON.stringify(range)}`).toEqual(ids(answers.memory));
          if (answers.memory.total > 0) nonEmpty += 1;
        }
      }
    }
    // The data reach most combinations: an empty answer from both proves little.
    expect(nonEmpty).toBeGreaterThan(VIEWERS.length * QUERIES.length * PAGES.length * 0.4);
    // Every combination is a filtered, sorted, counted query that FerretDB answers by scanning:
    // on a loaded machine the whole matrix has taken longer than the default two minutes.
  }, 420_000);

  it('returns the same entries, field for field', async () => {
    const admin = VIEWERS.find((v) => v.personId === 'admin-c')!;
    const answers = await both((store) => store.search(caseFilterOf({}, admin), seeingOf(admin), NOW, { skip: 0, limit: null }));
    expect(answers.queries.total).toBe(entries.length);
    expect(answers.queries.entries).toEqual(answers.memory.entries);
  });

  it('counts the same: open cases under a centre, loads, dashboards, what waits for each viewer', async () => {
    const listed = { overdue: 0, missedDeadlines: 0, unansweredOrders: 0, duplicates: 0 };
    for (const centreId of Object.keys(PATHS)) {
      const open = await both((store) => store.openUnder(centreId));
      expect(open.queries, centreId).toBe(open.memory);
      // An admin's dashboard (the subtree) and a centre's own staff's (the centre alone).
      for (const covered of [Object.keys(PATHS).filter((id) => PATHS[id]!.includes(centreId)), [centreId]]) {
        const dashboard = await both((store) => store.dashboard(covered, NOW));
        expect(dashboard.queries, `${centreId}: ${covered.join(' ')}`).toEqual(dashboard.memory);
        // Lists cut short: the same first cases, and the same counts of all.
        const short = await both((store) => store.dashboard(covered, NOW, 3));
        expect(short.queries, `${centreId}: ${covered.join(' ')}, 3 listed`).toEqual(short.memory);
        listed.overdue = Math.max(listed.overdue, dashboard.memory.overdue.count);
        listed.missedDeadlines = Math.max(listed.missedDeadlines, dashboard.memory.missedDeadlines.count);
        listed.unansweredOrders = Math.max(listed.unansweredOrders, dashboard.memory.unansweredOrders.count);
        listed.duplicates = Math.max(listed.duplicates, dashboard.memory.duplicates);
      }
    }
    // The lists of three were cut: what is compared includes the cut.
    expect(listed.overdue).toBeGreaterThan(3);
    expect(listed.missedDeadlines).toBeGreaterThan(3);
    expect(listed.unansweredOrders).toBeGreaterThan(3);
    expect(listed.duplicates).toBeGreaterThan(0);
    for (const role of ['mediator', 'expert'] as const) {
      const loads = await both((store) => store.loads(role));
      expect(Object.fromEntries(loads.queries)).toEqual(Object.fromEntries(loads.memory));
      expect(loads.memory.size).toBeGreaterThan(0);
    }
    for (const viewer of VIEWERS) {
      const waiting = await both((store) => store.waitingFor(viewer));
      expect(waiting.queries, viewer.personId).toBe(waiting.memory);
    }
  });

  it('finds the same cases by number, Open311 period, duplicate link and category', async () => {
    const sample = entries[42]!;
    expect(await stores.queries.idOfNumber(sample.caseNumber)).toBe(sample._id);
    expect(await stores.memory.idOfNumber(sample.caseNumber)).toBe(sample._id);
    expect(await stores.queries.idOfNumber('ZZ-20260101-0000')).toBeNull();
    const wanted = entries.slice(0, 5).map((e) => e._id);
    const numbers = await both((store) => store.numbersOf([...wanted, 'rs_missing']));
    expect(Object.fromEntries(numbers.queries)).toEqual(Object.fromEntries(numbers.memory));
    expect(numbers.queries.size).toBe(5);
    const periods = [
      { numbers: null, start: NOW - 30 * DAY, end: NOW },
      { numbers: null, start: NOW - 90 * DAY, end: NOW, status: 'open' },
      { numbers: null, start: NOW - 90 * DAY, end: NOW - 20 * DAY, category: CATEGORY_CODES[1] },
      { numbers: [entries[3]!.caseNumber, entries[9]!.caseNumber, 'nope'], start: 0, end: 0 },
    ];
    for (const period of periods) {
      for (const range of PAGES) {
        const answers = await both((store) => store.received(period, range));
        expect(ids(answers.queries), JSON.stringify(period)).toEqual(ids(answers.memory));
      }
    }
    for (const original of entries.slice(0, 10)) {
      const linked = await both((store) => store.duplicatesOf(original._id));
      expect(linked.queries.map((e) => e.id)).toEqual(linked.memory.map((e) => e.id));
    }
    for (const category of CATEGORY_CODES) {
      const similar = await both((store) => store.openOfCategorySince(category, NOW - 14 * DAY));
      expect(similar.queries.map((e) => e.id)).toEqual(similar.memory.map((e) => e.id));
    }
  });

  it('keeps in memory only the open and recently closed cases; an older one is still found by number, and by queries', async () => {
    const old = { ...entries[0]!, _id: 'rs_closed_long_ago', caseNumber: 'ZZ-20250101-9999', status: 'closed', stage: 'closed', closedAt: NOW - 400 * DAY, receivedAt: NOW - 420 * DAY } as CaseIndexEntry;
    old.seenBy = seenByKeysOf(old);
    await db.models.CaseIndex.collection.insertOne(old as never);
    const boundedMirror = new CaseMirror(db.models, logger, async () => ({ keep: 'recent', closedDays: 365 }));
    const bounded = new MemoryCaseReads(boundedMirror, db.models);
    const admin = seeingOf(VIEWERS.find((v) => v.personId === 'admin-c')!);
    const all = { skip: 0, limit: null };
    expect((await bounded.search(caseFilterOf({ status: 'closed' }, admin.viewer), admin, NOW, all)).entries.map((e) => e.id)).not.toContain(old._id);
    expect((await stores.queries.search(caseFilterOf({ status: 'closed' }, admin.viewer), admin, NOW, all)).entries.map((e) => e.id)).toContain(old._id);
    expect(await bounded.idOfNumber(old.caseNumber)).toBe(old._id);
    expect(Object.fromEntries(await bounded.numbersOf([old._id]))).toEqual({ [old._id]: old.caseNumber });
    boundedMirror.stop();
    await db.models.CaseIndex.collection.deleteOne({ _id: old._id as never });
  });

  it('issues no query that no declared index serves', () => {
    expect(issued.length).toBeGreaterThan(100);
    const unserved = new Set<string>();
    for (const query of issued) {
      for (const shape of shapesOf(query.filter as Record<string, unknown>, query.sort as Record<string, 1 | -1> | null)) {
        if (shape.equality.includes('_id')) continue; // the primary key
        if (!CASE_INDEX_INDEXES.some((index) => servedBy(shape, index.keys, index.unique))) unserved.add(JSON.stringify(shape));
      }
    }
    expect([...unserved]).toEqual([]);
  });
});
