// The deadline policy as versioned data: read by staff, new versions by the city's administrators only,
// every rule checked, every save audited, and a running case keeping the version it was filed under.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('deadline-policy');
});
afterAll(async () => {
  await api?.stop();
});

const CITY_ADMIN = tokenFor('p-zz-admin');
const TOWN_ADMIN = tokenFor('p-xiaoxi-admin');

function fileCase() {
  return request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(tokenFor('p-dongmen-grid')))
    .send({
      category: 'neighbour_dispute',
      title: '邻里噪音纠纷',
      description: '楼上住户夜间装修噪音扰民，多次协商未果。',
      channel: 'grid',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 3 栋' },
      complainant: { name: '李华', phone: '13800001234' },
    });
}

async function currentSettings() {
  const res = await request(api.app).get('/api/v1/deadline-policy').set(...bearer(TOWN_ADMIN));
  expect(res.status).toBe(200);
  return res.body;
}

describe('the deadline policy', () => {
  let before: { id: string; deadline: string };

  it('is readable by staff: version 1, the built-in policy, with the years its holiday data covers', async () => {
    const policy = await currentSettings();
    expect(policy).toMatchObject({ version: 1, current: true, createdBy: 'system', settings: { acknowledge: { amount: 5, unit: 'service_minutes' }, handling: { high: { amount: 1, unit: 'working_days' }, low: { amount: 20, unit: 'working_days' } } } });
    expect(policy.coveredYears.last).toBeGreaterThanOrEqual(2026);
    const resident = await request(api.app).get('/api/v1/deadline-policy').set(...bearer(tokenFor('p-dongmen-resident')));
    expect(resident.status).toBe(403);
    const filed = await fileCase();
    expect(filed.status).toBe(201);
    before = filed.body;
  });

  it('can be changed by a city administrator only', async () => {
    const { settings } = await currentSettings();
    const res = await request(api.app).post('/api/v1/deadline-policy/versions').set(...bearer(TOWN_ADMIN)).send({ basedOn: 1, settings, note: 'n' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/city centre/);
  });

  it('refuses a negative or missing duration, an unknown unit, a bad added year, and a stale edit, writing nothing', async () => {
    const { settings } = await currentSettings();
    const post = (body: object) => request(api.app).post('/api/v1/deadline-policy/versions').set(...bearer(CITY_ADMIN)).send(body);
    const negative = await post({ basedOn: 1, note: 'n', settings: { ...settings, acknowledge: { amount: -5, unit: 'service_minutes' } } });
    expect(negative.status).toBe(400);
    expect(negative.body.errors).toEqual([expect.objectContaining({ name: 'body.settings.acknowledge.amount' })]);
    const { feedback: _feedback, ...missing } = settings;
    expect((await post({ basedOn: 1, note: 'n', settings: missing })).body.errors).toEqual([expect.objectContaining({ name: 'body.settings.feedback' })]);
    expect((await post({ basedOn: 1, note: 'n', settings: { ...settings, maxPause: { amount: 3, unit: 'fortnights' } } })).status).toBe(400);
    const covered = await post({ basedOn: 1, note: 'n', settings: { ...settings, addedYears: [{ year: 2026, holidays: ['2026-10-01'], makeUpWorkdays: [] }] } });
    expect(covered.status).toBe(400);
    expect(covered.body.errors).toEqual([{ name: 'body.settings.addedYears', reason: expect.stringContaining('already covers 2026') }]);
    const badDay = await post({ basedOn: 1, note: 'n', settings: { ...settings, addedYears: [{ year: 2027, holidays: ['2027-02-30'], makeUpWorkdays: [] }] } });
    expect(badDay.body.errors[0].reason).toMatch(/"2027-02-30" is not a date/);
    const overlap = await post({ basedOn: 1, note: 'n', settings: { ...settings, serviceHours: [{ start: 600, end: 540 }] } });
    expect(overlap.status).toBe(400);
    expect(overlap.body.errors[0].reason).toMatch(/service hours/);
    expect((await post({ basedOn: 7, note: 'n', settings })).status).toBe(409);
    expect((await currentSettings()).version).toBe(1);
  });

  it('saves a valid version, which new cases run under while a running case keeps its own; each save is audited', async () => {
    const { settings } = await currentSettings();
    const next = { ...settings, expertOpinion: { amount: 3, unit: 'working_days' }, addedYears: [{ year: 2027, holidays: ['2027-01-01'], makeUpWorkdays: [] }] };
    const saved = await request(api.app).post('/api/v1/deadline-policy/versions').set(...bearer(CITY_ADMIN)).send({ basedOn: 1, settings: next, note: 'Expert opinions within three working days' });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ version: 2, current: true, createdBy: 'p-zz-admin', note: 'Expert opinions within three working days', settings: { expertOpinion: { amount: 3 } } });
    expect(saved.body.coveredYears.last).toBe(2027);

    const versions = await request(api.app).get('/api/v1/deadline-policy/versions').set(...bearer(TOWN_ADMIN));
    expect(versions.body.items.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[2, true], [1, false]]);

    const after = await fileCase();
    const view = async (id: string) => (await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(TOWN_ADMIN))).body;
    expect((await view(after.body.id)).clocks.policyVersion).toBe(2);
    const old = await view(before.id);
    expect(old.clocks.policyVersion).toBe(1);
    expect(old.deadline).toBe(before.deadline);
    const timeline = await request(api.app).get(`/api/v1/cases/${after.body.id}/timeline`).set(...bearer(TOWN_ADMIN));
    expect(timeline.body.events[0]).toMatchObject({ type: 'reported', detail: { policyVersion: 2 } });

    const audit = await api.env.db.models.Audit.find({ action: 'deadline_policy.add_version' }).lean();
    expect(audit.map((a) => [a.outcome, a.status])).toEqual(expect.arrayContaining([['ok', 201], ['refused', 403], ['refused', 400], ['refused', 409]]));
  });
});
