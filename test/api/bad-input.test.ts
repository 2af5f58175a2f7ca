// Hostile and malformed input: clear 400/401/413 problems, never a 5xx, never a query built from it.
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, TEST_SECRET, tokenFor, type ApiEnv } from './helpers';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { registerModels } from '../../src/db/models';
import { unavailableReason } from '../../src/api/availability';
import { eventually } from '../helpers/temporal';

let api: ApiEnv;
let caseId = '';
const RESIDENT = 'p-dongmen-resident';
const GRID = 'p-dongmen-grid';

const intake = () => ({
  category: 'neighbour_dispute',
  title: 'Noise at night',
  description: 'The neighbour plays loud music after midnight.',
  channel: 'app',
  location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '3 号楼' },
  complainant: { name: '王秀兰', phone: '13800001234' },
});

beforeAll(async () => {
  api = await startApiEnv('api-bad-input');
  const res = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor(RESIDENT))).send(intake());
  caseId = res.body.id;
  await eventually(() => api.env.db.models.Case.findById(caseId).lean());
});
afterAll(async () => {
  await api?.stop();
});

function expectProblem(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.stringMatching(/^https:\/\/onedoor\.dev\/problems\//), title: expect.any(String), status });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
}

describe('bodies', () => {
  const post = (body: unknown, person = RESIDENT) => request(api.app).post('/api/v1/cases').set(...bearer(tokenFor(person))).send(body as object);

  it('names every problem in a bad intake', async () => {
    const res = await post({ ...intake(), category: 'alien', channel: 'pigeon', title: '' });
    expectProblem(res, 400);
    const names = res.body.errors.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['body.category', 'body.channel', 'body.title']));
  });

  it.each([
    ['an operator as a value', { ...intake(), title: { $gt: '' } }],
    ['an operator key inside location', { ...intake(), location: { centreId: { $ne: null }, address: 'x' } }],
    ['a dotted key', { ...intake(), 'location.centreId': 'zz' }],
    ['__proto__', JSON.parse('{"__proto__": {"admin": true}, "category": "other"}')],
    ['constructor', { ...intake(), complainant: { name: 'x', phone: '13800001234', constructor: { prototype: {} } } }],
  ])('refuses %s with a 400', async (_label, body) => {
    expectProblem(await post(body), 400);
  });

  it('refuses mass assignment of stage, centreId, status or risk at intake (unknown fields)', async () => {
    for (const extra of [{ stage: 'closed' }, { centreId: 'zz' }, { status: 'closed' }, { risk: 'low' }, { caseNumber: 'ZZ-1' }]) {
      const res = await post({ ...intake(), ...extra });
      expectProblem(res, 400);
      expect(JSON.stringify(res.body.errors)).toContain(Object.keys(extra)[0]);
    }
  });

  it('refuses unknown fields in an action', async () => {
    const res = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(GRID))).send({ type: 'accept', stage: 'closed' });
    expectProblem(res, 400);
  });

  it('refuses an unknown action type and a rating out of range', async () => {
    expectProblem(await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(GRID))).send({ type: 'delete' }), 400);
    expectProblem(await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(RESIDENT))).send({ type: 'feedback', rating: 11 }), 400);
  });

  it('refuses deep nesting', async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i += 1) deep = { n: deep };
    const res = await post({ ...intake(), parties: [deep] });
    expectProblem(res, 400);
    expect(JSON.stringify(res.body.errors)).toMatch(/nested deeper/);
  });

  it('answers 413 to a body over 100 kB', async () => {
    const res = await post({ ...intake(), description: 'x'.repeat(200_000) });
    expectProblem(res, 413);
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor(RESIDENT))).set('Content-Type', 'application/json').send('{"category": ');
    expectProblem(res, 400);
  });
});

