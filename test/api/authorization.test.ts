// Who may do what: every role, own and other centre, against every endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenForNewPerson, tokenFor, type ApiEnv } from './helpers';
import { uniqueId } from '../helpers/temporal';

let api: ApiEnv;
let caseId = '';
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';

const intake = (centreId = VILLAGE) => ({
  category: 'neighbour_dispute',
  title: 'Noise at night',
  description: 'The neighbour plays loud music after midnight.',
  channel: 'app',
  location: { centreId, address: '3 号楼' },
  complainant: { name: '王秀兰', phone: '13800001234' },
});

beforeAll(async () => {
  api = await startApiEnv('api-authz');
  const res = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident'))).send(intake());
  expect(res.status).toBe(201);
  caseId = res.body.id;
  // Lists read the API's copy of case_index, which catches up within a second or so: wait for it once here.
  for (let tries = 0; ; tries += 1) {
    const list = await request(api.app).get('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident')));
    if (list.body.items.some((c: { id: string }) => c.id === caseId)) break;
    if (tries >= 60) throw new Error('the case never reached the list');
    await new Promise((r) => setTimeout(r, 250));
  }
});
afterAll(async () => {
  await api?.stop();
});

/** [person, may see the case] for the case at the Dongmen community, still in intake. */
const SEES: [string, boolean][] = [
  ['p-dongmen-resident', true],
  ['p-shicuo-resident', false],
  ['p-dongmen-grid', true],
  ['p-shicuo-grid', false],
  ['p-xiaoxi-med-neighbour', false],
  ['p-jiaomei-med-estate', false],
  ['p-pinghe-expert-building', false],
  ['p-dongmen-admin', true],
  ['p-xiaoxi-admin', true],
  ['p-pinghe-admin', true],
  ['p-zz-admin', true],
  ['p-shicuo-admin', false],
  ['p-tiz-admin', false],
];

