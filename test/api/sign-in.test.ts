// Staff sign in with a password: cookie sessions with CSRF for browsers, session tokens
// for API clients, sign-out that ends the session everywhere, failures counted and slowed
// down, and every request checked against the living person record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { bearer, startApiEnv, tokenForNewPerson, TEST_SECRET, type ApiEnv } from './helpers';
import { uniqueId } from '../helpers/temporal';
import { DEMO_PASSWORD } from '../../src/db/seed';
import { hashPassword, passwordKey } from '../../src/auth/passwords';
import { SESSION_COOKIE, sweepEndedSignIns } from '../../src/auth/sessions';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-sign-in');
});
afterAll(async () => {
  await api?.stop();
});

const signIn = (username: string, password: string, client?: 'browser' | 'api') =>
  request(api.app).post('/api/v1/session/password').send({ username, password, ...(client ? { client } : {}) });

/** A staff member of their own, so one test's failures do not lock out another's account. */
async function newStaff(role: 'admin' | 'mediator' = 'mediator', centreId = 'zz-pinghe-xiaoxi'): Promise<{ id: string; username: string; password: string }> {
  const id = uniqueId('p-signin-');
  await tokenForNewPerson(api, id, role, centreId);
  const password = 'correct horse battery';
  const now = new Date();
  await api.env.db.models.Credential.collection.insertOne({ _id: passwordKey(id) as never, personId: id, hash: await hashPassword(password), createdAt: now, updatedAt: now });
  return { id, username: id, password };
}

function cookieOf(res: request.Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error('no session cookie');
  return header;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('password sign-in from a browser', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure over plain-HTTP development) and names the person', async () => {
    const res = await signIn('p-zz-admin', DEMO_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ person: { id: 'p-zz-admin', role: 'admin', centreId: 'zz' }, method: 'password' });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.body.token).toBeUndefined();
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(cookie).not.toContain(res.body.csrfToken);
  });

  it('reads with the cookie; writes need the session’s CSRF token as well', async () => {
    const res = await signIn('p-zz-admin', DEMO_PASSWORD);
    const cookie = cookieOf(res).split(';')[0] as string;
    const session = await request(api.app).get('/api/v1/session').set('Cookie', cookie);
    expect(session.body).toMatchObject({ person: { id: 'p-zz-admin' }, csrfToken: res.body.csrfToken });
    expect((await request(api.app).get('/api/v1/cases').set('Cookie', cookie)).status).toBe(200);

    const missing = await request(api.app).post('/api/v1/session/renew').set('Cookie', cookie);
    expect(missing.status).toBe(403);
    expect(missing.body.type).toMatch(/csrf$/);
    expect(missing.body.message.zh).toContain('刷新');
    const wrong = await request(api.app).post('/api/v1/session/renew').set('Cookie', cookie).set('X-CSRF-Token', 'not-the-token');
    expect(wrong.status).toBe(403);
    const renewed = await request(api.app).post('/api/v1/session/renew').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken);
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.body.expiresAt)).toBeGreaterThanOrEqual(Date.parse(res.body.expiresAt));
  });

  it('signing out ends the session: the same cookie is refused afterwards', async () => {
    const res = await signIn('p-zz-admin', DEMO_PASSWORD);
    const cookie = cookieOf(res).split(';')[0] as string;
    const out = await request(api.app).post('/api/v1/session/sign-out').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken);
    expect(out.status).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join()).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
    const after = await request(api.app).get('/api/v1/cases').set('Cookie', cookie);
    expect(after.status).toBe(401);
    expect(after.body.message).toEqual({ zh: '登录已失效，请重新登录。', en: 'Your sign-in has ended: please sign in again.' });
  });

  it('takes JSON only, so no other site’s form can sign a visitor in', async () => {
    const res = await request(api.app).post('/api/v1/session/password').type('form').send({ username: 'p-zz-admin', password: DEMO_PASSWORD });
    expect(res.status).toBe(415);
  });
});

describe('API clients', () => {
  it('get a session token that works as a bearer token until sign-out', async () => {
    const res = await signIn('p-zz-admin', DEMO_PASSWORD, 'api');
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^ods_/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await request(api.app).get('/api/v1/cases').set(...bearer(res.body.token))).status).toBe(200);
    expect((await request(api.app).post('/api/v1/session/sign-out').set(...bearer(res.body.token))).status).toBe(204);
    expect((await request(api.app).get('/api/v1/cases').set(...bearer(res.body.token))).status).toBe(401);
  });
});

