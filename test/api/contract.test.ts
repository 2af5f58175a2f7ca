// The published contract: OpenAPI covers every route and is a sound OpenAPI 3 document;
// Open311 answers carry the GeoReport v2 fields; docs and metrics are served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenForNewPerson, tokenFor, type ApiEnv } from './helpers';
import { eventually, uniqueId } from '../helpers/temporal';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-contract');
});
afterAll(async () => {
  await api?.stop();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every METHOD path the Express app will answer, read from its router. */
function registeredRoutes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
      return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${path}`);
    }
    return layer.handle?.stack ? registeredRoutes(layer.handle.stack) : [];
  });
}

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string; in: string; required?: boolean }[]; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

describe('OpenAPI', () => {
  let doc: Doc;
  beforeAll(async () => {
    const res = await request(api.app).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as Doc;
  });

  it('documents exactly the routes Express serves', () => {
    const stack = (api.app as unknown as { router: { stack: Layer[] } }).router.stack;
    const served = registeredRoutes(stack).sort();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(served.length).toBeGreaterThanOrEqual(17);
    expect(documented).toEqual(served);
    for (const required of ['POST /api/v1/cases', 'GET /api/v1/cases/{id}/timeline', 'GET /open311/v2/requests/{service_request_id}.json', 'GET /api/v1/dashboard']) {
      expect(documented).toContain(required);
    }
  });

  it('is a structurally valid OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(METHODS).toContain(method);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const status of Object.keys(op.responses)) expect(status).toMatch(/^([1-5]\d\d|default)$/);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort()).toEqual([...pathParams].sort());
        for (const p of declared) expect(p.required).toBe(true);
        for (const p of op.parameters ?? []) expect(['query', 'header', 'path', 'cookie']).toContain(p.in);
      }
    }
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref);
  });

  it('marks protected routes with bearer security and documents the problems', () => {
    expect(doc.paths['/api/v1/cases']?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/centres']?.get?.security).toBeUndefined();
    expect(doc.paths['/api/v1/cases/{id}/actions']?.post?.responses).toHaveProperty('409');
    expect(doc.paths['/api/v1/cases']?.post?.responses).toHaveProperty('413');
  });

  it('serves browsable docs without external resources', async () => {
    const res = await request(api.app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('/openapi.json');
    expect(res.text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});

const GEOREPORT_REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe('Open311 GeoReport v2', () => {
  let number = '';

  it('lists services with the GeoReport fields', async () => {
    const res = await request(api.app).get('/open311/v2/services.json');
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(3);
    for (const service of res.body) {
      expect(Object.keys(service).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort());
      expect(['realtime', 'batch', 'blackbox']).toContain(service.type);
      expect(typeof service.metadata).toBe('boolean');
    }
  });

  it('creates a request (form-encoded, as GeoReport clients send it) that becomes a case', async () => {
    const res = await request(api.app)
      .post('/open311/v2/requests.json')
      .set(...bearer(tokenFor('p-liuan-resident')))
      .type('form')
      .send({ service_code: 'public_facility_hazard', description: 'Street light pole leaning over the road', address_id: 'zz-nanjing-shancheng-liuan', address_string: '六安村村口', lat: '24.51', long: '117.36', first_name: '桂英', last_name: '沈', phone: '13600004444' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([{ service_request_id: expect.stringMatching(/^ZZ-\d{8}-\d{6}$/), service_notice: expect.any(String), account_id: null }]);
    number = res.body[0].service_request_id;
  });

  it('shows one request by its id with every standard field, and no personal data', async () => {
    const res = await eventually(async () => {
      const r = await request(api.app).get(`/open311/v2/requests/${number}.json`);
      return r.status === 200 ? r : null;
    });
    expect(res.body).toHaveLength(1);
    const item = res.body[0];
    expect(Object.keys(item).sort()).toEqual([...GEOREPORT_REQUEST_FIELDS].sort());
    expect(item).toMatchObject({ service_request_id: number, status: 'open', service_code: 'public_facility_hazard', address: '六安村村口', address_id: 'zz-nanjing-shancheng-liuan', lat: 24.51, long: 117.36 });
    expect(item.requested_datetime).toMatch(ISO);
    expect(item.updated_datetime).toMatch(ISO);
    expect(item.expected_datetime).toMatch(ISO);
    expect(item.agency_responsible).toBe('六安村');
    // A hazard shows its place and description; no name or phone, of the reporter or anyone.
    expect(item.description).toBe('Street light pole leaning over the road');
    expect(JSON.stringify(item)).not.toMatch(/13600004444|沈|桂英/);
    const channel = await api.env.db.models.Case.findOne({ caseNumber: number }, { channel: 1 }).lean();
    expect(channel?.channel).toBe('open311');
  });

  it('lists requests filtered by id, code and status', async () => {
    const res = await request(api.app).get('/open311/v2/requests.json').query({ service_request_id: number, status: 'open' });
    expect(res.status).toBe(200);
    expect(res.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([number]);
    for (const item of res.body) expect(Object.keys(item).sort()).toEqual([...GEOREPORT_REQUEST_FIELDS].sort());
    const closed = await request(api.app).get('/open311/v2/requests.json').query({ service_request_id: number, status: 'closed' });
    expect(closed.body).toEqual([]);
    const ids = async (query: Record<string, string>) =>
      (await request(api.app).get('/open311/v2/requests.json').query(query)).body.map((r: { service_request_id: string }) => r.service_request_id);
    expect(await ids({ service_request_id: number, service_code: 'public_facility_hazard' })).toEqual([number]);
    expect(await ids({ service_request_id: number, service_code: 'neighbour_dispute' })).toEqual([]);
    // Without ids: the last 90 days by default, or the dates given; newest first.
    expect(await ids({ service_code: 'public_facility_hazard', page_size: '100' })).toContain(number);
    expect(await ids({ start_date: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
    expect(await ids({ end_date: '2020-01-01T00:00:00Z' })).toEqual([]);
    const listed = (await request(api.app).get('/open311/v2/requests.json').query({ page_size: '100' })).body as { requested_datetime: string }[];
    const times = listed.map((r) => Date.parse(r.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('an unknown request is a 404', async () => {
    expect((await request(api.app).get('/open311/v2/requests/ZZ-19990101-000001.json')).status).toBe(404);
  });
});

describe('reference data and operations', () => {
  it('serves the centre tree and categories publicly', async () => {
    const centres = await request(api.app).get('/api/v1/centres');
    expect(centres.body.items[0]).toMatchObject({ id: 'zz', level: 'city', parentId: null });
    expect(centres.body.items.find((c: { id: string }) => c.id === 'zz-pinghe-xiaoxi-dongmen')).toMatchObject({ level: 'village', parentId: 'zz-pinghe-xiaoxi' });
    const villages = await request(api.app).get('/api/v1/centres').query({ level: 'village', parentId: 'zz-pinghe-xiaoxi' });
    expect(villages.body.items.map((c: { id: string }) => c.id).sort()).toEqual(['zz-pinghe-xiaoxi-dongmen', 'zz-pinghe-xiaoxi-ximen', 'zz-pinghe-xiaoxi-xinqiao']);
    const categories = await request(api.app).get('/api/v1/categories');
    expect(categories.body.items.map((c: { code: string }) => c.code)).toContain('estate_dispute');
  });

  it('counts requests by route and status in Prometheus format', async () => {
    await request(api.app).get('/api/v1/categories');
    const res = await request(api.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/onedoor_http_requests_total\{method="GET",route="\/api\/v1\/categories",status="200"\} \d+/);
    expect(res.text).toContain('onedoor_http_request_duration_seconds_bucket');
  });

  it('is ready when Temporal and MongoDB answer', async () => {
    expect((await request(api.app).get('/readyz')).body).toEqual({ status: 'ready', temporal: 'ok', mongo: 'ok', readStore: process.env.ONEDOOR_READ_STORE ?? 'memory', caseCopy: process.env.ONEDOOR_READ_STORE === 'queries' ? null : 'loaded' });
  });
});

describe('intake risk', () => {
  it('a complainant who also lists herself as a party is one party: no "many parties" risk for a two-party dispute', async () => {
    const res = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-resident')))
      .send({ category: 'neighbour_dispute', title: '楼上噪音', description: '夜间噪音', channel: 'app', location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '3 号楼' }, complainant: { name: '王秀兰', phone: '13800001234' }, parties: [{ name: '王秀兰', role: '投诉人' }, { name: '赖永福', role: '楼上住户' }] });
    expect(res.status).toBe(201);
    expect(res.body.riskFactors.map((f: { code: string }) => f.code)).not.toContain('parties');
  });
});

describe('dashboard figures', () => {
  it('counts, overdue, time to close and satisfaction for a quiet subtree', async () => {
    const resident = await tokenForNewPerson(api, uniqueId('r-'), 'resident');
    const admin = tokenFor('p-dongshan-tongling-admin');
    const report = () =>
      request(api.app)
        .post('/api/v1/cases')
        .set(...bearer(resident))
        .send({ category: 'public_facility_hazard', title: 'Loose paving stone', description: 'A paving stone is loose near the market', channel: 'app', location: { centreId: 'zz-dongshan-tongling-fengdong', address: '市场' }, complainant: { name: 'x', phone: '13500005555' } });
    const before = await request(api.app).get('/api/v1/dashboard').set(...bearer(admin));
    expect(before.status).toBe(200);
    const a = (await report()).body;
    await report();
    const act = async (body: Record<string, unknown>, token = admin) => {
      const res = await request(api.app).post(`/api/v1/cases/${a.id}/actions`).set(...bearer(token)).send(body);
      expect(res.status).toBe(200);
    };
    await act({ type: 'accept' });
    await act({ type: 'assess', risk: 'low', factors: [] });
    await act({ type: 'record_disposal', summary: 'Stone fixed' });
    await act({ type: 'close', summary: 'Done' });
    await act({ type: 'feedback', rating: 2, comment: 'Slow' }, resident);
    const after = await eventually(async () => {
      const res = await request(api.app).get('/api/v1/dashboard').set(...bearer(admin));
      return res.body.open - before.body.open === 1 ? res : null;
    });
    const d = after.body;
    expect(d.centreId).toBe('zz-dongshan-tongling');
    expect(d.closed - before.body.closed).toBe(1);
    expect(d.byStage.closed - before.body.byStage.closed).toBe(1);
    expect(d.byStage.intake - before.body.byStage.intake).toBe(1);
    expect(d.byLevel.village - before.body.byLevel.village).toBe(2);
    expect(d.satisfaction.rated - before.body.satisfaction.rated).toBe(1);
    if (before.body.satisfaction.rated === 0) expect(d.satisfaction).toEqual({ rated: 1, average: 2, satisfiedShare: 0 });
    expect(d.medianTimeToCloseMs).toBeGreaterThan(0);
    expect(d.closedOnTimeShare).toBeGreaterThan(0);
    expect(d.overdue).toMatchObject({ count: expect.any(Number), items: expect.any(Array) });
    const resident2 = await request(api.app).get(`/api/v1/cases/${a.id}`).set(...bearer(resident));
    expect(resident2.body).toMatchObject({ status: 'closed', rating: 2, allowedActions: ['reopen'] });
  });
});
