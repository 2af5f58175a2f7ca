// Photos and PDFs on the real stack: GridFS round trips (a large PDF byte for byte, a
// photo re-encoded upright without its EXIF unless the place is shared), hostile uploads
// refused with nothing stored, attachment at intake and on actions, reads only through
// a case the caller may see, and the sweep of uploads no case took.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore, fileStoreOf } from '../../src/db/file-store';
import { PENDING_LIFETIME_MS, sweepUploads } from '../../src/api/files/uploads';
import type { ApiContext } from '../../src/api/context';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';

let api: ApiEnv;
const MAX_BYTES = 9 * 1024 * 1024;
const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';

beforeAll(async () => {
  // Its own database: the sweeps below, run with a clock hours ahead, would delete other files' uploads in flight.
  api = await startApiEnv('api-files', { uploadMaxBytes: MAX_BYTES, uploadMaxPixels: 20_000_000 }, { database: 'onedoor_test_files' });
});
afterAll(async () => {
  await api?.stop();
});

const db = () => api.env.db.connection.db!;
const count = (collection: string) => db().collection(collection).countDocuments({});
const storedCounts = async () => ({ files: await count('fs.files'), chunks: await count('fs.chunks'), journal: await count('file_uploads') });

function upload(personId: string, data: Buffer, contentType: string, query: Record<string, string> = {}) {
  return request(api.app).post('/api/v1/files').query(query).set(...bearer(tokenFor(personId))).set('Content-Type', contentType).send(data);
}

/** A photo as a phone takes it: turned by its EXIF orientation, with the camera and the place it was taken. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: '#b33' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '24/1 30/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 39/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Whether EXIF holds a GPS block (the GPS IFD pointer, tag 0x8825, in either byte order). */
const hasGps = (exif: Buffer | undefined) => exif !== undefined && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));

function intake(personId: string, body: Record<string, unknown>) {
  return request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(tokenFor(personId)))
    .send({
      category: 'public_facility_hazard',
      title: '路灯杆倾斜',
      description: '小区门口路灯杆倾斜，随时可能倒下。',
      channel: 'app',
      location: { centreId: VILLAGE, address: '东门社区 3 号楼' },
      complainant: { name: '王秀兰', phone: '13800001234' },
      ...body,
    });
}

async function act(caseId: string, personId: string, action: Record<string, unknown>) {
  return request(api.app).post(`/api/v1/cases/${caseId}/actions`).set(...bearer(tokenFor(personId))).send(action);
}

const filesOf = (caseId: string, personId: string) => request(api.app).get(`/api/v1/cases/${caseId}/files`).set(...bearer(tokenFor(personId)));
const download = (caseId: string, fileId: string, personId: string, thumbnail = false) =>
  request(api.app)
    .get(`/api/v1/cases/${caseId}/files/${fileId}${thumbnail ? '/thumbnail' : ''}`)
    .set(...bearer(tokenFor(personId)))
    .buffer(true)
    .parse((res, done) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => done(null, Buffer.concat(parts)));
    });

describe('a resident reports with photos', () => {
  let caseId = '';
  let plainId = '';
  let sharedId = '';

  it('uploads a photo: stored upright, re-encoded without EXIF, with a thumbnail', async () => {
    const res = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg', { name: '路灯.jpg' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'image', contentType: 'image/jpeg', width: 200, height: 300, placeShared: false, name: '路灯.jpg' });
    plainId = res.body.id;
  });

  it('uploads one with the place shared: its EXIF and GPS are kept', async () => {
    const res = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg', { sharePlace: 'true' });
    expect(res.status).toBe(201);
    expect(res.body.placeShared).toBe(true);
    sharedId = res.body.id;
  });

  it('files the report naming both; the case lists them and its staff read them', async () => {
    const res = await intake('p-dongmen-resident', { files: [plainId, sharedId] });
    expect(res.status).toBe(201);
    caseId = res.body.id;
    const listed = await filesOf(caseId, 'p-dongmen-admin');
    expect(listed.status).toBe(200);
    expect(listed.body.files.map((f: { id: string; purpose: string; by: { name: string } }) => [f.id, f.purpose, f.by.name])).toEqual([
      [plainId, 'intake', '王秀兰'],
      [sharedId, 'intake', '王秀兰'],
    ]);
    expect(listed.body.mediaUrl).toBeNull();

    const plain = await download(caseId, plainId, 'p-dongmen-admin');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('image/jpeg');
    expect(plain.headers['cache-control']).toContain('private');
    const plainMeta = await sharp(plain.body as Buffer).metadata();
    expect([plainMeta.width, plainMeta.height]).toEqual([200, 300]);
    expect(plainMeta.exif).toBeUndefined();

    const shared = await sharp((await download(caseId, sharedId, 'p-dongmen-resident')).body as Buffer).metadata();
    expect(hasGps(shared.exif)).toBe(true);
    expect(shared.orientation).toBe(1);

    const thumb = await download(caseId, plainId, 'p-dongmen-grid', true);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumb.body as Buffer).metadata()).format).toBe('webp');
  });

  it('nobody else reads them: another resident, another village, no sign-in', async () => {
    for (const person of ['p-dongmen-resident-2', 'p-shicuo-admin']) {
      expect((await download(caseId, plainId, person)).status).toBe(404);
      expect((await filesOf(caseId, person)).status).toBe(404);
    }
    expect((await request(api.app).get(`/api/v1/cases/${caseId}/files/${plainId}`)).status).toBe(401);
  });

  it('an upload is its uploader’s: another resident cannot attach it, nor attach one already on a case', async () => {
    const mine = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg');
    const stolen = await intake('p-dongmen-resident-2', { files: [mine.body.id] });
    expect(stolen.status).toBe(400);
    expect(stolen.body.errors[0].name).toBe('body.files[0]');
    expect(stolen.body.message.zh).toContain('附件无效');
    const reused = await intake('p-dongmen-resident', { files: [plainId] });
    expect(reused.status).toBe(400);
  });
});

