// Places and duplicates through the real API, worker, Temporal and FerretDB: a report's
// position is checked and kept; the staff map lists their area's open cases with their
// places; similar open cases are suggested (residents learn only that some exist); an
// officer closes a case as a duplicate of an open one it may see, with a pointer on both
// pages, the complainant told and the dashboard counting it apart; and coordinates stay
// out of logs, audit records, Temporal's metadata and public reads.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { TEST_SECRET } from './helpers';

let api: ApiEnv;
let app: ReturnType<typeof createApp>;
const logLines: string[] = [];

beforeAll(async () => {
  api = await startApiEnv('api-places');
  // The same stack with a logger that keeps every line, at the most talkative level.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = { ...loadConfig(), taskQueue: api.env.taskQueue, jwtSecret: TEST_SECRET, logLevel: 'trace' as const, intakeRatePerMinute: 0, signInRatePerMinute: 0, signInFailuresPerAddress: 0 };
  app = createApp({ config, db: api.env.db, temporal: api.env.temporal, logger: pino({ level: 'trace' }, sink) });
});
afterAll(async () => {
  await api?.stop();
});

// Baonan village (Banzai town, Pinghe county): no other test files there.
const BAONAN = 'zz-pinghe-banzai-baonan';
const RESIDENT = tokenFor('p-dongmen-resident');
const PINGHE_ADMIN = tokenFor('p-pinghe-admin');
const XIAOXI_ADMIN = tokenFor('p-xiaoxi-admin');
const NANJING_ADMIN = tokenFor('p-nanjing-admin');
// Coordinates unlike any other in the suite, to be looked for where they must not be.
const SPOT = { lat: 24.446123, lng: 117.356789 };
const NEAR = { lat: 24.446623, lng: 117.356789 }; // about 56 m north

const view = (token: string, id: string) => request(app).get(`/api/v1/cases/${id}`).set(...bearer(token));
const act = (token: string, id: string, action: object) => request(app).post(`/api/v1/cases/${id}/actions`).set(...bearer(token)).send(action);

async function report(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await request(app)
    .post('/api/v1/cases')
    .set(...bearer(token))
    .send({ category: 'land_dispute', title: '宅基地边界纠纷', description: '两家为宅基地边界争执', channel: 'app', complainant: { name: '王秀兰', phone: '13800001234' }, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.id as string;
  await eventually(async () => (await view(token, id)).status === 200, 15_000);
  // Maps and suggestions read the API's copy of case_index, written just after the case: wait for it there too.
  await eventually(async () => ((await request(app).get('/api/v1/cases').query({ pageSize: 100 }).set(...bearer(token))).body.items as { id: string }[]).some((c) => c.id === id), 15_000);
  return id;
}

describe('a report’s position', () => {
  it('is refused with the field named when half given, out of range, or outside the city', async () => {
    const base = { category: 'land_dispute', title: 't', description: 'd', channel: 'app', complainant: { name: 'n', phone: '13800001234' } };
    const cases: [Record<string, unknown>, string][] = [
      [{ centreId: BAONAN, address: 'a', lat: SPOT.lat }, 'location.lng'],
      [{ centreId: BAONAN, address: 'a', lat: 91, lng: 117 }, 'location.lat'],
      [{ centreId: BAONAN, address: 'a', lat: 39.9, lng: 116.4 }, 'location.lat'],
      [{ centreId: BAONAN, address: 'a', ...SPOT, source: 'satellite' }, 'location.source'],
      [{ centreId: BAONAN, address: 'a', ...SPOT, accuracy: -1 }, 'location.accuracy'],
    ];
    for (const [location, field] of cases) {
      const res = await request(app).post('/api/v1/cases').set(...bearer(RESIDENT)).send({ ...base, location });
      expect(res.status, field).toBe(400);
      expect(res.body.errors.map((e: { name: string }) => e.name), field).toContain(`body.${field}`);
    }
  });

  let id = '';
  it('is kept on the case and shown to its staff with how it was found', async () => {
    id = await report(RESIDENT, { location: { centreId: BAONAN, address: '宝南村 3 组', ...SPOT, accuracy: 12, source: 'device' } });
    const seen = await view(PINGHE_ADMIN, id);
    expect(seen.body.location).toEqual({ centreId: BAONAN, address: '宝南村 3 组', ...SPOT, accuracy: 12, source: 'device' });
    expect(seen.body.duplicateOf).toBeNull();
    expect(seen.body.duplicates).toEqual({ count: 0, items: [] });
  });

  it('is on the staff map of the area, filtered, and no one else’s', async () => {
    const map = await request(app).get('/api/v1/map/cases').query({ category: 'land_dispute' }).set(...bearer(PINGHE_ADMIN));
    expect(map.status).toBe(200);
    expect(map.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id, ...SPOT, approximate: false, villageId: BAONAN, category: 'land_dispute' })]));
    const otherCategory = await request(app).get('/api/v1/map/cases').query({ category: 'labour_dispute' }).set(...bearer(PINGHE_ADMIN));
    expect(otherCategory.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    const otherStage = await request(app).get('/api/v1/map/cases').query({ stage: 'mediation' }).set(...bearer(PINGHE_ADMIN));
    expect(otherStage.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    // Another county's administrator, and Xiaoxi town (not above Banzai), do not see it.
    for (const token of [NANJING_ADMIN, XIAOXI_ADMIN]) {
      const elsewhere = await request(app).get('/api/v1/map/cases').set(...bearer(token));
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    }
    const resident = await request(app).get('/api/v1/map/cases').set(...bearer(RESIDENT));
    expect([resident.status, resident.body.message?.zh]).toEqual([403, expect.stringContaining('工作人员')]);
    expect((await request(app).get('/api/v1/map/cases').query({ risk: 'extreme' }).set(...bearer(PINGHE_ADMIN))).status).toBe(400);
  });

  it('the map settings name no tile server by default and place the centres', async () => {
    const settings = await request(app).get('/api/v1/map');
    expect(settings.status).toBe(200);
    expect(settings.body.tiles).toBeNull();
    expect(settings.body.centres).toEqual(expect.arrayContaining([{ id: BAONAN, level: 'village', lat: expect.any(Number), lng: expect.any(Number) }]));
  });
});

