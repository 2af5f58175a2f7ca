// Open311 as a public service: what its public reads show of disputes and hazards, the
// api_key client systems write with, and the city administrators who issue and revoke keys.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';

const CLI = path.resolve(__dirname, '../../bin/onedoor.js');
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const KEY = /^o311_[A-Za-z0-9_-]{43}$/;

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-open311');
});
afterAll(async () => {
  await api?.stop();
});

const cityAdmin = () => bearer(tokenFor('p-zz-admin'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function issueKey(name: string): Promise<{ id: string; key: string }> {
  const res = await request(api.app).post('/api/v1/open311/keys').set(...cityAdmin()).send({ name });
  expect(res.status).toBe(201);
  return { id: res.body.id, key: res.body.key };
}

/** A GeoReport request as a FixMyStreet-style client sends it: form-encoded, the key among the fields. */
function file(fields: Record<string, string>) {
  return request(api.app).post('/open311/v2/requests.json').type('form').send(fields);
}

const dispute = {
  service_code: 'neighbour_dispute',
  description: '邻居在楼道堆放杂物，多次沟通无果，电话 13912345678',
  address_id: VILLAGE,
  address_string: '东门社区幸福路 5 号楼 302 室',
  lat: '24.3071',
  long: '117.3142',
  first_name: '秀英',
  last_name: '郑',
  phone: '13912345678',
};

const hazard = {
  service_code: 'public_facility_hazard',
  description: '路口井盖缺失，夜里很危险，联系 13912345678',
  address_id: VILLAGE,
  address_string: '东门社区幸福路与中山路交叉口',
  lat: '24.3075',
  long: '117.3150',
  first_name: '国华',
  last_name: '黄',
  phone: '13912345678',
};

/** The public view of one request, once the case's projection has caught up. */
async function publicView(number: string, token?: string): Promise<Record<string, unknown>> {
  const res = await eventually(async () => {
    const req = request(api.app).get(`/open311/v2/requests/${number}.json`);
    const r = await (token ? req.set(...bearer(token)) : req);
    return r.status === 200 ? r : null;
  });
  expect(res.body).toHaveLength(1);
  return res.body[0];
}

describe('what the public sees', () => {
  let key = '';
  let disputeNumber = '';
  let hazardNumber = '';

  beforeAll(async () => {
    ({ key } = await issueKey('public reads'));
    const one = await file({ ...dispute, api_key: key });
    expect(one.status).toBe(201);
    disputeNumber = one.body[0].service_request_id;
    const two = await file({ ...hazard, api_key: key });
    expect(two.status).toBe(201);
    hazardNumber = two.body[0].service_request_id;
  });

  it('a dispute shows no address, coordinates, description or person: its village, category, status and dates only', async () => {
    const item = await publicView(disputeNumber);
    expect(item).toMatchObject({
      service_request_id: disputeNumber,
      service_code: 'neighbour_dispute',
      service_name: 'Neighbour dispute',
      status: 'open',
      address: null,
      address_id: VILLAGE,
      lat: null,
      long: null,
      description: null,
      media_url: null,
      zipcode: null,
      service_notice: null,
    });
    expect(item.status_notes).toMatch(/^stage: [a-z_]+$/);
    expect(typeof item.agency_responsible).toBe('string');
    expect(JSON.stringify(item)).not.toMatch(/幸福路|302|24\.30|117\.31|杂物|1391|秀英|郑/);
  });

  it('a dispute in a list shows exactly what it shows alone', async () => {
    const alone = await publicView(disputeNumber);
    const listed = await request(api.app).get('/open311/v2/requests.json').query({ service_request_id: disputeNumber });
    expect(listed.body).toEqual([alone]);
    const byCode = await request(api.app).get('/open311/v2/requests.json').query({ service_code: 'neighbour_dispute', page_size: '100' });
    for (const item of byCode.body) expect(item).toMatchObject({ address: null, lat: null, long: null, description: null, media_url: null });
  });

  it('a hazard shows its place and description, phone numbers masked, and no name', async () => {
    const item = await publicView(hazardNumber);
    expect(item).toMatchObject({
      service_code: 'public_facility_hazard',
      address: hazard.address_string,
      address_id: VILLAGE,
      lat: 24.3075,
      long: 117.315,
      description: '路口井盖缺失，夜里很危险，联系 139****5678',
      media_url: null,
    });
    expect(JSON.stringify(item)).not.toMatch(/13912345678|国华|黄/);
  });

  it('a signed-in caller reads the same public view as anyone', async () => {
    expect(await publicView(disputeNumber, tokenFor('p-zz-admin'))).toEqual(await publicView(disputeNumber));
    expect(await publicView(hazardNumber, tokenFor('p-dongmen-admin'))).toEqual(await publicView(hazardNumber));
  });
});

describe('writing with an api_key', () => {
  it('a fresh key files a request as its client system, named on the intake record', async () => {
    const { id, key } = await issueKey('FixMyStreet 漳州');
    const res = await file({ ...hazard, api_key: key });
    expect(res.status).toBe(201);
    const number = res.body[0].service_request_id as string;
    expect(number).toMatch(/^ZZ-\d{8}-\d{6}$/);
    const stored = await eventually(() => api.env.db.models.Case.findOne({ caseNumber: number }).lean());
    expect(stored).toMatchObject({ channel: 'open311', reportedById: `open311:${id}`, complainant: { name: '国华 黄', phone: '13912345678' } });
    const intake = await eventually(() => api.env.db.models.Audit.collection.findOne({ _id: `intake:${String(stored._id)}` as never }));
    expect(intake).toMatchObject({ action: 'intake', detail: { channel: 'open311', client: 'FixMyStreet 漳州', clientKeyId: id } });
  });

  it('JSON bodies carry the key too', async () => {
    const { key } = await issueKey('JSON client');
    const res = await request(api.app).post('/open311/v2/requests.json').send({ ...hazard, lat: 24.3, long: 117.3, api_key: key });
    expect(res.status).toBe(201);
  });

  it('a revoked key is refused with 403, in both languages, and the refusal is audited', async () => {
    const { id, key } = await issueKey('to be revoked');
    const revoked = await request(api.app).post(`/api/v1/open311/keys/${id}/revoke`).set(...cityAdmin());
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, name: 'to be revoked', revokedBy: 'p-zz-admin' });
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const res = await file({ ...hazard, api_key: key });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.message).toEqual({ zh: expect.stringMatching(/停用/), en: expect.stringMatching(/revoked/) });
    const audit = await api.env.db.models.Audit.findOne({ action: 'open311.create_request', 'detail.keyId': id }).lean();
    expect(audit).toMatchObject({ outcome: 'refused', status: 403, actor: { anonymous: true }, scope: ['zz'] });
    // Revoking again changes nothing.
    const again = await request(api.app).post(`/api/v1/open311/keys/${id}/revoke`).set(...cityAdmin());
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('a key never issued is refused with 401', async () => {
    const res = await file({ ...hazard, api_key: `o311_${'A'.repeat(43)}` });
    expect(res.status).toBe(401);
    expect(res.body.message).toEqual({ zh: expect.stringMatching(/无效/), en: expect.stringMatching(/not valid/) });
  });

  it('without a key or a bearer token a write is refused with 401, before the body is judged', async () => {
    for (const fields of [hazard, { ...hazard, api_key: '' }, { service_code: 'nonsense' }]) {
      const res = await file(fields as Record<string, string>);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.message).toEqual({ zh: expect.any(String), en: expect.stringMatching(/api_key/) });
    }
  });

  it('a signed-in person still files with a bearer token alone', async () => {
    const res = await file(hazard).set(...bearer(tokenFor('p-dongmen-resident')));
    expect(res.status).toBe(201);
  });

  it('a bearer token with a revoked key is still refused: a key sent is always checked', async () => {
    const { id, key } = await issueKey('revoked with a token');
    await request(api.app).post(`/api/v1/open311/keys/${id}/revoke`).set(...cityAdmin());
    expect((await file({ ...hazard, api_key: key }).set(...bearer(tokenFor('p-dongmen-resident')))).status).toBe(403);
  });
});