describe('files on disposal and on mediation sessions', () => {
  it('the village records a hazard’s disposal with a photo and a PDF', async () => {
    // A grid worker reports it on patrol, with a photo of their own.
    const seen = await upload('p-dongmen-grid', await phonePhoto(), 'image/jpeg');
    const opened = await intake('p-dongmen-grid', { channel: 'grid', complainant: { name: '李俊杰', phone: '13900001111' }, files: [seen.body.id] });
    expect(opened.status).toBe(201);
    const caseId = opened.body.id as string;
    expect((await act(caseId, 'p-dongmen-admin', { type: 'accept' })).status).toBe(200);
    const assessed = await act(caseId, 'p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] });
    expect(assessed.body.stage).toBe('mediation');
    const photo = await upload('p-dongmen-admin', await phonePhoto(), 'image/jpeg');
    const pdf = await upload('p-dongmen-admin', Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2000)]), 'application/pdf', { name: '处置报告.pdf' });
    expect(pdf.body).toMatchObject({ kind: 'pdf', name: '处置报告.pdf' });
    // A resident's upload is not the village's to attach.
    const someoneElses = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg');
    expect((await act(caseId, 'p-dongmen-admin', { type: 'record_disposal', summary: '已扶正路灯杆', files: [someoneElses.body.id] })).status).toBe(400);
    // An action the case refuses (a hazard has no sessions) leaves its files free, even for another case.
    const spare = await upload('p-dongmen-admin', await phonePhoto(), 'image/jpeg');
    const refused = await act(caseId, 'p-dongmen-admin', { type: 'record_session', summary: '现场查看', files: [spare.body.id] });
    expect(refused.status).toBe(409);
    expect((await intake('p-dongmen-admin', { channel: 'walk_in', files: [spare.body.id] })).status).toBe(201);
    const disposed = await act(caseId, 'p-dongmen-admin', { type: 'record_disposal', summary: '已扶正路灯杆并加固', files: [photo.body.id, pdf.body.id] });
    expect(disposed.status).toBe(200);
    const listed = await filesOf(caseId, 'p-dongmen-grid');
    expect(listed.body.files.map((f: { purpose: string; kind: string }) => [f.purpose, f.kind])).toEqual([
      ['intake', 'image'],
      ['disposal', 'image'],
      ['disposal', 'pdf'],
    ]);
    const pdfDownload = await download(caseId, pdf.body.id, 'p-dongmen-grid');
    expect(pdfDownload.headers['content-disposition']).toMatch(/^attachment; .*filename\*=UTF-8''%E5%A4%84/);
  });

  it('the mediator attaches a photo to a session record', async () => {
    const opened = await intake('p-dongmen-resident', { category: 'neighbour_dispute', title: '邻居漏水', description: '楼上漏水到我家', complainant: { name: '王秀兰', phone: '13800001234' } });
    const caseId = opened.body.id as string;
    await act(caseId, 'p-dongmen-admin', { type: 'accept' });
    await act(caseId, 'p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] });
    const assigned = await act(caseId, 'p-dongmen-admin', { type: 'assign_mediator' });
    expect(assigned.status).toBe(200);
    const mediator = assigned.body.mediator.id as string;
    const photo = await upload(mediator, await phonePhoto(), 'image/jpeg');
    const recorded = await act(caseId, mediator, { type: 'record_session', summary: '双方到场查看漏水点', files: [photo.body.id] });
    expect(recorded.status).toBe(200);
    const listed = await filesOf(caseId, 'p-dongmen-resident');
    expect(listed.body.files).toEqual([expect.objectContaining({ id: photo.body.id, purpose: 'session', by: { id: mediator, name: expect.any(String) } })]);
  });
});

