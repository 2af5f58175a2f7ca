// Administration: an administrator manages the people of their own subtree, never more than
// they have; the city's administrators also manage the centres; every change and every
// refusal is in the audit log. Everything here builds its own county, so other test files
// sharing the database see none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenAs, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';
import { passwordKey, passwordMatches } from '../../src/auth/passwords';

let api: ApiEnv;
const run = Date.now().toString(36);
const county = `tadm${run}`;
const town = `${county}-t1`;
const town2 = `${county}-t2`;
const village = `${town}-v1`;
const village2 = `${town}-v2`;
const emptyVillage = `${town2}-v3`;
const cityAdmin = tokenFor('p-zz-admin');
let countyAdmin: { id: string; token: string };

beforeAll(async () => {
  api = await startApiEnv('api-administration');
});
afterAll(async () => {
  await api?.stop();
});

const post = (token: string, path: string, body: object = {}) => request(api.app).post(path).set(...bearer(token)).send(body);
const get = (token: string, path: string, query: Record<string, string> = {}) => request(api.app).get(path).query(query).set(...bearer(token));

async function audited(action: string, outcome: string, match: Record<string, unknown> = {}) {
  return eventually(async () => {
    const entries = await api.env.db.models.Audit.find({ action, outcome, ...match }).lean();
    return entries.length > 0 ? entries : null;
  }, 5_000);
}