describe('managing keys', () => {
  it('stores only the hash of a key, and the list never shows a key', async () => {
    const res = await request(api.app).post('/api/v1/open311/keys').set(...cityAdmin()).send({ name: '  Hotline bridge  ' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ name: 'Hotline bridge', createdBy: 'p-zz-admin', revokedAt: null, revokedBy: null });
    expect(res.body.key).toMatch(KEY);
    expect(res.body.id).toBe(sha256(res.body.key).slice(0, 16));
    const stored = await api.env.db.models.Open311Key.findById(sha256(res.body.key)).lean();
    expect(stored).toMatchObject({ name: 'Hotline bridge', createdBy: 'p-zz-admin', revokedAt: null });
    expect(JSON.stringify(await api.env.db.models.Open311Key.find({}).lean())).not.toContain(res.body.key);

    const list = await request(api.app).get('/api/v1/open311/keys').set(...cityAdmin());
    expect(list.status).toBe(200);
    const mine = list.body.items.find((item: { id: string }) => item.id === res.body.id);
    expect(mine).toEqual({ id: res.body.id, name: 'Hotline bridge', createdAt: res.body.createdAt, createdBy: 'p-zz-admin', revokedAt: null, revokedBy: null });
    expect(JSON.stringify(list.body)).not.toContain(res.body.key.slice(5));
    for (const item of list.body.items) expect(item).not.toHaveProperty('key');

    const audit = await api.env.db.models.Audit.findOne({ action: 'open311_key.create', 'detail.keyId': res.body.id }).lean();
    expect(audit).toMatchObject({ outcome: 'ok', status: 201, actor: { personId: 'p-zz-admin' }, detail: { name: 'Hotline bridge' }, scope: ['zz'] });
    expect(JSON.stringify(audit)).not.toContain(res.body.key);
  });

  it.each(['p-pinghe-admin', 'p-dongmen-admin', 'p-dongmen-resident'])('%s (not an administrator of the city) is refused with 403, and it is audited', async (person) => {
    const token = bearer(tokenFor(person));
    const { id } = await issueKey(`refusal test for ${person}`);
    const refusals = [
      await request(api.app).get('/api/v1/open311/keys').set(...token),
      await request(api.app).post('/api/v1/open311/keys').set(...token).send({ name: 'mine' }),
      await request(api.app).post(`/api/v1/open311/keys/${id}/revoke`).set(...token),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect(res.body.message).toEqual({ zh: expect.stringMatching(/市级中心/), en: expect.stringMatching(/city centre/) });
    }
    const audited = await api.env.db.models.Audit.find({ 'actor.personId': person, action: { $in: ['open311_key.list', 'open311_key.create', 'open311_key.revoke'] }, outcome: 'refused' }).lean();
    expect(new Set(audited.map((entry) => entry.action))).toEqual(new Set(['open311_key.list', 'open311_key.create', 'open311_key.revoke']));
    expect(audited.find((entry) => entry.action === 'open311_key.revoke')?.detail).toMatchObject({ keyId: id });
    const list = await request(api.app).get('/api/v1/open311/keys').set(...cityAdmin());
    expect(list.body.items.find((item: { id: string }) => item.id === id)?.revokedAt).toBeNull();
  });

  it.each([
    ['empty', { name: '' }],
    ['blank', { name: '   ' }],
    ['too long', { name: 'x'.repeat(101) }],
    ['missing', {}],
    ['not text', { name: 42 }],
  ])('a %s name is a 400 naming the field', async (_label, body) => {
    const res = await request(api.app).post('/api/v1/open311/keys').set(...cityAdmin()).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { name: string }) => error.name)).toContain('body.name');
  });

  it('revoking a key nobody issued is a 404, in both languages, and audited', async () => {
    const res = await request(api.app).post('/api/v1/open311/keys/0123456789abcdef/revoke').set(...cityAdmin());
    expect(res.status).toBe(404);
    expect(res.body.message).toEqual({ zh: expect.stringContaining('0123456789abcdef'), en: expect.stringContaining('0123456789abcdef') });
    const audit = await api.env.db.models.Audit.findOne({ action: 'open311_key.revoke', 'detail.keyId': '0123456789abcdef' }).lean();
    expect(audit).toMatchObject({ outcome: 'refused', status: 404 });
    expect((await request(api.app).post('/api/v1/open311/keys/not-a-key/revoke').set(...cityAdmin())).status).toBe(400);
  });
});

