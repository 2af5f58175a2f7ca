// A case reported to the wrong village goes sideways to the right one, which accepts it or sends it
// back with a reason; the sender keeps read-only sight, the receiver sees why it came.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-transfers');
});
afterAll(async () => {
  await api?.stop();
});

const DONGMEN = 'zz-pinghe-xiaoxi-dongmen';
const XIMEN = 'zz-pinghe-xiaoxi-ximen';
const DONGMEN_ADMIN = tokenFor('p-dongmen-admin');
const XIMEN_ADMIN = tokenFor('p-ximen-admin');

const act = (token: string, id: string, action: object) => request(api.app).post(`/api/v1/cases/${id}/actions`).set(...bearer(token)).send(action);
const view = (token: string, id: string) => request(api.app).get(`/api/v1/cases/${id}`).set(...bearer(token));

describe('transfers between peer centres', () => {
  let id: string;
  beforeAll(async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-resident')))
      .send({
        category: 'neighbour_dispute',
        title: '邻居违建挡光',
        description: '西门社区 12 号邻居加建二层，挡住采光。',
        channel: 'app',
        location: { centreId: DONGMEN, address: '西门社区 12 号' },
        complainant: { name: '王秀兰', phone: '13800001234' },
      });
    expect(res.status).toBe(201);
    id = res.body.id;
    await eventually(async () => (await view(DONGMEN_ADMIN, id)).status === 200, 10_000);
  });

  it('refuses a centre that does not exist, the case’s own, one at another level, with the reason', async () => {
    const unknown = await act(DONGMEN_ADMIN, id, { type: 'transfer', toCentreId: 'zz-nowhere', reason: '属地有误' });
    expect([unknown.status, unknown.body.detail]).toEqual([400, expect.stringContaining('no centre zz-nowhere')]);
    const own = await act(DONGMEN_ADMIN, id, { type: 'transfer', toCentreId: DONGMEN, reason: '属地有误' });
    expect([own.status, own.body.detail]).toEqual([400, expect.stringContaining('already at that centre')]);
    const town = await act(DONGMEN_ADMIN, id, { type: 'transfer', toCentreId: 'zz-pinghe-xiaoxi', reason: '属地有误' });
    expect([town.status, town.body.detail]).toEqual([400, expect.stringContaining('escalate')]);
    const noReason = await act(DONGMEN_ADMIN, id, { type: 'transfer', toCentreId: XIMEN });
    expect(noReason.status).toBe(400);
    expect((await view(DONGMEN_ADMIN, id)).body).toMatchObject({ centreId: DONGMEN, stage: 'intake' });
  });

  it('goes to the peer, which may send it back with a reason', async () => {
    const sent = await act(DONGMEN_ADMIN, id, { type: 'transfer', toCentreId: XIMEN, reason: '地址在西门社区' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ centreId: XIMEN, stage: 'intake', readOnly: true, allowedActions: [] });
    const atXimen = (await view(XIMEN_ADMIN, id)).body;
    expect(atXimen.allowedActions).toEqual(expect.arrayContaining(['accept', 'refuse_transfer']));
    expect(atXimen.moves.at(-1)).toMatchObject({ cause: 'transfer', fromCentreId: DONGMEN, toCentreId: XIMEN, reason: '地址在西门社区', by: { personId: 'p-dongmen-admin' } });
    const refused = await act(XIMEN_ADMIN, id, { type: 'refuse_transfer', reason: '12 号属东门社区辖区' });
    expect(refused.status).toBe(200);
    const back = (await view(DONGMEN_ADMIN, id)).body;
    expect(back).toMatchObject({ centreId: DONGMEN, stage: 'intake', readOnly: false });
    expect(back.moves.at(-1)).toMatchObject({ cause: 'refused', fromCentreId: XIMEN, toCentreId: DONGMEN, reason: '12 号属东门社区辖区' });
  });

  it('once accepted there, is handled there and the sender follows it read-only', async () => {
    expect((await act(DONGMEN_ADMIN, id, { type: 'transfer', toCentreId: XIMEN, reason: '核实后确属西门社区' })).status).toBe(200);
    const accepted = await act(XIMEN_ADMIN, id, { type: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ centreId: XIMEN, stage: 'risk_assessment' });
    expect(accepted.body.clocks.handling).toMatchObject({ centreId: XIMEN });
    const sender = await view(DONGMEN_ADMIN, id);
    expect(sender.body).toMatchObject({ readOnly: true, allowedActions: [], stage: 'risk_assessment' });
    const timeline = await request(api.app).get(`/api/v1/cases/${id}/timeline`).set(...bearer(tokenFor('p-xiaoxi-admin')));
    expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual(['reported', 'transferred', 'transfer_refused', 'transferred', 'accepted']);
  });
});
