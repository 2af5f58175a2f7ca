// The audit log is readable: administrators read who did what to which case or person, when
// and from where, within their subtree, filtered, and take it away as CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';
import { auditRecord } from '../../src/domain';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-audit-log');
});
afterAll(async () => {
  await api?.stop();
});

const DONGMEN = 'zz-pinghe-xiaoxi-dongmen';
const DONGMEN_PATH = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', DONGMEN];
const SHICUO = 'zz-tiz-jiaomei-shicuo';

interface Entry {
  id: string;
  at: string;
  actor: { personId: string; name: string | null; role: string; centreId: string | null } | null;
  action: string;
  caseId: string | null;
  caseNumber: string | null;
  subject: { personId: string; name: string | null } | null;
  outcome: string;
  status: number | null;
  address: string | null;
  scope: string[];
  detail: Record<string, unknown>;
}

const act = (token: string, id: string, action: object) => request(api.app).post(`/api/v1/cases/${id}/actions`).set(...bearer(token)).send(action);
const log = (token: string, query: Record<string, string | number> = {}) => request(api.app).get('/api/v1/audit').query(query).set(...bearer(token));
const items = async (token: string, query: Record<string, string | number>): Promise<Entry[]> => {
  const res = await log(token, { limit: 200, ...query });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Entry[];
};

async function fileCase(residentId: string, centreId: string, title: string): Promise<{ id: string; caseNumber: string }> {
  const res = await request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(tokenFor(residentId)))
    .send({ category: 'neighbour_dispute', title, description: '邻居家装修噪音，晚上十点后仍在施工。', channel: 'app', location: { centreId, address: '1 号' }, complainant: { name: '王秀兰', phone: '13800001234' } });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(async () => (await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor(residentId)))).status === 200, 15_000);
  return { id, caseNumber: res.body.caseNumber as string };
}