describe('queries and paths', () => {
  const list = (query: string) => request(api.app).get(`/api/v1/cases?${query}`).set(...bearer(tokenFor('p-zz-admin')));

  it.each([
    'status[$ne]=x',
    'stage[$ne]=intake',
    '$where=1',
    'centreId.x=1',
    '__proto__=1',
    'stage=intake&stage=closed',
    'stage=nonsense',
    'unknown=1',
    'pageSize=1000',
    'pageSize=0',
    'page=-1',
    'overdue=maybe',
  ])('GET /cases?%s → 400', async (query) => {
    expectProblem(await list(query), 400);
  });

  it('a regex-looking search is taken literally', async () => {
    const res = await list('q=.*');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it.each(['(a+)+$', '^(([a-z])+.)+[A-Z]([a-z])+$', '(x+x+)+y', `${'a'.repeat(99)}!`, '\\', '[', '(?=a)', '$where'])('a regex bomb in q (%s) is taken literally: 200, no match', async (q) => {
    const res = await list(`q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it.each(['q=' + 'a'.repeat(101), 'pageSize=1e309', 'pageSize=Infinity', 'pageSize=1.5', 'page=100001', 'pageSize=-0'])('GET /cases?%s → 400', async (query) => {
    expectProblem(await list(query), 400);
  });

  it('filtering by another centre does not widen what a caller sees', async () => {
    const res = await request(api.app).get('/api/v1/cases?centreId=zz-pinghe-xiaoxi-dongmen').set(...bearer(tokenFor('p-shicuo-admin')));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.total).toBe(0);
  });

  it('a filtered page still works', async () => {
    const res = await list('stage=intake&level=village&risk=low&overdue=false&page=1&pageSize=100');
    expect(res.status).toBe(200);
    expect(res.body.pageSize).toBe(100);
    expect(res.body.items.every((c: { stage: string }) => c.stage === 'intake')).toBe(true);
  });

  it.each(['not-a-case', 'case_ZZZ', '..%2F..%2Fetc', 'case_0123456789abcdef0123456g'])('GET /cases/%s → 400', async (id) => {
    expectProblem(await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor('p-zz-admin'))), 400);
  });

  it.each(['/api/v1/cases/%ff', '/api/v1/cases/%ED%A0%80/actions', '/api/v1/cases/%E0%A4%A/timeline', '/open311/v2/requests/%c0%af.json'])('a path parameter that is not valid percent-encoded UTF-8 (%s) → 400', async (path) => {
    const res = path.endsWith('/actions')
      ? await request(api.app).post(path).set(...bearer(tokenFor('p-zz-admin'))).send({ type: 'accept' })
      : await request(api.app).get(path).set(...bearer(tokenFor('p-zz-admin')));
    expectProblem(res, 400);
  });

  it('unknown routes are a 404 problem', async () => {
    expectProblem(await request(api.app).get('/api/v1/nothing'), 404);
  });

  it('Open311 list refuses absurd page sizes and operators', async () => {
    expectProblem(await request(api.app).get('/open311/v2/requests.json?page_size=5000'), 400);
    expectProblem(await request(api.app).get('/open311/v2/requests.json?status[$ne]=open'), 400);
  });
});

describe('tokens', () => {
  const get = (authorization: string) => request(api.app).get('/api/v1/cases').set('Authorization', authorization);
  const claims = { role: 'admin', centreId: 'zz' };

  it.each([
    ['no scheme', 'abc'],
    ['basic auth', 'Basic dXNlcjpwYXNz'],
    ['garbage bearer', 'Bearer not.a.jwt'],
    ['alg none', `Bearer ${jwt.sign(claims, '', { algorithm: 'none', subject: 'p-zz-admin', issuer: 'onedoor' })}`],
    ['forged (other secret)', `Bearer ${jwt.sign(claims, 'another-secret-another-secret', { algorithm: 'HS256', subject: 'p-zz-admin', issuer: 'onedoor' })}`],
    ['HS512', `Bearer ${jwt.sign(claims, TEST_SECRET, { algorithm: 'HS512', subject: 'p-zz-admin', issuer: 'onedoor' })}`],
    ['expired', `Bearer ${jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, TEST_SECRET, { algorithm: 'HS256', subject: 'p-zz-admin', issuer: 'onedoor' })}`],
    ['unknown role', `Bearer ${jwt.sign({ role: 'god', centreId: 'zz' }, TEST_SECRET, { algorithm: 'HS256', subject: 'p-zz-admin', issuer: 'onedoor' })}`],
    ['staff without centre', `Bearer ${jwt.sign({ role: 'admin' }, TEST_SECRET, { algorithm: 'HS256', subject: 'p-zz-admin', issuer: 'onedoor' })}`],
    ['operator in sub', `Bearer ${jwt.sign({ role: 'resident' }, TEST_SECRET, { algorithm: 'HS256', subject: '{"$ne":null}', issuer: 'onedoor' })}`],
  ])('%s → 401', async (_label, authorization) => {
    expectProblem(await get(authorization), 401);
  });

  it('a token’s role and centre are not trusted: the person record decides', async () => {
    const claimsCityForVillager = `Bearer ${jwt.sign({ role: 'admin', centreId: 'zz-atlantis' }, TEST_SECRET, { algorithm: 'HS256', subject: 'p-dongmen-resident', issuer: 'onedoor' })}`;
    const res = await request(api.app).get('/api/v1/dashboard').set('Authorization', claimsCityForVillager);
    expect(res.status).toBe(403);
    expect(res.body.message.en).toBe('Dashboards are for centre staff.');
  });

  it.each([
    ['role', { role: 'admin', centreId: 'zz' }],
    ['centre', { role: 'resident', centreId: 'zz' }],
    ['subject', { sub: 'p-zz-admin' }],
    ['expiry', { exp: Math.floor(Date.now() / 1000) + 10 * 365 * 86400 }],
  ])('a token with its %s tampered (signature kept) → 401', async (_label, change) => {
    const [header, payload, signature] = tokenFor('p-dongmen-resident').split('.') as [string, string, string];
    const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...change };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expectProblem(await get(`Bearer ${tampered}`), 401);
  });

  it('an alg:none token with the signature stripped, or with a header naming none and a real signature → 401', async () => {
    const [, payload, signature] = tokenFor('p-zz-admin').split('.') as [string, string, string];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectProblem(await get(`Bearer ${none}.${payload}.`), 401);
    expectProblem(await get(`Bearer ${none}.${payload}.${signature}`), 401);
  });

  it('a valid token passes', async () => {
    expect((await get(`Bearer ${tokenFor('p-zz-admin')}`)).status).toBe(200);
  });
});

describe('BOLA: another centre’s case gives nothing away', () => {
  it('other village staff get 404 on read and 403 on act, without the case data', async () => {
    const read = await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(tokenFor('p-shicuo-admin')));
    expectProblem(read, 404);
    const act = await request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor('p-shicuo-admin'))).send({ type: 'accept' });
    expectProblem(act, 403);
    for (const res of [read, act]) {
      expect(JSON.stringify(res.body)).not.toMatch(/Noise at night|13800001234|王秀兰/);
    }
  });
});

describe('BOLA and mass assignment, more ways in', () => {
  it('another subtree’s admin gets 404 on the timeline; a resident who is not the complainant gets 404 on the case', async () => {
    expectProblem(await request(api.app).get(`/api/v1/cases/${caseId}/timeline`).set(...bearer(tokenFor('p-shicuo-admin'))), 404);
    expectProblem(await request(api.app).get(`/api/v1/cases/${caseId}`).set(...bearer(tokenFor('p-dongmen-resident-2'))), 404);
  });

  it.each([{ stage: 'closed' }, { status: 'closed' }, { centreId: 'zz' }, { service_request_id: 'ZZ-20260101-000001' }, { risk: 'low' }])('Open311 create refuses %o', async (extra) => {
    const res = await request(api.app)
      .post('/open311/v2/requests.json')
      .set(...bearer(tokenFor(RESIDENT)))
      .send({ service_code: 'other', description: 'lamp out', address_id: 'zz-pinghe-xiaoxi-dongmen', ...extra });
    expectProblem(res, 400);
  });

  it('dev sign-in takes a person id only, never a role or centre', async () => {
    expectProblem(await request(api.app).post('/api/v1/dev/token').send({ personId: 'p-dongmen-resident', role: 'admin' }), 400);
    expectProblem(await request(api.app).post('/api/v1/dev/token').send({ personId: 'p-dongmen-resident', centreId: 'zz' }), 400);
  });

  it('an action smuggling a second type through __proto__ is refused, and nothing is polluted', async () => {
    const res = await request(api.app)
      .post(`/api/v1/cases/${caseId}/actions`)
      .set(...bearer(tokenFor('p-dongmen-admin')))
      .set('Content-Type', 'application/json')
      .send('{"type":"feedback","rating":5,"__proto__":{"type":"close","isAdmin":true}}');
    expectProblem(res, 400);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((await api.env.db.models.Case.findById(caseId).lean())?.status).toBe('open');
  });
});

describe('Idempotency-Key', () => {
  it('the same key twice opens one case; another key opens another', async () => {
    const key = `key-${Date.now()}-${Math.random()}`;
    const send = (k: string) => request(api.app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident-2'))).set('Idempotency-Key', k).send(intake());
    const first = await send(key);
    expect(first.status).toBe(201);
    const second = await send(key);
    expect([200, 201]).toContain(second.status);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.caseNumber).toBe(first.body.caseNumber);
    const other = await send(`${key}-other`);
    expect(other.body.id).not.toBe(first.body.id);
    await eventually(() => api.env.db.models.Case.findById(first.body.id).lean());
    expect(await api.env.db.models.Case.countDocuments({ _id: first.body.id })).toBe(1);
    const byNumber = await api.env.db.models.Case.countDocuments({ caseNumber: first.body.caseNumber });
    expect(byNumber).toBe(1);
  });

  it('two concurrent requests with one key still open one case', async () => {
    const key = `race-${Date.now()}-${Math.random()}`;
    const send = () => request(api.app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident-2'))).set('Idempotency-Key', key).send(intake());
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status].sort()).toEqual(expect.arrayContaining([201]));
    expect(a.body.id).toMatch(/^case_/);
    expect(a.body.id).toBe(b.body.id);
    expect(a.body.caseNumber).toBe(b.body.caseNumber);
  });

  it('the same key from another person is another case', async () => {
    const key = `shared-${Date.now()}`;
    const a = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident'))).set('Idempotency-Key', key).send(intake());
    const b = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident-2'))).set('Idempotency-Key', key).send(intake());
    expect(a.body.id).not.toBe(b.body.id);
  });
});

describe('a dependency down', () => {
  it('MongoDB unreachable → 503 with Retry-After, not 500', async () => {
    const connection = mongoose.createConnection('mongodb://127.0.0.1:1/none', { serverSelectionTimeoutMS: 300 });
    connection.on('error', () => {});
    connection.set('bufferTimeoutMS', 300);
    const db = { connection, models: registerModels(connection), close: () => connection.close() };
    const app = createApp({ config: { ...loadConfig(), jwtSecret: TEST_SECRET, logLevel: 'silent' }, db, temporal: api.env.temporal });
    const res = await request(app).get('/api/v1/centres');
    expectProblem(res, 503);
    expect(res.headers['retry-after']).toBe('5');
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    await connection.close().catch(() => {});
  });

  it('recognises Temporal and MongoDB outages in error chains', () => {
    expect(unavailableReason(Object.assign(new Error('14 UNAVAILABLE: connection refused'), { name: 'ServiceError', cause: { code: 14, details: 'x' } }))).toBe('Temporal');
    expect(unavailableReason(Object.assign(new Error('x'), { name: 'MongoServerSelectionError' }))).toBe('MongoDB');
    expect(unavailableReason(Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('y'), { name: 'MongoNetworkError' }) }))).toBe('MongoDB');
    expect(unavailableReason(new TypeError('undefined is not a function'))).toBeNull();
  });
});
