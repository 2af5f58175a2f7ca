// Security headers on every answer, and per-address limits on what anyone may attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, TEST_SECRET, tokenFor, type ApiEnv } from './helpers';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-hardening');
});
afterAll(async () => {
  await api?.stop();
});

const limited = (settings: { intakeRatePerMinute?: number; signInRatePerMinute?: number; signInFailuresPerAddress?: number; trustProxy?: number | string }) =>
  createApp({ config: { ...loadConfig(), jwtSecret: TEST_SECRET, logLevel: 'silent', intakeRatePerMinute: 0, signInRatePerMinute: 0, signInFailuresPerAddress: 0, ...settings }, db: api.env.db, temporal: api.env.temporal });

describe('security headers', () => {
  it('every answer carries a strict Content-Security-Policy and the usual guards', async () => {
    for (const path of ['/', '/api/v1/centres', '/healthz', '/no-such-thing']) {
      const res = await request(api.app).get(path);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('the API docs page allows exactly its own inline script and style, by hash', async () => {
    const res = await request(api.app).get('/docs');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('rate limits per address', () => {
  it('intake: past the limit, 429 with Retry-After and a message in both languages; nothing filed', async () => {
    const app = limited({ intakeRatePerMinute: 2 });
    const body = { category: 'neighbour_dispute', title: '楼上噪音', description: '夜间噪音扰民', channel: 'app', location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '3 号楼' }, complainant: { name: '王秀兰', phone: '13800001234' } };
    const token = tokenFor('p-dongmen-resident');
    for (let i = 0; i < 2; i += 1) expect((await request(app).post('/api/v1/cases').set(...bearer(token)).send(body)).status).toBe(201);
    const before = await api.env.db.models.Case.countDocuments({});
    const third = await request(app).post('/api/v1/cases').set(...bearer(token)).send(body);
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.body.message.zh).toContain('过于频繁');
    expect(third.body.message.en).toContain('Too many submissions');
    expect(await api.env.db.models.Case.countDocuments({})).toBe(before);
  });

  it('sign-in: past the limit, 429 whatever the account', async () => {
    const app = limited({ signInRatePerMinute: 3 });
    for (let i = 0; i < 3; i += 1) await request(app).post('/api/v1/session/password').send({ username: `nobody-${i}`, password: 'x' });
    const res = await request(app).post('/api/v1/session/password').send({ username: 'p-zz-admin', password: 'onedoor-demo' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });
});

describe('behind a reverse proxy', () => {
  it('with ONEDOOR_TRUST_PROXY the limits count each client the proxy names, not the proxy', async () => {
    const app = limited({ signInRatePerMinute: 2, trustProxy: 1 });
    const attempt = (client: string) => request(app).post('/api/v1/session/password').set('X-Forwarded-For', client).send({ username: 'nobody', password: 'x' });
    expect((await attempt('203.0.113.7')).status).toBe(401);
    expect((await attempt('203.0.113.7')).status).toBe(401);
    expect((await attempt('203.0.113.7')).status).toBe(429);
    expect((await attempt('198.51.100.9')).status).toBe(401);
    const entry = await api.env.db.models.Audit.findOne({ action: 'sign_in', address: '198.51.100.9' }).lean();
    expect(entry).not.toBeNull();
  });

  it('without it, a forged X-Forwarded-For changes nothing', async () => {
    const app = limited({ signInRatePerMinute: 1 });
    expect((await request(app).post('/api/v1/session/password').set('X-Forwarded-For', '192.0.2.1').send({ username: 'nobody', password: 'x' })).status).toBe(401);
    expect((await request(app).post('/api/v1/session/password').set('X-Forwarded-For', '192.0.2.2').send({ username: 'nobody', password: 'x' })).status).toBe(429);
  });
});

describe('wrong passwords from one address', () => {
  it('past the address limit every account waits, with Retry-After, until the window ends', async () => {
    const app = limited({ signInFailuresPerAddress: 3, trustProxy: 1 });
    const client = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i += 1) expect((await request(app).post('/api/v1/session/password').set('X-Forwarded-For', client).send({ username: `someone-${i}`, password: 'x' })).status).toBe(401);
    const locked = await request(app).post('/api/v1/session/password').set('X-Forwarded-For', client).send({ username: 'p-zz-admin', password: 'onedoor-demo' });
    expect(locked.status).toBe(429);
    expect(locked.body.title).toBe('Too many attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
  });
});
