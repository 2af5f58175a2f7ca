// Supervision and pauses through the API: the orders a centre owes are on its dashboard until it
// replies, and bad orders and pauses get a 4xx with the reason, nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-supervision');
});
afterAll(async () => {
  await api?.stop();
});

const VILLAGE_ADMIN = 'p-dongmen-admin';
const TOWN_ADMIN = 'p-xiaoxi-admin';
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

async function act(personId: string, id: string, action: object) {
  return request(api.app).post(`/api/v1/cases/${id}/actions`).set(...bearer(tokenFor(personId))).send(action);
}

async function ordersOn(personId: string): Promise<{ caseId: string; orderId: string; status: string }[]> {
  const res = await request(api.app).get('/api/v1/dashboard').set(...bearer(tokenFor(personId)));
  expect(res.status).toBe(200);
  return res.body.unansweredOrders.items;
}

async function fileAndAccept(): Promise<string> {
  const res = await request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(tokenFor('p-dongmen-grid')))
    .send({
      category: 'neighbour_dispute',
      title: '邻里围墙纠纷',
      description: '两户因围墙位置发生争执。',
      channel: 'grid',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '东门社区 5 号' },
      complainant: { name: '赵强', phone: '13800005555' },
    });
  expect(res.status).toBe(201);
  await eventually(async () => (await act(VILLAGE_ADMIN, res.body.id, { type: 'accept' })).status === 200, 10_000);
  return res.body.id;
}

describe('supervision orders through the API', () => {
  it('a town administrator supervises a village case; the village sees the order on its dashboard until it replies', async () => {
    const id = await fileAndAccept();
    const ordered = await act(TOWN_ADMIN, id, { type: 'supervise', reason: '群众多次来电，请报告进展', replyBy: later(86_400_000) });
    expect(ordered.status).toBe(200);
    const order = ordered.body.clocks.supervisions.find((o: { automatic: boolean }) => !o.automatic);
    expect(order).toMatchObject({ byCentreId: 'zz-pinghe-xiaoxi', centreId: 'zz-pinghe-xiaoxi-dongmen', status: 'open', by: TOWN_ADMIN });
    await eventually(async () => (await ordersOn(VILLAGE_ADMIN)).some((o) => o.caseId === id && o.orderId === order.id), 10_000);
    expect((await ordersOn(TOWN_ADMIN)).some((o) => o.caseId === id)).toBe(true);

    const own = await act(VILLAGE_ADMIN, id, { type: 'supervise', reason: 'x', replyBy: later(86_400_000) });
    expect(own.status).toBe(403);
    const replied = await act(VILLAGE_ADMIN, id, { type: 'reply_supervision', orderId: order.id, reply: '已约双方本周五现场调解' });
    expect(replied.status).toBe(200);
    await eventually(async () => !(await ordersOn(VILLAGE_ADMIN)).some((o) => o.caseId === id && o.orderId === order.id), 10_000);
  });

  it('refuses an order with a reply time past, a pause without an end or past the allowance, and a reply to no order', async () => {
    const id = await fileAndAccept();
    const past = await act(TOWN_ADMIN, id, { type: 'supervise', reason: 'r', replyBy: later(-60_000) });
    expect(past.status).toBe(400);
    expect(past.body.detail).toMatch(/replyBy must be in the future/);
    const noEnd = await act(VILLAGE_ADMIN, id, { type: 'pause', reason: 'waiting_for_party' });
    expect(noEnd.status).toBe(400);
    expect(JSON.stringify(noEnd.body)).toMatch(/until/);
    const tooLong = await act(VILLAGE_ADMIN, id, { type: 'pause', reason: 'waiting_for_party', until: later(60 * 86_400_000) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.detail).toMatch(/at most 30 calendar days/);
    const noOrder = await act(VILLAGE_ADMIN, id, { type: 'reply_supervision', orderId: 's9', reply: 'x' });
    expect(noOrder.status).toBe(409);
    const view = await request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(tokenFor(VILLAGE_ADMIN)));
    expect(view.body.clocks).toMatchObject({ pause: null, supervisions: [] });
    const paused = await act(VILLAGE_ADMIN, id, { type: 'pause', reason: 'waiting_for_documents', note: '等待土地证明', until: later(3 * 86_400_000) });
    expect(paused.status).toBe(200);
    expect(paused.body.clocks.pause).toMatchObject({ reason: 'waiting_for_documents', note: '等待土地证明' });
    expect(paused.body.deadline).toBeNull();
  });
});