describe('authentication', () => {
  const PROTECTED: [string, string][] = [
    ['get', '/api/v1/cases'],
    ['post', '/api/v1/cases'],
    ['get', '/api/v1/cases/case_000000000000000000000000'],
    ['post', '/api/v1/cases/case_000000000000000000000000/actions'],
    ['get', '/api/v1/cases/case_000000000000000000000000/timeline'],
    ['get', '/api/v1/dashboard'],
    ['get', '/api/v1/people'],
    ['post', '/open311/v2/requests.json'],
  ];
  it.each(PROTECTED)('%s %s without a token → 401 problem', async (method, path) => {
    const res = await (method === 'get' ? request(api.app).get(path) : request(api.app).post(path).send({}));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  const PUBLIC = ['/healthz', '/api/v1/centres', '/api/v1/categories', '/open311/v2/services.json', '/open311/v2/requests.json', '/openapi.json', '/docs', '/metrics'];
  it.each(PUBLIC)('GET %s needs no token', async (path) => {
    expect((await request(api.app).get(path)).status).toBe(200);
  });
});

describe('reading a case: staff of the owning centre, admins above it, the complainant', () => {
  it.each(SEES)('%s sees it: %s', async (person, sees) => {
    const one = await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(tokenFor(person)));
    expect(one.status).toBe(sees ? 200 : 404);
    if (!sees) expect(JSON.stringify(one.body)).not.toContain('13800001234');
    const list = await request(api.app).get('/api/v1/cases').query({ pageSize: 100 }).set(...bearer(tokenFor(person)));
    expect(list.status).toBe(200);
    expect(list.body.items.some((c: { id: string }) => c.id === caseId)).toBe(sees);
  });

  it('a resident with no cases sees an empty list', async () => {
    const res = await request(api.app).get('/api/v1/cases').set(...bearer(await tokenForNewPerson(api, uniqueId('r-'), 'resident')));
    expect(res.body).toMatchObject({ items: [], total: 0, page: 1 });
  });

  it.each(SEES)('timeline for %s: admins of the subtree only', async (person, sees) => {
    const res = await request(api.app).get(`/api/v1/cases/${caseId}/timeline`).set(...bearer(tokenFor(person)));
    const isAdmin = person.endsWith('-admin');
    expect(res.status).toBe(!isAdmin ? 403 : sees ? 200 : 404);
  });
});

describe('acting on a case', () => {
  const REFUSED = SEES.filter(([person]) => !['p-dongmen-grid', 'p-dongmen-admin', 'p-xiaoxi-admin', 'p-pinghe-admin', 'p-zz-admin'].includes(person));
  it.each(REFUSED)('%s may not accept it → 403', async (person) => {
    const res = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(person))).send({ type: 'accept' });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('https://onedoor.dev/problems/forbidden');
  });

  it('a resident may not give feedback on a case that is not theirs', async () => {
    const res = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor('p-shicuo-resident'))).send({ type: 'feedback', rating: 1 });
    expect(res.status).toBe(403);
  });

  it('the village grid worker accepts; then accepting again is a 409 with the reason', async () => {
    const ok = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor('p-dongmen-grid'))).send({ type: 'accept' });
    expect(ok.status).toBe(200);
    expect(ok.body.stage).toBe('risk_assessment');
    const again = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor('p-dongmen-admin'))).send({ type: 'accept' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'https://onedoor.dev/problems/conflict', status: 409 });
    expect(again.body.detail).toMatch(/stage risk_assessment/);
  });

  it('the complainant sees no staff actions; the grid worker sees assess', async () => {
    const resident = await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(tokenFor('p-dongmen-resident')));
    expect(resident.body.allowedActions).toEqual([]);
    const grid = await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(tokenFor('p-dongmen-grid')));
    expect(grid.body.allowedActions).toContain('assess');
  });

  it('an expert not assigned cannot submit an opinion; a mediator cannot submit an expert’s opinion', async () => {
    for (const person of ['p-pinghe-expert-legal', 'p-xiaoxi-med-neighbour']) {
      const res = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(person))).send({ type: 'submit_opinion', opinion: 'x' });
      expect(res.status).toBe(403);
    }
  });

  it('an unknown case is a 404', async () => {
    const res = await request(api.app).post('/api/v1/cases/case_0123456789abcdef01234567/actions').set(...bearer(tokenFor('p-zz-admin'))).send({ type: 'accept' });
    expect(res.status).toBe(404);
  });

  it('every action and every refusal is audited with who, what, outcome and status', async () => {
    const entries = await api.env.db.models.Audit.find({ caseId }).lean();
    const refused = entries.filter((e) => e.outcome === 'refused');
    expect(refused.length).toBeGreaterThanOrEqual(REFUSED.length + 3);
    expect(refused).toContainEqual(expect.objectContaining({ action: 'accept', status: 403, actor: expect.objectContaining({ personId: 'p-shicuo-resident', role: 'resident' }) }));
    expect(refused).toContainEqual(expect.objectContaining({ action: 'accept', status: 409, actor: expect.objectContaining({ personId: 'p-dongmen-admin' }) }));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'accept', outcome: 'ok', status: 200 }));
    const intakeEntry = entries.find((e) => e.action === 'intake');
    expect(intakeEntry?.detail).toMatchObject({ complainantPhone: '138****1234' });
    expect(JSON.stringify(entries)).not.toContain('13800001234');
  });
});

describe('intake: who may report where', () => {
  const cases: [string, string, number][] = [
    ['p-shicuo-resident', VILLAGE, 201],
    ['p-dongmen-grid', VILLAGE, 201],
    ['p-shicuo-grid', VILLAGE, 403],
    ['p-xiaoxi-med-neighbour', VILLAGE, 201],
    ['p-jiaomei-med-estate', VILLAGE, 403],
    ['p-pinghe-admin', VILLAGE, 201],
    ['p-tiz-admin', VILLAGE, 403],
    ['p-pinghe-expert-legal', VILLAGE, 403],
    ['p-dongmen-resident', 'zz-pinghe-xiaoxi', 400],
    ['p-dongmen-resident', 'zz-nowhere', 400],
  ];
  it.each(cases)('%s at %s → %i', async (person, centreId, status) => {
    const res = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor(person))).send(intake(centreId));
    expect(res.status).toBe(status);
  });

  it('a grid worker may name a resident of their village, not of another', async () => {
    const other = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-grid')))
      .send({ ...intake(), complainant: { name: 'x', phone: '13800001234', personId: 'p-shicuo-resident' } });
    expect(other.status).toBe(400);
    const resident = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-resident')))
      .send({ ...intake(), complainant: { name: 'x', phone: '13800001234', personId: 'p-dongmen-resident-2' } });
    expect(resident.status).toBe(403);
  });
});