describe('wrong passwords', () => {
  it('answer the same for a wrong password and an unknown account, and write only an audit entry', async () => {
    const staff = await newStaff();
    const wrong = await signIn(staff.username, 'not the password');
    const unknown = await signIn(uniqueId('nobody-'), 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.message).toEqual({ zh: '用户名或密码不正确。', en: 'The username or password is wrong.' });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(await api.env.db.models.Session.countDocuments({ personId: staff.id })).toBe(0);
    const audit = await api.env.db.models.Audit.find({ action: 'sign_in', outcome: 'refused' }).lean();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain('not the password');
  });

  it('lock the account after five: even the right password waits, with Retry-After', async () => {
    const staff = await newStaff();
    for (let i = 0; i < 5; i += 1) expect((await signIn(staff.username, `wrong ${i}`)).status).toBe(401);
    const locked = await signIn(staff.username, staff.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
    expect(locked.body.message.zh).toContain('尝试次数过多');
  });

  it('a right password clears the count', async () => {
    const staff = await newStaff();
    for (let i = 0; i < 4; i += 1) await signIn(staff.username, `wrong ${i}`);
    expect((await signIn(staff.username, staff.password)).status).toBe(200);
    for (let i = 0; i < 4; i += 1) await signIn(staff.username, `wrong ${i}`);
    expect((await signIn(staff.username, staff.password)).status).toBe(200);
  });
});

describe('the living person record', () => {
  it('a deactivated person’s open session and tokens stop working at their next request', async () => {
    const staff = await newStaff();
    const res = await signIn(staff.username, staff.password, 'api');
    expect((await request(api.app).get('/api/v1/cases').set(...bearer(res.body.token))).status).toBe(200);
    await api.env.db.models.Person.updateOne({ _id: staff.id }, { $set: { active: false } });
    await sleep(2_100); // the record is cached for two seconds at most
    const after = await request(api.app).get('/api/v1/cases').set(...bearer(res.body.token));
    expect(after.status).toBe(401);
    expect(after.body.message.zh).toContain('停用');
    expect((await signIn(staff.username, staff.password)).status).toBe(401);
  });

  it('a person moved to another centre acts for the new one, whatever their token says', async () => {
    const id = uniqueId('p-moved-');
    const token = await tokenForNewPerson(api, id, 'admin', 'zz-pinghe-xiaoxi');
    expect((await request(api.app).get('/api/v1/dashboard').set(...bearer(token))).body.centreId).toBe('zz-pinghe-xiaoxi');
    const dongshan = await api.env.db.models.Centre.findById('zz-dongshan').lean();
    await api.env.db.models.Person.updateOne({ _id: id }, { $set: { centreId: 'zz-dongshan', centrePath: dongshan?.path } });
    await sleep(2_100);
    expect((await request(api.app).get('/api/v1/dashboard').set(...bearer(token))).body.centreId).toBe('zz-dongshan');
  });

  it('a token for nobody in the people collection is refused', async () => {
    const token = jwt.sign({ role: 'admin', centreId: 'zz' }, TEST_SECRET, { algorithm: 'HS256', subject: uniqueId('ghost-'), issuer: 'onedoor', expiresIn: 600 });
    expect((await request(api.app).get('/api/v1/cases').set(...bearer(token))).status).toBe(401);
  });

  it('forged and unsigned tokens are refused', async () => {
    const forged = jwt.sign({ role: 'admin', centreId: 'zz' }, 'another-secret-of-enough-length', { algorithm: 'HS256', subject: 'p-zz-admin', issuer: 'onedoor' });
    const none = jwt.sign({ role: 'admin', centreId: 'zz', sub: 'p-zz-admin', iss: 'onedoor' }, '', { algorithm: 'none' });
    for (const token of [forged, none]) {
      const res = await request(api.app).get('/api/v1/cases').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
    }
  });
});

describe('the sweep of ended sign-ins', () => {
  it('removes ended sessions, counters and codes and keeps open ones', async () => {
    const models = api.env.db.models;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3600_000);
    const id = uniqueId('sweep-');
    await models.Session.collection.insertMany([
      { _id: `${id}-old` as never, personId: 'p-zz-admin', method: 'password', csrf: 'x', createdAt: past, expiresAt: past, revokedAt: null, address: null },
      { _id: `${id}-open` as never, personId: 'p-zz-admin', method: 'password', csrf: 'x', createdAt: past, expiresAt: future, revokedAt: null, address: null },
    ]);
    await models.SignInAttempt.collection.insertOne({ _id: `${id}-attempt` as never, count: 3, windowStart: past, expiresAt: past });
    await models.SignInCode.collection.insertOne({ _id: `${id}-code` as never, hash: 'x', expiresAt: past, attemptsLeft: 5, sentAt: past });
    expect(await sweepEndedSignIns(models)).toBeGreaterThanOrEqual(3);
    expect(await models.Session.findById(`${id}-old`).lean()).toBeNull();
    expect(await models.Session.findById(`${id}-open`).lean()).not.toBeNull();
    expect(await models.SignInAttempt.findById(`${id}-attempt`).lean()).toBeNull();
    expect(await models.SignInCode.findById(`${id}-code`).lean()).toBeNull();
  });
});
