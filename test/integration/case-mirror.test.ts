import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { connectDatabase, type Database } from '../../src/db/connection';
import { appendCaseChange, changeHint, changeId, readChange } from '../../src/db/case-changes';
import { CaseMirror, type MirroredCase } from '../../src/db/case-mirror';
import { uniqueId } from '../helpers/temporal';

/** A database of its own: the change log is one sequence per database. */
function ownDatabaseUri(): string {
  const url = new URL(inject('mongodbUri'));
  url.pathname = `/${uniqueId('mirror_').replace(/[^A-Za-z0-9_]/g, '_')}`;
  return url.toString();
}

function entry(id: string, fields: Partial<Record<string, unknown>> = {}) {
  return {
    _id: id,
    caseNumber: `ZZ-20261126-${id.slice(-6)}`,
    title: `case ${id}`,
    centreId: 'zz-pinghe-xiaoxi',
    centrePath: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi'],
    stage: 'intake',
    status: 'open',
    level: 'village',
    risk: 'low',
    deadline: null,
    overdue: false,
    receivedAt: new Date(),
    closedAt: null,
    rating: null,
    breached: false,
    complainantId: 'p-dongmen-resident',
    reportedById: 'p-dongmen-resident',
    mediatorId: null,
    expertId: null,
    opinionExpertId: null,
    seq: 1,
    updatedAt: new Date(),
    ...fields,
  };
}

async function mirroredById(mirror: CaseMirror): Promise<Map<string, MirroredCase>> {
  return new Map([...(await mirror.current())].map((c) => [c.id, c]));
}

describe('the case change log and the API’s mirror of case_index', () => {
  const connections: Database[] = [];
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    const uri = ownDatabaseUri();
    for (let i = 0; i < 3; i += 1) connections.push(await connectDatabase(uri));
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
  });

  it('numbers changes 1..n without a gap when several processes append at once', async () => {
    const caseIds = Array.from({ length: 60 }, (_, i) => `case_log${String(i).padStart(4, '0')}`);
    await Promise.all(caseIds.map((id, i) => appendCaseChange((connections[i % 3] as Database).models, id)));
    const models = (connections[0] as Database).models;
    const logged: string[] = [];
    for (let n = 1; n <= 60; n += 1) {
      const change = await readChange(models, n);
      expect(change, `change ${n}`).not.toBeNull();
      logged.push(change?.caseId ?? '');
    }
    expect(await readChange(models, 61)).toBeNull();
    expect(logged.slice().sort()).toEqual(caseIds);
    expect(await changeHint(models)).toBeLessThanOrEqual(60);
  });

  it('shows entries written and logged by another process, and their later changes', async () => {
    const [writer, reader] = connections as [Database, Database];
    const mirror = new CaseMirror(reader.models, logger);
    try {
      const before = (await mirroredById(mirror)).size;
      const id = uniqueId('case_m');
      await writer.models.CaseIndex.collection.insertOne(entry(id) as never);
      await appendCaseChange(writer.models, id);
      const seen = (await mirroredById(mirror)).get(id);
      expect(seen).toMatchObject({ id, stage: 'intake', status: 'open', complainantId: 'p-dongmen-resident' });
      expect(mirror.size).toBe(before + 1);

      await writer.models.CaseIndex.collection.updateOne({ _id: id as never }, { $set: { stage: 'closed', status: 'closed', rating: 5, seq: 7 } });
      await appendCaseChange(writer.models, id);
      expect((await mirroredById(mirror)).get(id)).toMatchObject({ stage: 'closed', status: 'closed', rating: 5, seq: 7 });
    } finally {
      mirror.stop();
    }
  });

  it('tells its listeners which entries changed and how far along the log it is; a listener that throws harms nobody; stopping stops it', async () => {
    const [writer, reader] = connections as [Database, Database];
    const mirror = new CaseMirror(reader.models, logger);
    try {
      await mirror.current();
      const told: { ids: string[]; position: number }[] = [];
      const stopThrowing = mirror.onChange(() => {
        throw new Error('a broken listener');
      });
      const stop = mirror.onChange((changed, position) => told.push({ ids: changed.map((c) => c.id), position }));
      const id = uniqueId('case_told');
      await writer.models.CaseIndex.collection.insertOne(entry(id, { stage: 'escalation' }) as never);
      await appendCaseChange(writer.models, id);
      await mirror.current();
      const batch = told.find((t) => t.ids.includes(id));
      expect(batch).toBeDefined();
      expect(batch?.position).toBe(mirror.position);
      expect([...mirror.snapshot()].find((c) => c.id === id)).toMatchObject({ stage: 'escalation' });
      stop();
      stopThrowing();
      const count = told.length;
      await writer.models.CaseIndex.collection.updateOne({ _id: id as never }, { $set: { stage: 'risk_assessment', seq: 2 } });
      await appendCaseChange(writer.models, id);
      await mirror.current();
      expect(told.length).toBe(count);
    } finally {
      mirror.stop();
    }
  });

  it('passes over a number nobody wrote, and still picks it up when it lands late', async () => {
    const [writer, reader] = connections as [Database, Database];
    const mirror = new CaseMirror(reader.models, logger);
    try {
      await mirror.current();
      // Leave a hole: take the next number and the one after by hand, write only the second.
      let next = (await changeHint(writer.models)) + 1;
      while (await readChange(writer.models, next)) next += 1;
      const late = uniqueId('case_late');
      const after = uniqueId('case_after');
      await writer.models.CaseIndex.collection.insertMany([entry(late), entry(after)] as never[]);
      await writer.models.Counter.collection.insertOne({ _id: changeId(next + 1) as never, value: next + 1, caseId: after });

      // Until the grace period is over the hole holds the reader back…
      expect((await mirroredById(mirror)).has(after)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      // …then it is passed over,
      const passed = await mirroredById(mirror);
      expect(passed.has(after)).toBe(true);
      expect(passed.has(late)).toBe(false);
      // and a change that lands in it late is still seen.
      await writer.models.Counter.collection.insertOne({ _id: changeId(next) as never, value: next, caseId: late });
      expect((await mirroredById(mirror)).has(late)).toBe(true);
    } finally {
      mirror.stop();
    }
  });
});