describe('dashboard and people', () => {
  const DASH: [string, string | undefined, number][] = [
    ['p-dongmen-resident', undefined, 403],
    ['p-pinghe-expert-legal', undefined, 403],
    ['p-dongmen-grid', undefined, 200],
    ['p-dongmen-grid', 'zz-pinghe-xiaoxi', 403],
    ['p-xiaoxi-med-neighbour', undefined, 200],
    ['p-dongmen-admin', 'zz-pinghe', 403],
    ['p-pinghe-admin', VILLAGE, 200],
    ['p-tiz-admin', 'zz-pinghe', 403],
    ['p-zz-admin', 'zz-nowhere', 404],
  ];
  it.each(DASH)('%s dashboard for %s → %i', async (person, centreId, status) => {
    const res = await request(api.app).get('/api/v1/dashboard').query(centreId ? { centreId } : {}).set(...bearer(tokenFor(person)));
    expect(res.status).toBe(status);
  });

  it('the Pinghe admin’s dashboard counts the case in their subtree; the district next door does not', async () => {
    const pinghe = await request(api.app).get('/api/v1/dashboard').set(...bearer(tokenFor('p-pinghe-admin')));
    expect(pinghe.body.open).toBeGreaterThanOrEqual(1);
    const tiz = await request(api.app).get('/api/v1/dashboard').query({ centreId: 'zz-tiz-jiaomei-shicuo' }).set(...bearer(tokenFor('p-tiz-admin')));
    expect(tiz.status).toBe(200);
    const all = await api.env.db.models.Case.countDocuments({ centrePath: 'zz-tiz-jiaomei-shicuo' });
    expect(tiz.body.open + tiz.body.closed).toBe(all);
  });

  it.each([
    ['p-dongmen-resident', 403],
    ['p-dongmen-grid', 200],
    ['p-pinghe-med-estate', 200],
    ['p-pinghe-expert-legal', 200],
    ['p-tiz-admin', 200],
  ] as [string, number][])('%s lists the pool → %i', async (person, status) => {
    const res = await request(api.app).get('/api/v1/people').query({ role: 'mediator' }).set(...bearer(tokenFor(person)));
    expect(res.status).toBe(status);
    if (status === 200) {
      expect(res.body.items.length).toBeGreaterThan(5);
      expect(res.body.items.every((p: { role: string }) => p.role === 'mediator')).toBe(true);
      expect(res.body.items.find((p: { id: string }) => p.id === 'p-xiaoxi-med-neighbour')).toEqual({ id: expect.any(String), name: expect.any(String), role: 'mediator', centreId: expect.any(String), specialties: expect.any(Array), title: null, load: expect.any(Number) });
    }
  });
});

describe('the matrix follows the living person record', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('an administrator moved to another village loses sight of the old one’s case and gains the new one’s', async () => {
    const id = uniqueId('p-moving-admin-');
    const token = await tokenForNewPerson(api, id, 'admin', VILLAGE);
    expect((await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(token))).status).toBe(200);
    const shicuo = await api.env.db.models.Centre.findById('zz-tiz-jiaomei-shicuo').lean();
    await api.env.db.models.Person.updateOne({ _id: id }, { $set: { centreId: shicuo!._id, centrePath: shicuo!.path } });
    await sleep(2_100);
    expect((await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(token))).status).toBe(404);
    const list = await request(api.app).get('/api/v1/cases').query({ pageSize: 100 }).set(...bearer(token));
    expect(list.body.items.some((c: { id: string }) => c.id === caseId)).toBe(false);
    const other = await request(api.app).post('/api/v1/cases').set(...bearer(token)).send(intake('zz-tiz-jiaomei-shicuo'));
    expect(other.status).toBe(201);
  });

  it('a deactivated person is refused everywhere with 401, whatever the token says', async () => {
    const id = uniqueId('p-leaving-admin-');
    const token = await tokenForNewPerson(api, id, 'admin', VILLAGE);
    expect((await request(api.app).get('/api/v1/dashboard').set(...bearer(token))).status).toBe(200);
    await api.env.db.models.Person.updateOne({ _id: id }, { $set: { active: false } });
    await sleep(2_100);
    const answers = await Promise.all([
      request(api.app).get('/api/v1/cases').set(...bearer(token)),
      request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(token)),
      request(api.app).get(`/api/v1/cases/${caseId}/timeline`).set(...bearer(token)),
      request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(token)).send({ type: 'accept' }),
      request(api.app).post('/api/v1/cases').set(...bearer(token)).send(intake()),
      request(api.app).get('/api/v1/dashboard').set(...bearer(token)),
      request(api.app).get('/api/v1/people').set(...bearer(token)),
    ]);
    expect(answers.map((res) => res.status)).toEqual([401, 401, 401, 401, 401, 401, 401]);
    expect(answers[0]?.body.message.zh).toContain('停用');
  });
});
