// The read stores through the API: one app reading by MongoDB's queries and one by the copy
// in memory, over the same database, show the same lists, dashboard, loads and Open311
// answers; /readyz says which runs; an entry from before `seenBy` is found again after
// `onedoor reindex`.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';
import { createApp } from '../../src/api/app';
import { reindexCases } from '../../src/db/reindex';
import { loadConfig } from '../../src/config';

let api: ApiEnv;
let memory: Express;
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const MARK = `读取${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  api = await startApiEnv('api-read-store', { readStore: 'queries' });
  const config = { ...loadConfig(), taskQueue: api.env.taskQueue, jwtSecret: 'test-secret-for-the-onedoor-api-0123456789', logLevel: 'silent' as const, readStore: 'memory' as const };
  memory = createApp({ config, db: api.env.db, temporal: api.env.temporal });
});
afterAll(async () => {
  (memory as unknown as { locals: { caseMirror: { stop(): void } } })?.locals.caseMirror.stop();
  await api?.stop();
});

async function read(app: Express, personId: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
  const res = await request(app).get(path).query(query).set(...bearer(tokenFor(personId)));
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Both stores' answers, asked again while other test files' writes land between the two. */
async function same(personId: string, path: string, query: Record<string, string> = {}): Promise<unknown> {
  let last: [unknown, unknown] = [null, null];
  for (let attempt = 0; attempt < 5; attempt += 1) {
    last = [await read(api.app, personId, path, query), await read(memory, personId, path, query)];
    if (JSON.stringify(last[0]) === JSON.stringify(last[1])) return last[0];
  }
  expect(last[0]).toEqual(last[1]);
  return last[0];
}

describe('the read store, chosen and reported', () => {
  const filed: { id: string; caseNumber: string }[] = [];

  it('says in /readyz which store answers', async () => {
    expect((await request(api.app).get('/readyz')).body).toMatchObject({ status: 'ready', readStore: 'queries' });
    expect((await request(memory).get('/readyz')).body).toMatchObject({ status: 'ready', readStore: 'memory' });
  });

  it('shows the same cases, dashboard, pool and Open311 answers from either store', async () => {
    for (const title of ['楼道积水', '路灯不亮', '噪音扰民']) {
      const res = await request(api.app)
        .post('/api/v1/cases')
        .set(...bearer(tokenFor('p-dongmen-grid')))
        .send({ category: 'neighbour_dispute', title: `${MARK} ${title}`, description: '请尽快处理。', channel: 'grid', location: { centreId: VILLAGE, address: '东门社区 3 号楼' }, complainant: { name: '林小红', phone: '13700001111' } });
      expect(res.status).toBe(201);
      filed.push({ id: res.body.id, caseNumber: res.body.caseNumber });
    }
    await eventually(async () => ((await read(api.app, 'p-dongmen-admin', '/api/v1/cases', { q: MARK })) as { total: number }).total === 3);
    const mine = (await same('p-dongmen-admin', '/api/v1/cases', { q: MARK, sort: 'deadline' })) as { items: { id: string }[]; total: number };
    expect(mine.items.map((item) => item.id).sort()).toEqual(filed.map((c) => c.id).sort());
    await same('p-dongmen-admin', '/api/v1/cases', { q: MARK, pageSize: '2', page: '2' });
    await same('p-dongmen-grid', '/api/v1/cases', { status: 'open', pageSize: '100' });
    await same('p-dongmen-admin', '/api/v1/dashboard');
    await same('p-dongmen-admin', '/api/v1/people');
    await same('p-dongmen-admin', `/open311/v2/requests/${filed[0]!.caseNumber}.json`);
    await same('p-dongmen-admin', '/open311/v2/requests.json', { service_request_id: filed.map((c) => c.caseNumber).join(',') });
  });

  it('finds an entry written before `seenBy` again once it is reindexed', async () => {
    const target = filed[1]!;
    await api.env.db.models.CaseIndex.collection.updateOne({ _id: target.id as never }, { $unset: { seenBy: '' } });
    const listed = async () => ((await read(api.app, 'p-dongmen-admin', '/api/v1/cases', { q: MARK })) as { items: { id: string }[] }).items.map((item) => item.id);
    expect(await listed()).not.toContain(target.id);
    // Only this file's cases: other files' cases of the shared database are moving meanwhile, and FerretDB's guarded update is not atomic.
    const result = await reindexCases(api.env.db.models, { caseIds: filed.map((c) => c.id) });
    expect(result).toEqual({ cases: 3, rewritten: 3 });
    expect(await listed()).toContain(target.id);
  });
});
