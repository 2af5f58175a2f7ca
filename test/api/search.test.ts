// Search and views: case number, complainant phone (any way it is written) or name, and
// text; "my cases" (mediator, expert, handler); sort by deadline; saved filters, each
// person's own. Residents keep seeing only their own cases.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';
import { appendCaseChange } from '../../src/db/case-changes';

let api: ApiEnv;
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
/** Every case of this file carries it in its title, so other files' cases stay out of the way. */
const MARK = `检索${randomBytes(3).toString('hex')}`;
const phoneDigits = () => `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

interface Filed {
  id: string;
  caseNumber: string;
  phone: string;
  name: string;
}
const filed: Filed[] = [];

beforeAll(async () => {
  api = await startApiEnv('api-search');
});
afterAll(async () => {
  await api?.stop();
});

type Item = { id: string; caseNumber: string; deadline: string | null; overdue: boolean; receivedAt: string; location: { centreId: string }; complainant: { phone: string } };

async function list(personId: string, query: Record<string, string> = {}): Promise<{ items: Item[]; total: number }> {
  const res = await request(api.app).get('/api/v1/cases').query({ pageSize: 100, ...query }).set(...bearer(tokenFor(personId)));
  expect(res.status).toBe(200);
  return res.body;
}
const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id).sort();

async function act(caseId: string, personId: string, action: Record<string, unknown>): Promise<void> {
  const res = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(personId))).send(action);
  if (res.status !== 200) throw new Error(`${String(action.type)} by ${personId}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function file(personId: string, title: string, description: string, name: string, phone: string): Promise<Filed> {
  const res = await request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(tokenFor(personId)))
    .send({ category: 'neighbour_dispute', title, description, channel: 'grid', location: { centreId: VILLAGE, address: '东门社区 5 号楼' }, complainant: { name, phone } });
  expect(res.status).toBe(201);
  return { id: res.body.id, caseNumber: res.body.caseNumber, phone, name };
}

describe('finding cases', () => {
  it('files three cases with their own names, numbers and words', async () => {
    filed.push(await file('p-dongmen-grid', `${MARK} 楼上漏水`, '卫生间天花板渗水，楼上住户拒绝维修。', '欧阳春花', phoneDigits()));
    filed.push(await file('p-dongmen-grid', `${MARK} 噪音扰民`, '隔壁装修每天早上七点开始电钻作业。', '司马远', phoneDigits()));
    filed.push(await file('p-dongmen-grid', `${MARK} 占用楼道`, '邻居在楼道堆放杂物，堵塞消防通道。', '诸葛琳', phoneDigits()));
    await eventually(async () => (await list('p-dongmen-admin', { q: MARK })).total === 3);
  });

  it('by case number, by title, by a word of the description, by the complainant’s name', async () => {
    const [leak, noise, hallway] = filed as [Filed, Filed, Filed];
    expect(ids(await list('p-dongmen-admin', { q: noise.caseNumber }))).toEqual([noise.id]);
    expect(ids(await list('p-dongmen-admin', { q: `${MARK} 占用` }))).toEqual([hallway.id]);
    expect(ids(await list('p-dongmen-admin', { q: '电钻' }))).toEqual([noise.id]);
    expect(ids(await list('p-dongmen-admin', { q: '欧阳春花' }))).toEqual([leak.id]);
    // Other cases in the shared test database may carry the same surname: ours is found, and none of the other two.
    const bySurname = ids(await list('p-dongmen-admin', { q: '诸葛' }));
    expect(bySurname).toContain(hallway.id);
    expect(bySurname).not.toContain(leak.id);
    expect(bySurname).not.toContain(noise.id);
  });

  it('by the complainant’s whole phone number, however it is written', async () => {
    const leak = filed[0] as Filed;
    const spaced = `+86 ${leak.phone.slice(0, 3)} ${leak.phone.slice(3, 7)} ${leak.phone.slice(7)}`;
    expect(ids(await list('p-dongmen-admin', { q: spaced }))).toEqual([leak.id]);
    expect(ids(await list('p-dongmen-admin', { q: leak.phone }))).toEqual([leak.id]);
  });

  it('never beyond what the caller may see: a resident finds none of these, a county of another area none either', async () => {
    const leak = filed[0] as Filed;
    expect((await list('p-dongmen-resident', { q: leak.phone })).total).toBe(0);
    expect((await list('p-dongmen-resident', { q: MARK })).total).toBe(0);
    expect((await list('p-shicuo-admin', { q: leak.caseNumber })).total).toBe(0);
  });

  it('each list item names the village it was reported to and when it was received', async () => {
    const { items } = await list('p-dongmen-admin', { q: MARK });
    for (const item of items) {
      expect(item.location.centreId).toBe(VILLAGE);
      expect(Date.parse(item.receivedAt)).toBeGreaterThan(0);
    }
  });

  it('a query that does not parse is a 400 naming the parameter', async () => {
    const res = await request(api.app).get('/api/v1/cases').query({ sort: 'sideways', assignedTo: 'you' }).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { name: string }) => e.name).sort()).toEqual(['query.assignedTo', 'query.sort']);
  });
});

