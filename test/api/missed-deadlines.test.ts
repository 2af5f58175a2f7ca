// The dashboard counts a missed deadline against the centre that missed it, after the case has gone up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';

let api: ApiEnv;
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';

// Time runs 10 000 times faster: a high-risk case's handling limit of one working day passes in 8.6 s.
beforeAll(async () => {
  api = await startApiEnv('api-missed-deadlines', { timeScale: 1 / 10_000 });
});
afterAll(async () => {
  await api?.stop();
});

type Dashboard = { open: number; missedDeadlines: { count: number; items: { id: string; centreId: string; missedBy: string[] }[] } };

async function dashboardOf(personId: string, centreId?: string): Promise<Dashboard> {
  const res = await request(api.app).get('/api/v1/dashboard').query(centreId ? { centreId } : {}).set(...bearer(tokenFor(personId)));
  expect(res.status).toBe(200);
  return res.body as Dashboard;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a case that went up because the village let its deadline pass', () => {
  it('counts against the village, and against the town above it, though the village holds it no more', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-resident')))
      .send({
        category: 'public_facility_hazard',
        title: '公交站广告亭玻璃破碎',
        description: '公交站候车亭广告灯箱玻璃破碎，碎片散落在人行道上，无人处理。',
        channel: 'app',
        location: { centreId: VILLAGE, address: '东门社区 8 号楼' },
        complainant: { name: '王秀兰', phone: '13800009999' },
      });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const hasIt = (d: Dashboard) => d.missedDeadlines.items.some((c) => c.id === id);
    // Acceptance missed is a breach at once; the case leaves when its handling limit passes.
    const wentUp = (d: Dashboard) => d.missedDeadlines.items.some((c) => c.id === id && c.centreId !== VILLAGE);
    const village = await until(() => dashboardOf('p-dongmen-admin'), wentUp, 40_000);
    expect(village.missedDeadlines.items.find((c) => c.id === id)).toMatchObject({ missedBy: [VILLAGE] });
    expect(village.missedDeadlines.items.find((c) => c.id === id)?.centreId).not.toBe(VILLAGE);
    // The village's own staff see it on theirs; the town's admin on the town's.
    expect(hasIt(await dashboardOf('p-dongmen-grid'))).toBe(true);
    expect(hasIt(await dashboardOf('p-xiaoxi-admin'))).toBe(true);
    // Another county's dashboard does not.
    expect(hasIt(await dashboardOf('p-tiz-admin'))).toBe(false);
  });
});