describe('duplicates', () => {
  let original = '';
  let duplicate = '';
  let other = '';
  beforeAll(async () => {
    original = await report(RESIDENT, { title: '宝南村水渠被占', category: 'public_facility_hazard', location: { centreId: BAONAN, address: '宝南村水渠', ...SPOT, source: 'pin' } });
    other = await report(tokenFor('p-liuan-resident'), { title: '六安村水渠被占', category: 'public_facility_hazard', location: { centreId: 'zz-nanjing-shancheng-liuan', address: '六安村' } });
  });

  it('at intake, a resident learns only that similar reports exist; staff see which', async () => {
    const query = { category: 'public_facility_hazard', centreId: BAONAN, ...NEAR };
    const resident = await request(app).post('/api/v1/similar-cases').set(...bearer(tokenFor('p-shicuo-resident'))).send(query);
    expect(resident.status).toBe(200);
    expect(resident.body).toMatchObject({ exist: true, items: [] });
    expect(JSON.stringify(resident.body)).not.toContain(original);
    const staff = await request(app).post('/api/v1/similar-cases').set(...bearer(PINGHE_ADMIN)).send(query);
    expect(staff.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: original, sameVillage: true, metres: expect.any(Number) })]));
    const elsewhere = await request(app).post('/api/v1/similar-cases').set(...bearer(NANJING_ADMIN)).send(query);
    expect(elsewhere.body.items.map((c: { id: string }) => c.id)).not.toContain(original);
    expect((await request(app).post('/api/v1/similar-cases').set(...bearer(RESIDENT)).send({ category: 'nope', centreId: BAONAN })).status).toBe(400);
  });

  it('on a case page, staff see the open cases it may repeat, not itself', async () => {
    duplicate = await report(tokenFor('p-shicuo-resident'), { title: '水渠又被堵了', category: 'public_facility_hazard', location: { centreId: BAONAN, address: '宝南村水渠边', ...NEAR, source: 'device', accuracy: 30 } });
    const similar = await request(app).get(`/api/v1/cases/${duplicate}/similar`).set(...bearer(PINGHE_ADMIN));
    expect(similar.status).toBe(200);
    const ids = similar.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(original);
    expect(ids).not.toContain(duplicate);
    expect((await request(app).get(`/api/v1/cases/${duplicate}/similar`).set(...bearer(tokenFor('p-shicuo-resident')))).status).toBe(403);
    expect((await request(app).get(`/api/v1/cases/${duplicate}/similar`).set(...bearer(NANJING_ADMIN))).status).toBe(404);
  });

  it('refuses a link to itself, to a case the officer cannot see, to no case, and by a resident', async () => {
    const self = await act(PINGHE_ADMIN, duplicate, { type: 'mark_duplicate', originalCaseId: duplicate });
    expect([self.status, self.body.detail]).toEqual([400, expect.stringContaining('itself')]);
    const unseen = await act(PINGHE_ADMIN, duplicate, { type: 'mark_duplicate', originalCaseId: other });
    expect([unseen.status, unseen.body.detail]).toEqual([400, expect.stringContaining('no such case that you can see')]);
    const none = await act(PINGHE_ADMIN, duplicate, { type: 'mark_duplicate', originalCaseId: 'case_000000000000000000000000' });
    expect(none.status).toBe(400);
    // What a caller says of the original is not believed: the workflow looks it up.
    const forged = await act(PINGHE_ADMIN, duplicate, { type: 'mark_duplicate', originalCaseId: other, original: { caseId: other, caseNumber: 'X', status: 'open', duplicateOf: null, visible: true } });
    expect(forged.status).toBe(400);
    const resident = await act(tokenFor('p-shicuo-resident'), duplicate, { type: 'mark_duplicate', originalCaseId: original });
    expect(resident.status).toBe(403);
    expect((await view(PINGHE_ADMIN, duplicate)).body).toMatchObject({ status: 'open', duplicateOf: null });
  });

  it('closes the duplicate with a pointer both ways, tells its complainant, and counts it apart', async () => {
    const before = (await request(app).get('/api/v1/dashboard').query({ centreId: BAONAN }).set(...bearer(PINGHE_ADMIN))).body;
    const linked = await act(PINGHE_ADMIN, duplicate, { type: 'mark_duplicate', originalCaseId: original, reason: '同一处水渠' });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    const originalNumber = (await view(PINGHE_ADMIN, original)).body.caseNumber as string;
    expect(linked.body).toMatchObject({ status: 'closed', stage: 'closed', allowedActions: [], duplicateOf: { id: original, caseNumber: originalNumber } });
    await eventually(async () => (await view(PINGHE_ADMIN, original)).body.duplicates.count === 1, 10_000);
    expect((await view(PINGHE_ADMIN, original)).body.duplicates).toEqual({ count: 1, items: [{ id: duplicate, caseNumber: linked.body.caseNumber }] });
    // The original's complainant learns that one more report was joined, not whose.
    expect((await view(RESIDENT, original)).body.duplicates).toEqual({ count: 1, items: [] });
    const told = await eventually(async () => api.env.db.models.Notification.findOne({ caseId: duplicate, kind: 'case_duplicate' }).lean(), 10_000);
    expect(told).toMatchObject({ recipient: 'person:p-shicuo-resident', message: { zh: expect.stringContaining(originalNumber) } });
    // The original no longer suggests its own duplicate.
    const similar = await request(app).get(`/api/v1/cases/${original}/similar`).set(...bearer(PINGHE_ADMIN));
    expect(similar.body.items.map((c: { id: string }) => c.id)).not.toContain(duplicate);
    const after = (await request(app).get('/api/v1/dashboard').query({ centreId: BAONAN }).set(...bearer(PINGHE_ADMIN))).body;
    expect(after.duplicates).toBe(before.duplicates + 1);
    expect(after.closed).toBe(before.closed);
    expect(after.open).toBe(before.open - 1);
    // Nothing more happens to it; the original cannot be linked back to it.
    const again = await act(PINGHE_ADMIN, duplicate, { type: 'accept' });
    expect(again.status).toBe(409);
    const back = await act(PINGHE_ADMIN, original, { type: 'mark_duplicate', originalCaseId: duplicate });
    expect(back.status).toBe(400);
  });

  it('coordinates stay out of logs, audit records, search attributes, workflow ids and Open311’s public reads of disputes', async () => {
    const texts = [String(SPOT.lat), String(SPOT.lng), String(NEAR.lat), String(NEAR.lng)];
    const audit = JSON.stringify(await api.env.db.models.Audit.find({ caseId: { $in: [original, duplicate] } }).lean());
    expect(audit.length).toBeGreaterThan(10);
    const meta: string[] = [];
    for (const id of [original, duplicate]) {
      const described = await api.env.temporal.client.workflow.getHandle(id).describe();
      meta.push(described.workflowId, JSON.stringify(described.searchAttributes), JSON.stringify(described.typedSearchAttributes));
    }
    // A dispute reported with a position: public reads show neither its place nor its words.
    const dispute = await report(RESIDENT, { location: { centreId: BAONAN, address: '宝南村 5 组', ...SPOT } });
    const number = (await view(PINGHE_ADMIN, dispute)).body.caseNumber as string;
    // Open311 finds the number in case_index, written just after the case itself.
    const single = await eventually(async () => {
      const res = await request(app).get(`/open311/v2/requests/${number}.json`);
      return res.status === 200 ? res : null;
    }, 10_000);
    expect(single.body[0]).toMatchObject({ lat: null, long: null, address: null });
    const list = await request(app).get('/open311/v2/requests.json').query({ service_code: 'land_dispute' });
    const haystacks = { logs: logLines.join(''), audit, 'Temporal metadata': meta.join('\n'), open311: JSON.stringify([single.body, list.body]) };
    expect(logLines.length).toBeGreaterThan(10);
    const found = Object.entries(haystacks).flatMap(([where, text]) => texts.filter((needle) => text.includes(needle)).map((needle) => `${needle} in ${where}`));
    expect(found).toEqual([]);
  });
});