describe('my cases', () => {
  it('the person who accepted a case handles it while it stays; a mediator sees the ones assigned to them', async () => {
    const [leak, noise] = filed as [Filed, Filed, Filed];
    await act(leak.id, 'p-dongmen-admin', { type: 'accept' });
    await act(noise.id, 'p-dongmen-admin', { type: 'accept' });
    await act(noise.id, 'p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] });
    await act(noise.id, 'p-dongmen-admin', { type: 'assign_mediator', mediatorId: 'p-xiaoxi-med-neighbour' });
    await eventually(async () => (await list('p-dongmen-admin', { q: MARK, assignedTo: 'me' })).total === 2);
    expect(ids(await list('p-dongmen-admin', { q: MARK, assignedTo: 'me' }))).toEqual([leak.id, noise.id].sort());
    expect(ids(await list('p-xiaoxi-med-neighbour', { q: MARK, assignedTo: 'me' }))).toEqual([noise.id]);
    // The grid worker reported them all but handles none.
    expect((await list('p-dongmen-grid', { q: MARK, assignedTo: 'me' })).total).toBe(0);
    expect((await list('p-dongmen-grid', { q: MARK })).total).toBe(3);
  });

  it('a case sent up to the town is handled there, no longer by the village’s acceptor', async () => {
    const leak = filed[0] as Filed;
    await act(leak.id, 'p-dongmen-admin', { type: 'escalate', reason: '需镇里协调物业' });
    await eventually(async () => !ids(await list('p-dongmen-admin', { q: MARK, assignedTo: 'me' })).includes(leak.id));
    await act(leak.id, 'p-xiaoxi-admin', { type: 'accept' });
    await eventually(async () => ids(await list('p-xiaoxi-admin', { q: MARK, assignedTo: 'me' })).includes(leak.id));
  });
});

describe('sorting', () => {
  it('by deadline: overdue first, then the soonest, cases without a deadline last; by received: newest first', async () => {
    const byDeadline = (await list('p-zz-admin', { sort: 'deadline', status: 'open' })).items;
    const rank = (item: Item) => (item.overdue ? 0 : item.deadline !== null ? 1 : 2);
    for (let i = 1; i < byDeadline.length; i += 1) {
      const [a, b] = [byDeadline[i - 1] as Item, byDeadline[i] as Item];
      expect(rank(a)).toBeLessThanOrEqual(rank(b));
      // Among overdue cases some have no deadline left to order by (overdue at the city): only two deadlines compare.
      if (rank(a) === rank(b) && a.deadline !== null && b.deadline !== null) expect(Date.parse(a.deadline)).toBeLessThanOrEqual(Date.parse(b.deadline));
    }
    const closedLast = (await list('p-zz-admin', { sort: 'deadline' })).items;
    const firstWithout = closedLast.findIndex((item) => item.deadline === null && !item.overdue);
    if (firstWithout >= 0) expect(closedLast.slice(firstWithout).every((item) => item.deadline === null && !item.overdue)).toBe(true);
    const byReceived = (await list('p-zz-admin', { sort: 'received' })).items.map((item) => Date.parse(item.receivedAt));
    expect(byReceived).toEqual([...byReceived].sort((a, b) => b - a));
  });
});

describe('entries written before search', () => {
  it('are still listed and found by title and number (not by name or description, which they lack)', async () => {
    const hallway = filed[2] as Filed;
    await api.env.db.models.CaseIndex.collection.updateOne({ _id: hallway.id as never }, { $unset: { complainantName: '', description: '', villageId: '', acceptedBy: '', workingDepartmentId: '' } });
    await appendCaseChange(api.env.db.models, hallway.id);
    await eventually(async () => !ids(await list('p-dongmen-admin', { q: '诸葛' })).includes(hallway.id));
    expect(ids(await list('p-dongmen-admin', { q: `${MARK} 占用` }))).toEqual([hallway.id]);
    expect(ids(await list('p-dongmen-admin', { q: hallway.caseNumber }))).toEqual([hallway.id]);
    expect((await list('p-dongmen-admin', { q: MARK, assignedTo: 'me', sort: 'deadline' })).total).toBeGreaterThan(0);
  });
});

describe('saved filters', () => {
  const save = (personId: string, body: unknown) => request(api.app).post('/api/v1/saved-filters').set(...bearer(tokenFor(personId))).send(body as object);
  const mine = (personId: string) => request(api.app).get('/api/v1/saved-filters').set(...bearer(tokenFor(personId)));

  it('a person saves a filter under a name, lists it, and cannot save the same name twice', async () => {
    const name = `逾期高风险 ${MARK}`;
    const created = await save('p-dongmen-admin', { name, query: { risk: 'high', overdue: 'true', sort: 'deadline' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, query: { risk: 'high', overdue: 'true', sort: 'deadline' } });
    expect(created.body.id).toMatch(/^sf_[0-9a-f]{32}$/);
    const again = await save('p-dongmen-admin', { name, query: { risk: 'low' } });
    expect(again.status).toBe(409);
    expect(again.body.message.zh).toContain('同名');
    const listed = await mine('p-dongmen-admin');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((f: { name: string }) => f.name)).toContain(name);
  });

  it('another person neither sees nor deletes it; its owner deletes it', async () => {
    const listed = (await mine('p-dongmen-admin')).body.items as { id: string; name: string }[];
    const target = listed.find((f) => f.name.includes(MARK));
    expect(target).toBeDefined();
    expect(((await mine('p-dongmen-grid')).body.items as { id: string }[]).map((f) => f.id)).not.toContain(target?.id);
    const theirs = await request(api.app).post(`/api/v1/saved-filters/${target?.id}/delete`).set(...bearer(tokenFor('p-dongmen-grid')));
    expect(theirs.status).toBe(404);
    expect(theirs.body.message.en).toMatch(/saved filter/);
    const own = await request(api.app).post(`/api/v1/saved-filters/${target?.id}/delete`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(own.status).toBe(200);
    expect((own.body.items as { id: string }[]).map((f) => f.id)).not.toContain(target?.id);
    const gone = await request(api.app).post(`/api/v1/saved-filters/${target?.id}/delete`).set(...bearer(tokenFor('p-dongmen-admin')));
    expect(gone.status).toBe(404);
  });

  it('a filter that does not parse is a 400 naming its field', async () => {
    const res = await save('p-dongmen-admin', { name: '', query: { stage: 'nowhere', page: 2 } });
    expect(res.status).toBe(400);
    const names = (res.body.errors as { name: string }[]).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['body.name', 'body.query.stage']));
  });
});