describe('onedoor open311-key', () => {
  const run = promisify(execFile);
  const env = () => ({ ...process.env, MONGODB_URI: inject('mongodbUri') });

  it('prints a new key, and only the key, on stdout; the key files requests', async () => {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'open311-key', '--name', 'CLI client'], { env: env(), timeout: 60_000 });
    const key = stdout.trim();
    expect(stdout).toBe(`${key}\n`);
    expect(key).toMatch(KEY);
    const id = sha256(key).slice(0, 16);
    expect(stderr).toContain(id);
    expect(stderr).not.toContain(key);
    expect(await api.env.db.models.Open311Key.findById(sha256(key)).lean()).toMatchObject({ name: 'CLI client', createdBy: 'cli', revokedAt: null });
    expect((await file({ ...hazard, api_key: key })).status).toBe(201);
  }, 60_000);

  it('refuses a missing or empty name with exit code 2', async () => {
    for (const args of [['open311-key'], ['open311-key', '--name', '']]) {
      const failed = await run(process.execPath, [CLI, ...args], { env: env(), timeout: 60_000 }).then(
        () => null,
        (error: { code?: number; stdout?: string; stderr?: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stdout).toBe('');
      expect(failed?.stderr).toMatch(/--name/);
    }
  }, 60_000);
});