describe('GridFS round trip', () => {
  it('a large PDF comes back byte for byte, in many chunks', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(8 * 1024 * 1024)]);
    const up = await upload('p-dongmen-resident', pdf, 'application/pdf', { name: 'big.pdf' });
    expect(up.status).toBe(201);
    expect(up.body.size).toBe(pdf.length);
    const opened = await intake('p-dongmen-resident', { files: [up.body.id] });
    const back = await download(opened.body.id, up.body.id, 'p-dongmen-resident');
    expect(back.status).toBe(200);
    expect(Buffer.compare(back.body as Buffer, pdf)).toBe(0);
    expect(await db().collection('fs.chunks').countDocuments({ files_id: up.body.id })).toBe(Math.ceil(pdf.length / (255 * 1024)));
  });
});

describe('the two ways to find chunks', () => {
  it('the driver’s GridFSBucket (as on MongoDB) round-trips and deletes, and the FerretDB way reads what it wrote', async () => {
    const driver = new FileStore(api.env.db.connection, { chunkLookup: 'files_id' });
    const byChunkId = new FileStore(api.env.db.connection, { chunkLookup: 'chunk_id' });
    const data = randomBytes(600 * 1024);
    const id = 'file_00000000000000000000b0c1';
    await driver.write(id, 'driver.bin', data, { kind: 'pdf' });
    const file = await driver.find(id);
    expect(file).toMatchObject({ length: data.length, filename: 'driver.bin', metadata: { kind: 'pdf' } });
    expect(Buffer.compare(await driver.read(file!), data)).toBe(0);
    // Chunks with the driver's ids: the FerretDB way falls back to the bucket.
    expect(Buffer.compare(await byChunkId.read(file!), data)).toBe(0);
    await byChunkId.delete(id);
    expect(await driver.find(id)).toBeNull();
    expect(await db().collection('fs.chunks').countDocuments({ files_id: id })).toBe(0);
    expect(await db().collection('file_uploads').countDocuments({ _id: id as never })).toBe(0);
  });
});

describe('hostile uploads: a clear 4xx in both languages, nothing stored', () => {
  it('an upload cut off half-way stores nothing', async () => {
    const before = await storedCounts();
    const server = http.createServer(api.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/files', headers: { 'Content-Type': 'application/pdf', 'Content-Length': String(4 * 1024 * 1024), Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` } });
    req.on('error', () => undefined);
    // Part of the promised body, handed to the socket, then the connection is dropped.
    await new Promise((resolve) => req.write(Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(512 * 1024)]), resolve));
    req.destroy();
    // The server sees the connection close; then nothing may have been written.
    await eventually(async () => (await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)))) === 0);
    server.close();
    expect(await storedCounts()).toEqual(before);
  });

  /** A PNG whose header claims 40,000 × 40,000 pixels (1.6 gigapixels) around one tiny compressed row. */
  async function pngBomb(): Promise<Buffer> {
    const small = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer();
    const bomb = Buffer.from(small);
    // IHDR's width and height follow the 8-byte signature, the chunk length and "IHDR"; its CRC is not checked before the size is read.
    bomb.writeUInt32BE(40_000, 16);
    bomb.writeUInt32BE(40_000, 20);
    return bomb;
  }

  /** A JPEG whose header is whole and whose picture data is cut off half-way. */
  async function damagedJpeg(): Promise<Buffer> {
    const whole = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    return whole.subarray(0, Math.floor(whole.length * 0.6));
  }

  const cases: [string, () => Promise<{ data: Buffer; type: string }>, number][] = [
    ['an HTML file named .jpg', async () => ({ data: Buffer.from('<!doctype html><script>alert(1)</script>'), type: 'image/jpeg' }), 415],
    ['an SVG with a script, declared as PNG', async () => ({ data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), type: 'image/png' }), 415],
    ['a photo declared as PDF', async () => ({ data: await phonePhoto(), type: 'application/pdf' }), 415],
    ['a type not accepted', async () => ({ data: Buffer.from('hello'), type: 'text/html' }), 415],
    ['an image bomb', async () => ({ data: await pngBomb(), type: 'image/png' }), 400],
    ['a damaged JPEG', async () => ({ data: await damagedJpeg(), type: 'image/jpeg' }), 400],
    ['an empty body', async () => ({ data: Buffer.alloc(0), type: 'image/jpeg' }), 400],
    ['an over-size upload', async () => ({ data: Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(MAX_BYTES)]), type: 'application/pdf' }), 413],
  ];

  for (const [what, make, status] of cases) {
    it(`${what}: ${status}`, async () => {
      const before = await storedCounts();
      const { data, type } = await make();
      const res = await upload('p-dongmen-resident', data, type);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.message.zh.length).toBeGreaterThan(4);
      expect(res.body.message.en.length).toBeGreaterThan(4);
      expect(await storedCounts()).toEqual(before);
    });
  }

  it('an image bomb is refused by its header, before any pixel is decoded', async () => {
    const res = await upload('p-dongmen-resident', await pngBomb(), 'image/png');
    expect(res.body.message.en).toContain('too many pixels (40000×40000)');
  });

  it('a JSON body is not a file', async () => {
    const res = await request(api.app).post('/api/v1/files').set(...bearer(tokenFor('p-dongmen-resident'))).send({ file: 'x' });
    expect(res.status).toBe(415);
  });
});