describe('the audit log', () => {
  let dongmenCase: { id: string; caseNumber: string };
  let shicuoCase: { id: string; caseNumber: string };
  let beforeActions: string;
  const CITY = tokenFor('p-zz-admin');

  beforeAll(async () => {
    [dongmenCase, shicuoCase] = await Promise.all([fileCase('p-dongmen-resident', DONGMEN, '装修噪音扰民'), fileCase('p-shicuo-resident', SHICUO, '装修噪音扰民')]);
    // The intake records are the worker's, written with each case.
    await eventually(async () => (await items(CITY, { case: dongmenCase.id })).length === 1 && (await items(CITY, { case: shicuoCase.id })).length === 1, 15_000);
    beforeActions = new Date().toISOString();
    const dongmenAdmin = tokenFor('p-dongmen-admin');
    expect((await act(dongmenAdmin, dongmenCase.id, { type: 'accept' })).status).toBe(200);
    // Refused: the case is no longer waiting to be accepted; and a mediator of another county may not act on it.
    expect((await act(dongmenAdmin, dongmenCase.id, { type: 'accept' })).status).toBe(409);
    expect((await act(tokenFor('p-tiz-med-estate'), dongmenCase.id, { type: 'accept' })).status).toBe(403);
    expect((await act(tokenFor('p-shicuo-admin'), shicuoCase.id, { type: 'accept' })).status).toBe(200);
  }, 60_000);

  it('shows the city’s administrator every entry of a case, newest first, with who, what, when and from where', async () => {
    const entries = await items(CITY, { case: dongmenCase.id });
    expect(entries.map((e) => [e.action, e.outcome, e.status])).toEqual([
      ['accept', 'refused', 403],
      ['accept', 'refused', 409],
      ['accept', 'ok', 200],
      ['intake', 'ok', 201],
    ]);
    const [foreign, , accepted, intake] = entries as [Entry, Entry, Entry, Entry];
    expect(accepted).toMatchObject({ actor: { personId: 'p-dongmen-admin', name: '张美玲', role: 'admin', centreId: DONGMEN }, caseId: dongmenCase.id, caseNumber: dongmenCase.caseNumber, scope: DONGMEN_PATH });
    expect(accepted.address).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    // The intake's record: the worker's, with the case's centres and the request's address; the phone masked as stored.
    expect(intake).toMatchObject({ id: `intake:${dongmenCase.id}`, actor: { personId: 'p-dongmen-resident', name: '王秀兰', role: 'resident' }, scope: DONGMEN_PATH });
    expect(intake.address).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(intake.detail.complainantPhone).toBe('138****1234');
    expect(JSON.stringify(entries)).not.toContain('13800001234');
    // A refusal names the actor's centres too: it concerns the county its mediator works for.
    expect(foreign.scope).toEqual([...DONGMEN_PATH, 'zz-tiz']);
    expect(Date.parse(entries[0]!.at)).toBeGreaterThanOrEqual(Date.parse(entries[3]!.at));
    // Unfiltered, the city sees entries of both counties.
    const all = await log(CITY, { limit: 200 });
    expect(all.body.total).toBeGreaterThanOrEqual(6);
    const cases = new Set(all.body.items.map((e: Entry) => e.caseId));
    expect(cases.has(dongmenCase.id) && cases.has(shicuoCase.id)).toBe(true);
  });

  it('shows an administrator below the city only the entries that concern their centre', async () => {
    const county = tokenFor('p-pinghe-admin');
    expect((await items(county, { case: dongmenCase.id })).length).toBe(4);
    expect(await items(county, { case: shicuoCase.id })).toEqual([]);
    const town = await items(tokenFor('p-xiaoxi-admin'), { limit: 200 });
    expect(town.every((e) => e.scope.includes('zz-pinghe-xiaoxi'))).toBe(true);
    expect(town.some((e) => e.caseId === dongmenCase.id)).toBe(true);
    expect(town.some((e) => e.caseId === shicuoCase.id)).toBe(false);
    // The other county sees its own case, and of ours only what its own mediator tried.
    const tiz = tokenFor('p-tiz-admin');
    expect((await items(tiz, { case: shicuoCase.id })).map((e) => e.action)).toEqual(['accept', 'intake']);
    expect((await items(tiz, { case: dongmenCase.id })).map((e) => [e.actor?.personId, e.outcome])).toEqual([['p-tiz-med-estate', 'refused']]);
  });

  it('is not for mediators or residents', async () => {
    for (const person of ['p-xiaoxi-med-neighbour', 'p-dongmen-resident']) {
      const res = await log(tokenFor(person));
      expect(res.status).toBe(403);
      expect(res.body.message).toEqual({ zh: expect.stringContaining('管理员'), en: expect.stringContaining('administrators') });
      expect((await request(api.app).get('/api/v1/audit.csv').set(...bearer(tokenFor(person)))).status).toBe(403);
    }
    expect((await request(api.app).get('/api/v1/audit')).status).toBe(401);
  });

  it('filters by person, case number, action, outcome and period', async () => {
    const byNumber = await items(CITY, { case: dongmenCase.caseNumber });
    expect(byNumber.map((e) => e.caseId)).toEqual(Array(4).fill(dongmenCase.id));
    const byPerson = await items(CITY, { person: 'p-dongmen-admin' });
    expect(byPerson.length).toBeGreaterThanOrEqual(2);
    expect(byPerson.every((e) => e.actor?.personId === 'p-dongmen-admin' || e.subject?.personId === 'p-dongmen-admin')).toBe(true);
    expect((await items(CITY, { case: dongmenCase.id, action: 'intake' })).map((e) => e.action)).toEqual(['intake']);
    expect((await items(CITY, { case: dongmenCase.id, outcome: 'refused' })).map((e) => e.status)).toEqual([403, 409]);
    expect((await items(CITY, { case: dongmenCase.id, from: beforeActions })).map((e) => e.action)).toEqual(['accept', 'accept', 'accept']);
    expect((await items(CITY, { case: dongmenCase.id, to: beforeActions })).map((e) => e.action)).toEqual(['intake']);
    expect(await items(CITY, { case: 'ZZ-19990101-000001' })).toEqual([]);
    const paged = await log(CITY, { case: dongmenCase.id, limit: 2, offset: 2 });
    expect(paged.body).toMatchObject({ total: 4, offset: 2, limit: 2 });
    expect(paged.body.items.map((e: Entry) => e.action)).toEqual(['accept', 'intake']);
  });

  it('finds the person acted upon', async () => {
    await api.env.db.models.Audit.collection.insertOne(
      auditRecord({ actor: { personId: 'p-xiaoxi-admin', role: 'admin', centreId: 'zz-pinghe-xiaoxi' }, action: 'person.deactivate', outcome: 'ok', status: 200, subjectId: 'p-xiaoxi-med-building', scope: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi'], address: '10.1.2.3' }, new Date()),
    );
    const entries = await items(tokenFor('p-pinghe-admin'), { person: 'p-xiaoxi-med-building', action: 'person.deactivate' });
    expect(entries[0]).toMatchObject({ subject: { personId: 'p-xiaoxi-med-building', name: '吴海涛' }, actor: { name: '胡晓燕' }, address: '10.1.2.3' });
    expect(await items(tokenFor('p-tiz-admin'), { person: 'p-xiaoxi-med-building', action: 'person.deactivate' })).toEqual([]);
  });

  it('names the filter that is wrong', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ from: 'yesterday' }, 'query.from'],
      [{ to: '2026-13-01T00:00:00Z' }, 'query.to'],
      [{ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'query.to'],
      [{ limit: 1000 }, 'query.limit'],
      [{ offset: -1 }, 'query.offset'],
      [{ case: 'nope' }, 'query.case'],
      [{ person: '$where' }, 'query.person'],
      [{ action: 'Accept!' }, 'query.action'],
    ];
    for (const [query, name] of cases) {
      const res = await log(CITY, query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.errors.map((e: { name: string }) => e.name)).toContain(name);
    }
    const unknown = await log(CITY, { colour: 'red' });
    expect(unknown.status).toBe(400);
  });

  it('exports the same entries as CSV that Excel opens: BOM, header, quoting, no formulas', async () => {
    // A value someone typed that a spreadsheet would run.
    await api.env.db.models.Audit.collection.insertOne(
      auditRecord({ actor: { personId: 'p-dongmen-admin', role: 'admin', centreId: DONGMEN }, action: 'accept', caseId: dongmenCase.id, outcome: 'refused', status: 400, subjectId: '=HYPERLINK("http://example.com","x")', scope: DONGMEN_PATH, address: '@evil' }, new Date()),
    );
    const res = await request(api.app)
      .get('/api/v1/audit.csv')
      .query({ case: dongmenCase.id, lang: 'zh' })
      .set(...bearer(tokenFor('p-xiaoxi-admin')))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-\d{8}-\d{4}\.csv"$/);
    expect(res.headers['x-total-count']).toBe('5');
    expect(res.headers['x-truncated']).toBe('false');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('时间,操作人编号,操作人,角色,所属中心,操作,案件编号,案件ID,对象编号,对象姓名,结果,状态码,来源地址,详情');
    expect(lines.at(-1)).toBe('');
    expect(lines.length).toBe(1 + 5 + 1);
    const [newest] = lines.slice(1);
    expect(newest).toContain(`"'=HYPERLINK(""http://example.com"",""x"")"`);
    expect(newest).toContain(",'@evil,");
    expect(newest).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00,p-dongmen-admin,张美玲,admin,/);
    const intake = lines.find((line) => line.includes(',intake,'));
    expect(intake).toContain(`,王秀兰,resident,${DONGMEN},intake,${dongmenCase.caseNumber},${dongmenCase.id},`);
    // The detail is JSON in one cell: its commas and quotes quoted; the phone masked.
    expect(intake).toContain('"{""channel"":""app"",');
    expect(intake).toContain('138****1234');
    expect(text).not.toContain('13800001234');
    // English header; the export itself is recorded.
    const en = await request(api.app).get('/api/v1/audit.csv').query({ case: dongmenCase.id }).set(...bearer(CITY));
    expect(en.text.split('\r\n')[0]).toBe('\uFEFFtime,actor id,actor,role,actor centre,action,case number,case id,person acted upon,person acted upon (name),outcome,status,address,detail');
    await eventually(async () => (await items(CITY, { action: 'audit.export', person: 'p-xiaoxi-admin' })).length > 0, 5_000);
    const bad = await request(api.app).get('/api/v1/audit.csv').query({ lang: 'fr' }).set(...bearer(CITY));
    expect([bad.status, bad.body.errors?.[0]?.name]).toEqual([400, 'query.lang']);
  });
});