async function createPerson(token: string, body: Record<string, unknown>, status = 201) {
  const res = await post(token, '/api/v1/admin/people', { name: '测试人员', ...body });
  if (res.status !== status) throw new Error(`create ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

const reasonOf = (res: { body: { errors?: { name: string; reason: string }[] } }, name: string) => res.body.errors?.find((e) => e.name === name)?.reason;

describe('administration', () => {
  it('is for administrators only: others get 403 with a message in both languages, and the refusal is audited', async () => {
    for (const personId of ['p-pinghe-med-estate', 'p-dongmen-resident', 'p-dongmen-grid']) {
      const res = await get(tokenFor(personId), '/api/v1/admin/people');
      expect(res.status).toBe(403);
      expect(res.body.message.zh).toMatch(/管理员/);
      expect(res.body.message.en).toMatch(/administrators/);
    }
    const refused = await post(tokenFor('p-pinghe-med-estate'), '/api/v1/admin/people', { name: 'x', username: `x${run}`, role: 'admin', centreId: 'zz' });
    expect(refused.status).toBe(403);
    await audited('person.create', 'refused', { 'actor.personId': 'p-pinghe-med-estate' });
    // A token that still says admin counts for nothing once the living record is not an admin.
    expect((await get(tokenAs('p-pinghe-med-estate', 'admin', 'zz'), '/api/v1/admin/people')).status).toBe(403);
  });

  it('the city administrator builds centres one level below their parents; nobody else may', async () => {
    const name = (zh: string) => ({ zh, en: `${zh} (en)` });
    expect((await post(tokenFor('p-pinghe-admin'), '/api/v1/admin/centres', { id: county, name: name('测试县'), level: 'county', parentId: 'zz' })).status).toBe(403);
    const wrongLevel = await post(cityAdmin, '/api/v1/admin/centres', { id: county, name: name('测试县'), level: 'town', parentId: 'zz' });
    expect(wrongLevel.status).toBe(400);
    expect(reasonOf(wrongLevel, 'body.level')).toBe('a centre sits one level below its parent');
    expect((await post(cityAdmin, '/api/v1/admin/centres', { name: name('无'), level: 'town', parentId: `nowhere${run}` })).status).toBe(400);

    const created = await post(cityAdmin, '/api/v1/admin/centres', { id: county, name: name('测试县'), level: 'county', parentId: 'zz' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: county, level: 'county', parentId: 'zz', path: ['zz', county], closedAt: null });
    const again = await post(cityAdmin, '/api/v1/admin/centres', { id: county, name: name('测试县'), level: 'county', parentId: 'zz' });
    expect(again.status).toBe(409);
    expect(again.body.message.en).toMatch(/exists/);
    for (const [id, parentId, level] of [[town, county, 'town'], [town2, county, 'town'], [village, town, 'village'], [village2, town, 'village'], [emptyVillage, town2, 'village']] as const) {
      expect((await post(cityAdmin, '/api/v1/admin/centres', { id, name: name(id), level, parentId })).status).toBe(201);
    }
    const generated = await post(cityAdmin, '/api/v1/admin/centres', { name: name('自动编号村'), level: 'village', parentId: town2 });
    expect(generated.status).toBe(201);
    expect(generated.body.id.startsWith(`${town2}-`)).toBe(true);

    const renamed = await post(cityAdmin, `/api/v1/admin/centres/${town}`, { name: { zh: '测试镇', en: 'Test Town' } });
    expect(renamed.status).toBe(200);
    const listed = await request(api.app).get('/api/v1/centres').query({ parentId: county });
    expect(listed.body.items.find((c: { id: string }) => c.id === town).name).toEqual({ zh: '测试镇', en: 'Test Town' });
    expect((await post(tokenFor('p-pinghe-admin'), `/api/v1/admin/centres/${town}`, { name: { zh: 'x', en: 'x' } })).status).toBe(403);
    await audited('centre.create', 'done', { 'detail.id': county });
    await audited('centre.rename', 'done', { 'detail.id': town });
    await audited('centre.create', 'refused', { 'actor.personId': 'p-pinghe-admin' });
  });

  it('creates people with a unique username; a password given is stored as an argon2id hash', async () => {
    const short = await createPerson(cityAdmin, { username: `ca${run}`, role: 'admin', centreId: county, password: 'short' }, 400);
    expect(reasonOf(short, 'body.password')).toBe('the password needs at least 10 characters');
    const res = await createPerson(cityAdmin, { name: '县管理员', username: `CA${run}`, role: 'admin', centreId: county, title: '主任', phone: '13900001111', password: 'correct horse battery' });
    expect(res.body).toMatchObject({ role: 'admin', centreId: county, centrePath: ['zz', county], active: true, username: `CA${run}`, title: '主任' });
    expect(res.body.id).toMatch(/^p-[0-9a-f]{12}$/);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|hash/);
    countyAdmin = { id: res.body.id, token: tokenAs(res.body.id, 'admin', county) };
    const credential = await api.env.db.models.Credential.findById(passwordKey(`ca${run}`)).lean();
    expect(credential?.personId).toBe(res.body.id);
    expect(credential?.hash).toMatch(/^\$argon2id\$/);
    expect(await passwordMatches(credential?.hash ?? null, 'correct horse battery')).toBe(true);

    // Taken whatever its case, and the seeded people's usernames too.
    for (const username of [`ca${run}`, 'p-zz-admin']) {
      const taken = await createPerson(cityAdmin, { username, role: 'mediator', centreId: county, specialties: ['legal'] }, 409);
      expect(taken.body.message).toEqual({ zh: '该用户名已被占用，请换一个。', en: 'This username is taken; choose another.' });
      expect(reasonOf(taken, 'body.username')).toBe('this username is taken');
    }
    const bad = await createPerson(cityAdmin, { username: 'a b', role: 'mediator', centreId: county, specialties: ['legal'] }, 400);
    expect(reasonOf(bad, 'body.username')).toMatch(/letters, digits/);
    await audited('person.create', 'done', { subjectId: res.body.id });
    await audited('person.create', 'refused', { 'detail.username': 'p-zz-admin' });
    // The new admin acts at once, with a token of their own.
    expect((await get(countyAdmin.token, '/api/v1/admin/people')).status).toBe(200);
  });

  it('roles must fit centres: grid workers at villages, mediators and experts with specialties, department staff at their department’s centre, no residents', async () => {
    const t = countyAdmin.token;
    const grid = await createPerson(t, { username: `grid${run}`, role: 'grid_worker', centreId: town }, 400);
    expect(reasonOf(grid, 'body.centreId')).toBe('grid workers work at villages and communities only');
    await createPerson(t, { username: `grid${run}`, role: 'grid_worker', centreId: village });
    expect(reasonOf(await createPerson(t, { username: `med0${run}`, role: 'mediator', centreId: village }, 400), 'body.specialties')).toBe('mediators and experts need at least one specialty');
    expect(reasonOf(await createPerson(t, { username: `adm0${run}`, role: 'admin', centreId: village, specialties: ['legal'] }, 400), 'body.specialties')).toBe('only mediators and experts have specialties');
    expect(reasonOf(await createPerson(t, { username: `res${run}`, role: 'resident', centreId: village }, 400), 'body.role')).toBe('residents are not managed here');
    expect(reasonOf(await createPerson(t, { username: `dep0${run}`, role: 'department', centreId: town }, 400), 'body.departmentId')).toBe('department staff need their department');
    expect(reasonOf(await createPerson(t, { username: `dep0${run}`, role: 'department', centreId: town, departmentId: 'dept-pinghe-police' }, 400), 'body.departmentId')).toMatch(/registered at another centre/);

    const dept = await post(t, '/api/v1/admin/departments', { id: `dept-${run}`, name: { zh: '测试镇村建站', en: 'Test Construction Station' }, centreId: town });
    expect(dept.status).toBe(201);
    const staff = await createPerson(t, { username: `dep${run}`, role: 'department', centreId: town, departmentId: `dept-${run}` });
    expect(staff.body.departmentId).toBe(`dept-${run}`);
    const med = await createPerson(t, { username: `med${run}`, role: 'mediator', centreId: village, specialties: ['neighbour', 'family'] });
    expect(med.body.specialties).toEqual(['neighbour', 'family']);
    await createPerson(t, { username: `exp${run}`, role: 'expert', centreId: county, specialties: ['legal'], title: '首席法律咨询专家' });
    const pool = await get(t, '/api/v1/admin/people', { role: 'mediator' });
    expect(pool.body.items.map((p: { id: string }) => p.id)).toEqual([med.body.id]);
    const bySpecialty = await get(t, '/api/v1/admin/people', { specialty: 'legal' });
    expect(bySpecialty.body.items.map((p: { username: string }) => p.username)).toEqual([`exp${run}`]);
    expect((await get(t, '/api/v1/admin/people', { q: `GRID${run}` })).body.total).toBe(1);
  });

  it('an administrator acts only inside their subtree and never above their own centre', async () => {
    const t = countyAdmin.token;
    const outside = await createPerson(t, { username: `out${run}`, role: 'mediator', centreId: 'zz-pinghe', specialties: ['legal'] }, 403);
    expect(outside.body.message.en).toMatch(/outside the area/);
    await createPerson(t, { username: `up${run}`, role: 'admin', centreId: 'zz' }, 403);
    expect((await post(t, '/api/v1/admin/people/p-pinghe-med-estate', { title: 'x' })).status).toBe(403);
    expect((await post(t, '/api/v1/admin/people/p-pinghe-med-estate/deactivate')).status).toBe(403);
    expect((await post(t, '/api/v1/admin/people/p-pinghe-med-estate/password', { password: 'a long new password' })).status).toBe(403);
    expect((await get(t, '/api/v1/admin/people/p-pinghe-med-estate')).status).toBe(403);
    expect((await get(t, '/api/v1/admin/people', { centreId: 'zz-pinghe' })).status).toBe(403);
    expect((await get(t, `/api/v1/admin/people/p-nobody-${run}`)).status).toBe(404);
    // The list holds the subtree only, never a password hash, never residents.
    const list = await get(t, '/api/v1/admin/people');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(3);
    for (const person of list.body.items) expect(person.centrePath).toContain(county);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|"hash"/);
    // The city admin sees them too, and everyone else's.
    const all = await get(cityAdmin, '/api/v1/admin/people', { centreId: county });
    expect(all.body.total).toBe(list.body.total);

    // A town admin made by the county admin cannot make a county admin or move people up.
    const townAdmin = await createPerson(t, { username: `ta${run}`, role: 'admin', centreId: town });
    const tt = tokenAs(townAdmin.body.id, 'admin', town);
    await createPerson(tt, { username: `ca2${run}`, role: 'admin', centreId: county }, 403);
    const expert = (await get(t, '/api/v1/admin/people', { role: 'expert' })).body.items[0];
    expect((await post(tt, `/api/v1/admin/people/${expert.id}`, { title: 'x' })).status).toBe(403);
    const grid = (await get(tt, '/api/v1/admin/people', { role: 'grid_worker' })).body.items[0];
    expect((await post(tt, `/api/v1/admin/people/${grid.id}`, { centreId: county, role: 'mediator', specialties: ['legal'] })).status).toBe(403);
    await audited('person.edit', 'refused', { 'actor.personId': townAdmin.body.id });
  });

  it('nobody changes their own role or centre or deactivates themselves', async () => {
    const t = countyAdmin.token;
    const role = await post(t, `/api/v1/admin/people/${countyAdmin.id}`, { role: 'mediator', specialties: ['legal'] });
    expect(role.status).toBe(403);
    expect(role.body.message.zh).toBe('不能修改自己的角色。');
    expect((await post(t, `/api/v1/admin/people/${countyAdmin.id}`, { centreId: town })).status).toBe(403);
    const self = await post(t, `/api/v1/admin/people/${countyAdmin.id}/deactivate`);
    expect(self.status).toBe(403);
    expect(self.body.message.en).toBe('You cannot deactivate yourself.');
    // Their own name and title they may change.
    const renamed = await post(t, `/api/v1/admin/people/${countyAdmin.id}`, { name: '县管理员甲', title: null });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '县管理员甲', title: null, role: 'admin' });
    await audited('person.deactivate', 'refused', { subjectId: countyAdmin.id });
  });

  it('edits a person: a move takes effect at once with the new centre path, a new role drops what it does not carry', async () => {
    const t = countyAdmin.token;
    const med = (await get(t, '/api/v1/admin/people', { role: 'mediator' })).body.items[0];
    const moved = await post(t, `/api/v1/admin/people/${med.id}`, { centreId: village2, phone: '13900002222' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ centreId: village2, centrePath: ['zz', county, town, village2], phone: '13900002222', specialties: ['neighbour', 'family'] });
    expect((await get(t, `/api/v1/admin/people/${med.id}`)).body.centreId).toBe(village2);
    const pool = await get(t, '/api/v1/people', { centreId: village2 });
    expect(pool.body.items.map((p: { id: string; centreId: string }) => [p.id, p.centreId])).toEqual([[med.id, village2]]);
    const promoted = await post(t, `/api/v1/admin/people/${med.id}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'admin', specialties: [] });
    const back = await post(t, `/api/v1/admin/people/${med.id}`, { role: 'grid_worker', centreId: town });
    expect(reasonOf(back, 'body.centreId')).toBe('grid workers work at villages and communities only');
    const edit = await audited('person.edit', 'done', { subjectId: med.id });
    expect(edit[0]?.scope).toEqual(expect.arrayContaining(['zz', county, town, village, village2]));
    expect(edit.some((e) => (e.detail as { centreId?: { to: string } }).centreId?.to === village2)).toBe(true);
  });

  it('a change to an administrator takes effect at their next request: demoted or deactivated, their token administers nothing', async () => {
    const t = countyAdmin.token;
    const other = await createPerson(t, { username: `ta2${run}`, role: 'admin', centreId: town });
    const token = tokenAs(other.body.id, 'admin', town);
    expect((await get(token, '/api/v1/admin/people')).status).toBe(200);
    expect((await post(t, `/api/v1/admin/people/${other.body.id}`, { role: 'mediator', specialties: ['legal'] })).status).toBe(200);
    expect((await get(token, '/api/v1/admin/people')).status).toBe(403);
    expect((await post(t, `/api/v1/admin/people/${other.body.id}`, { role: 'admin' })).status).toBe(200);
    expect((await get(token, '/api/v1/admin/people')).status).toBe(200);
    expect((await post(t, `/api/v1/admin/people/${other.body.id}/deactivate`)).status).toBe(200);
    // A deactivated person is no longer signed in at all.
    expect((await get(token, '/api/v1/admin/people')).status).toBe(401);
  });

  it('deactivates and reactivates: an inactive person keeps their record, loses their sessions and leaves the pool', async () => {
    const t = countyAdmin.token;
    const exp = (await get(t, '/api/v1/admin/people', { role: 'expert' })).body.items[0];
    const now = new Date();
    await api.env.db.models.Session.create({ _id: `s-${run}-1`, personId: exp.id, method: 'password', csrf: 'x', createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000) });
    const off = await post(t, `/api/v1/admin/people/${exp.id}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(await api.env.db.models.Session.countDocuments({ personId: exp.id, revokedAt: null })).toBe(0);
    expect((await get(t, '/api/v1/people', { centreId: county, role: 'expert' })).body.items).toEqual([]);
    expect((await get(t, '/api/v1/admin/people', { active: 'false', role: 'expert' })).body.items.map((p: { id: string }) => p.id)).toEqual([exp.id]);
    expect((await get(t, '/api/v1/admin/people', { active: 'true', role: 'expert' })).body.items).toEqual([]);
    const on = await post(t, `/api/v1/admin/people/${exp.id}/reactivate`);
    expect(on.body.active).toBe(true);
    expect((await get(t, '/api/v1/people', { centreId: county, role: 'expert' })).body.items.map((p: { id: string }) => p.id)).toEqual([exp.id]);
    await audited('person.deactivate', 'done', { subjectId: exp.id });
    await audited('person.reactivate', 'done', { subjectId: exp.id });
  });

  it('resets a password: an argon2id hash the sign-in accepts, and the person’s sessions end', async () => {
    const t = countyAdmin.token;
    const grid = (await get(t, '/api/v1/admin/people', { role: 'grid_worker' })).body.items[0];
    const now = new Date();
    await api.env.db.models.Session.create({ _id: `s-${run}-2`, personId: grid.id, method: 'password', csrf: 'x', createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000) });
    const short = await post(t, `/api/v1/admin/people/${grid.id}/password`, { password: '123' });
    expect(short.status).toBe(400);
    expect(reasonOf(short, 'body.password')).toBe('the password needs at least 10 characters');
    const res = await post(t, `/api/v1/admin/people/${grid.id}/password`, { password: 'a brand new passphrase' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: grid.id, sessionsEnded: 1 });
    const credential = await api.env.db.models.Credential.findById(passwordKey(grid.username)).lean();
    expect(credential?.hash).toMatch(/^\$argon2id\$/);
    expect(await passwordMatches(credential?.hash ?? null, 'a brand new passphrase')).toBe(true);
    expect(await passwordMatches(credential?.hash ?? null, 'the old one')).toBe(false);
    const entries = await audited('person.password', 'done', { subjectId: grid.id });
    expect(JSON.stringify(entries)).not.toContain('a brand new passphrase');
    await audited('person.password', 'refused', { subjectId: grid.id });
  });

  it('moves a village to another town: its path and its people’s move, filed cases keep theirs', async () => {
    const filed = await post(cityAdmin, '/api/v1/cases', {
      category: 'neighbour_dispute',
      title: '楼道堆放杂物',
      description: '邻居在楼道堆放杂物，影响通行',
      channel: 'walk_in',
      location: { centreId: village2, address: '测试村 1 号' },
      complainant: { name: '王测试', phone: '13800009999' },
    });
    expect(filed.status).toBe(201);
    await eventually(async () => (await get(cityAdmin, `/api/v1/cases/${filed.body.id}`)).status === 200, 15_000);

    expect((await post(countyAdmin.token, `/api/v1/admin/centres/${village2}/move`, { parentId: town2 })).status).toBe(403);
    expect((await post(cityAdmin, `/api/v1/admin/centres/${town}/move`, { parentId: 'zz-pinghe' })).status).toBe(409);
    expect(reasonOf(await post(cityAdmin, `/api/v1/admin/centres/${village2}/move`, { parentId: village }), 'body.parentId')).toBe('choose a town or street');
    expect(reasonOf(await post(cityAdmin, `/api/v1/admin/centres/${village2}/move`, { parentId: town }), 'body.parentId')).toBe('the centre is already there');
    const moved = await post(cityAdmin, `/api/v1/admin/centres/${village2}/move`, { parentId: town2 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentId: town2, path: ['zz', county, town2, village2], peopleMoved: 1, openCasesKeepingPath: 1 });
    const person = (await get(countyAdmin.token, '/api/v1/admin/people', { centreId: village2 })).body.items[0];
    expect(person.centrePath).toEqual(['zz', county, town2, village2]);
    const kept = await get(cityAdmin, `/api/v1/cases/${filed.body.id}`);
    expect(kept.body.centrePath).toEqual(['zz', county, town, village2]);
    await audited('centre.move', 'done', { 'detail.id': village2 });

    // Closing it is refused while the case is open there, and the answer counts it.
    const refused = await post(cityAdmin, `/api/v1/admin/centres/${village2}/close`);
    expect(refused.status).toBe(409);
    expect(refused.body.openCases).toBe(1);
    expect(refused.body.message.zh).toContain('1 件未办结案件');
    expect(refused.body.message.en).toContain('1 open case is still held');
    await audited('centre.close', 'refused', { 'detail.id': village2 });
  });

  it('closes a centre with nothing left open: kept for history, no new reports, no new people', async () => {
    expect((await post(countyAdmin.token, `/api/v1/admin/centres/${emptyVillage}/close`)).status).toBe(403);
    expect((await post(cityAdmin, '/api/v1/admin/centres/zz/close')).status).toBe(409);
    // A town with open villages below it stays open; so does a village with active staff.
    const town2Close = await post(cityAdmin, `/api/v1/admin/centres/${town2}/close`);
    expect(town2Close.status).toBe(409);
    expect(town2Close.body.openChildren).toBeGreaterThan(0);
    const staffed = await createPerson(countyAdmin.token, { username: `v3${run}`, role: 'grid_worker', centreId: emptyVillage });
    expect((await post(cityAdmin, `/api/v1/admin/centres/${emptyVillage}/close`)).body.activeStaff).toBe(1);
    expect((await post(countyAdmin.token, `/api/v1/admin/people/${staffed.body.id}/deactivate`)).status).toBe(200);

    const closed = await post(cityAdmin, `/api/v1/admin/centres/${emptyVillage}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.closedAt).toEqual(expect.any(String));
    const listed = (await request(api.app).get('/api/v1/centres').query({ parentId: town2 })).body.items.find((c: { id: string }) => c.id === emptyVillage);
    expect(listed.closedAt).toBe(closed.body.closedAt);
    const intake = await post(cityAdmin, '/api/v1/cases', {
      category: 'neighbour_dispute',
      title: '测试',
      description: '测试',
      channel: 'walk_in',
      location: { centreId: emptyVillage, address: '测试村' },
      complainant: { name: '王测试', phone: '13800009999' },
    });
    expect(intake.status).toBe(400);
    expect(reasonOf(intake, 'body.location.centreId')).toBe('this centre is closed');
    expect(reasonOf(await createPerson(countyAdmin.token, { username: `v3b${run}`, role: 'grid_worker', centreId: emptyVillage }, 400), 'body.centreId')).toBe('this centre is closed');
    const reactivate = await post(countyAdmin.token, `/api/v1/admin/people/${staffed.body.id}/reactivate`);
    expect(reactivate.status).toBe(409);
    await audited('centre.close', 'done', { 'detail.id': emptyVillage });
  });

  it('departments: an administrator registers and renames those of their area, and lists only those', async () => {
    const t = countyAdmin.token;
    expect((await post(t, '/api/v1/admin/departments', { name: { zh: '外', en: 'Out' }, centreId: 'zz-pinghe' })).status).toBe(403);
    expect(reasonOf(await post(t, '/api/v1/admin/departments', { name: { zh: '无', en: 'None' }, centreId: `none${run}` }), 'body.centreId')).toBe('no such centre');
    const created = await post(t, '/api/v1/admin/departments', { name: { zh: '测试县公安局', en: 'Test County Police' }, centreId: county });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^dept-[0-9a-f]{12}$/);
    expect((await post(t, '/api/v1/admin/departments', { id: created.body.id, name: { zh: '重', en: 'Again' }, centreId: county })).status).toBe(409);
    const renamed = await post(t, `/api/v1/admin/departments/${created.body.id}`, { name: { zh: '测试县公安局（新）', en: 'Test County Police (new)' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name.zh).toBe('测试县公安局（新）');
    expect((await post(t, '/api/v1/admin/departments/dept-pinghe-police', { name: { zh: 'x', en: 'x' } })).status).toBe(403);
    const mine = await get(t, '/api/v1/admin/departments');
    expect(mine.body.items.map((d: { id: string }) => d.id).sort()).toEqual([created.body.id, `dept-${run}`].sort());
    expect(mine.body.items.find((d: { id: string }) => d.id === `dept-${run}`).staff).toBe(1);
    // The city sees every department; staff handing cases find the new one.
    const city = await get(cityAdmin, '/api/v1/admin/departments');
    expect(city.body.items.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['dept-pinghe-police', created.body.id]));
    const forCentre = await get(t, '/api/v1/departments', { forCentre: town });
    expect(forCentre.body.items.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([created.body.id, `dept-${run}`]));
    await audited('department.create', 'done', { 'detail.id': created.body.id });
    await audited('department.rename', 'done', { 'detail.id': created.body.id });
    await audited('department.create', 'refused', { 'actor.personId': countyAdmin.id });
  });
});