describe('uploads no case took are swept', () => {
  const ctx = () => ({ db: api.env.db, logger: { warn: () => undefined } }) as unknown as ApiContext;

  it('an old pending upload goes, with its thumbnail and chunks; an attached one stays', async () => {
    const left = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg');
    const kept = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg');
    await intake('p-dongmen-resident', { files: [kept.body.id] });
    const store = fileStoreOf(api.env.db);
    expect(await store.find(`${left.body.id}_thumb`)).not.toBeNull();
    const later = Date.now() + PENDING_LIFETIME_MS + 60_000;
    await sweepUploads(ctx(), later);
    expect(await store.find(left.body.id)).toBeNull();
    expect(await store.find(`${left.body.id}_thumb`)).toBeNull();
    expect(await db().collection('fs.chunks').countDocuments({ files_id: left.body.id })).toBe(0);
    expect(await store.find(kept.body.id)).not.toBeNull();
  });

  it('a claim the API left unsettled: attached if its case took the file, deleted if not', async () => {
    const store = fileStoreOf(api.env.db);
    const taken = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg');
    const opened = await intake('p-dongmen-resident', { files: [taken.body.id] });
    // As if the API had stopped after the workflow took the file, before marking it attached.
    await store.updateMetadata(taken.body.id, {}, { state: 'pending' });
    const orphan = await upload('p-dongmen-resident', await phonePhoto(), 'image/jpeg');
    // As if the API had stopped after claiming the file, before the workflow heard of it.
    await store.updateMetadata(orphan.body.id, {}, { caseId: opened.body.id });
    await sweepUploads(ctx(), Date.now() + PENDING_LIFETIME_MS + 60_000);
    expect((await store.find<{ state: string }>(taken.body.id))?.metadata.state).toBe('attached');
    expect(await store.find(orphan.body.id)).toBeNull();
  });

  it('a write a dead process left half-done is removed', async () => {
    const id = 'file_0000000000000000000dead1';
    await db().collection('file_uploads').insertOne({ _id: id as never, startedAt: new Date(Date.now() - 3600_000) });
    await db().collection('fs.chunks').insertOne({ _id: `${id}#0` as never, files_id: id, n: 0, data: randomBytes(100) });
    await sweepUploads(ctx());
    expect(await db().collection('fs.chunks').countDocuments({ files_id: id })).toBe(0);
    expect(await db().collection('file_uploads').countDocuments({ _id: id as never })).toBe(0);
  });
});

describe('Open311 media_url', () => {
  it('is kept with the case and listed with its files; only web addresses are taken', async () => {
    const base = { service_code: 'public_facility_hazard', description: '路灯不亮', address_id: VILLAGE, phone: '13800001234' };
    const bad = await request(api.app).post('/open311/v2/requests.json').set(...bearer(tokenFor('p-dongmen-resident'))).send({ ...base, media_url: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    const res = await request(api.app).post('/open311/v2/requests.json').set(...bearer(tokenFor('p-dongmen-resident'))).send({ ...base, media_url: 'https://img.example.cn/lamp.jpg' });
    expect(res.status).toBe(201);
    const number = res.body[0].service_request_id as string;
    // Lists read the API's copy of case_index, which catches up in the background.
    const [item] = await eventually(async () => {
      const found = await request(api.app).get('/api/v1/cases').query({ q: number }).set(...bearer(tokenFor('p-dongmen-admin')));
      return found.body.items.length === 1 ? (found.body.items as { id: string }[]) : null;
    });
    const listed = await filesOf(item!.id, 'p-dongmen-admin');
    expect(listed.body).toEqual({ files: [], mediaUrl: 'https://img.example.cn/lamp.jpg' });
  });
});
