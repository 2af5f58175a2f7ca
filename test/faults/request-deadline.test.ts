// A dependency that accepts the call but never answers must not hang the API: the
// request deadline answers 503 with Retry-After, and the late outcome is dropped quietly.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import type { TemporalClient } from '../../src/temporal/client';
import { bearer, startApiEnv, TEST_SECRET, tokenFor, type ApiEnv } from '../api/helpers';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('request-deadline');
});
afterAll(async () => {
  await api?.stop();
});

describe('the request deadline', () => {
  it('an intake whose workflow start never returns gets 503 with Retry-After, not a hang', async () => {
    let release: () => void = () => {};
    const stuck = new Promise<never>((_, reject) => {
      release = () => reject(Object.assign(new Error('late'), { name: 'ServiceError' }));
    });
    // On a loaded machine the intake may reach the start only after the deadline has answered
    // (it reads the case number and the policy first); its late failure is then this promise's
    // alone, and must not count as an unhandled rejection of the API.
    stuck.catch(() => undefined);
    const temporal = {
      ...api.env.temporal,
      client: { ...api.env.temporal.client, workflow: { start: () => stuck } },
    } as unknown as TemporalClient;
    const app = createApp({ config: { ...loadConfig(), jwtSecret: TEST_SECRET, logLevel: 'silent', requestTimeoutMs: 300 }, db: api.env.db, temporal });
    const res = await request(app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-resident')))
      .send({
        category: 'other',
        title: 'stuck',
        description: 'Temporal accepts the call and never answers',
        channel: 'app',
        location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: 'x' },
        complainant: { name: '王秀兰', phone: '13800001234' },
      })
      .timeout(10_000);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/Idempotency-Key/);
    // The work finishing late (here: failing) neither crashes nor answers twice.
    release();
    await new Promise((r) => setTimeout(r, 50));
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});
