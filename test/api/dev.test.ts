// Development sign-in: the seeded people and a token for one of them; off in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createApp } from '../../src/api/app';
import { bearer, startApiEnv, TEST_SECRET, type ApiEnv } from './helpers';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-dev');
});
afterAll(async () => {
  await api?.stop();
});

describe('development sign-in', () => {
  it('lists the seeded people, residents first', async () => {
    const res = await request(api.app).get('/api/v1/dev/people');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['p-dongmen-resident', 'p-dongmen-grid', 'p-pinghe-admin', 'p-pinghe-expert-legal', 'p-pinghe-med-estate']));
    expect(res.body.items[0].role).toBe('resident');
    expect(res.body.items.find((p: { id: string }) => p.id === 'p-pinghe-expert-legal')).toMatchObject({ name: '朱文斌', role: 'expert', centreId: 'zz-pinghe', title: '首席法律咨询专家' });
  });

  it('mints a token the API accepts, with the person’s role and centre', async () => {
    const res = await request(api.app).post('/api/v1/dev/token').send({ personId: 'p-xiaoxi-admin' });
    expect(res.status).toBe(200);
    expect(res.body.person).toMatchObject({ id: 'p-xiaoxi-admin', role: 'admin', centreId: 'zz-pinghe-xiaoxi' });
    const dash = await request(api.app).get('/api/v1/dashboard').set(...bearer(res.body.token));
    expect(dash.status).toBe(200);
    expect(dash.body.centreId).toBe('zz-pinghe-xiaoxi');
  });

  it('refuses unknown people and bad ids', async () => {
    expect((await request(api.app).post('/api/v1/dev/token').send({ personId: 'p-nobody' })).status).toBe(404);
    const bad = await request(api.app).post('/api/v1/dev/token').send({ personId: '$where' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].name).toBe('body.personId');
  });

  it('is off in production', async () => {
    const production = createApp({ config: { ...loadConfig({ NODE_ENV: 'production' }), jwtSecret: TEST_SECRET, logLevel: 'silent' }, db: api.env.db, temporal: api.env.temporal });
    expect((await request(production).get('/api/v1/dev/people')).status).toBe(404);
    expect((await request(production).post('/api/v1/dev/token').send({ personId: 'p-xiaoxi-admin' })).status).toBe(404);
    const signIn = await request(production).post('/api/v1/dev/sign-in').send({ personId: 'p-xiaoxi-admin' });
    expect(signIn.status).toBe(404);
    expect(signIn.headers['set-cookie']).toBeUndefined();
    expect((await request(production).get('/api/v1/dev/sms')).status).toBe(404);
    // Production without an SMS provider offers no code sign-in, and the sign-in page is told so.
    expect((await request(production).get('/api/v1/session')).body.ways).toEqual({ password: true, code: false, sso: false, development: false });
    expect((await request(production).post('/api/v1/session/code/request').send({ phone: '13800000001' })).status).toBe(503);
  });

  it('serves the web UI at / and for page paths, never for API paths', async () => {
    const page = await request(api.app).get('/cases/case_000000000000000000000000');
    expect([200, 503]).toContain(page.status);
    if (page.status === 200) expect(page.text).toContain('<div id="app">');
    const apiMiss = await request(api.app).get('/api/v1/nothing-here');
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.type).toBe('application/problem+json');
    expect((await request(api.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(api.app).get('/missing.js')).status).toBe(404);
  });
});
