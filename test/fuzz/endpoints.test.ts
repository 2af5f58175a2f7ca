// Property-based fuzzing of every endpoint in the OpenAPI document: path, query and body,
// valid and not, as every kind of caller. Any 5xx (or a crash) fails, with fast-check's
// shrunk counterexample and seed. ONEDOOR_FUZZ_RUNS sets the runs per endpoint.
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from '../api/helpers';
import { eventually } from '../helpers/temporal';

const RUNS = Number(process.env.ONEDOOR_FUZZ_RUNS ?? 150);

let api: ApiEnv;
let caseId = '';
let caseNumber = '';
let operations: { method: 'get' | 'post'; path: string; query: string[]; hasBody: boolean }[] = [];
const served: Record<string, number> = {};

const validIntake = () => ({
  category: 'public_facility_hazard',
  title: '路灯损坏',
  description: '小区路灯不亮',
  channel: 'app',
  location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '3 号楼', lat: 24.5, lng: 117.6 },
  complainant: { name: '王秀兰', phone: '13800001234' },
  parties: [{ name: '物业', role: '管理方' }],
  affectedCount: 3,
});

const VALID_BODIES: Record<string, unknown[]> = {
  '/api/v1/cases': [validIntake()],
  '/api/v1/cases/{id}/actions': [
    { type: 'accept' },
    { type: 'assess', risk: 'low', factors: [{ code: 'x', points: 1, label: { zh: '甲', en: 'a' } }] },
    { type: 'escalate', reason: '上报' },
    { type: 'request_expert', question: '?', specialty: 'legal' },
    { type: 'assign_mediator' },
    { type: 'record_agreement', terms: [{ party: 'a', obligation: 'b' }] },
    { type: 'record_failure', reason: 'r', referral: 'court' },
    { type: 'close', summary: 's' },
    { type: 'feedback', rating: 3 },
    { type: 'reopen', reason: 'r' },
  ],
  '/open311/v2/requests.json': [{ service_code: 'other', description: 'lamp out', address_id: 'zz-pinghe-xiaoxi-dongmen', phone: '13800001234', lat: '24.5', long: 117 }],
  '/api/v1/dev/token': [{ personId: 'p-dongmen-admin' }],
};

const callers = fc.constantFrom<(string | undefined)[]>(
  undefined,
  tokenFor('p-zz-admin'),
  tokenFor('p-dongmen-admin'),
  tokenFor('p-dongmen-grid'),
  tokenFor('p-dongmen-resident'),
  tokenFor('p-shicuo-admin'),
  tokenFor('p-zz-expert-legal'),
  'not-a-token',
);

/** Keys an attacker would try, besides arbitrary ones. */
const nastyKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$ne', '$gt', 'a.b', '$regex', 'toString', 'hasOwnProperty', '', ' ');
const nastyString = fc.constantFrom(
  '(a+)+$', '.*', '^(([a-z])+.)+[A-Z]([a-z])+$', '\\', '%00', '\u0000', '../../etc/passwd', '{"$ne":null}', '<script>', 'true', 'null', '-1', '1e309', 'NaN',
  'x'.repeat(10_000), '𝕏'.repeat(50), '\ud800', 'ZZ-20260101-000001',
);
const anyString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), nastyString);
const key = fc.oneof(fc.string({ maxLength: 12 }), nastyKey);

/** JSON with hostile keys and values at any depth. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1e308)),
    anyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A valid body with one field (at any depth) replaced, removed or added. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, at: string[]): void => {
    paths.push(at);
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), fc.oneof(hostileJson, fc.constant(undefined)), fc.option(key)).map(([path, replacement, extraKey]) => {
    const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    if (path.length === 0) return extraKey === null ? replacement : { ...copy, [extraKey]: replacement };
    let target = copy as Record<string, unknown>;
    for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
    const last = path[path.length - 1] as string;
    if (replacement === undefined) delete target[last];
    else target[last] = replacement;
    if (extraKey !== null) Object.defineProperty(target, extraKey, { value: replacement ?? 1, enumerable: true, configurable: true, writable: true });
    return copy;
  });
}

function bodyFor(path: string): fc.Arbitrary<unknown> {
  const valid = VALID_BODIES[path] ?? [{}];
  return fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 1 }, { arbitrary: fc.oneof(...valid.map(mutated)), weight: 4 }, { arbitrary: hostileJson, weight: 2 });
}

const pathValue = fc.oneof(
  fc.constant('CASE'),
  fc.constant('NUMBER'),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 }).map((h) => `case_${h}`),
  anyString,
);

function queryFor(names: string[]): fc.Arbitrary<[string, string][]> {
  const value = fc.oneof(anyString, fc.integer().map(String), fc.constantFrom('true', 'false', 'intake', 'closed', 'open', 'village', 'low', '100', '101', '0', 'zz'));
  const name = fc.oneof({ arbitrary: fc.constantFrom(...(names.length > 0 ? names : ['q'])), weight: 4 }, { arbitrary: fc.oneof(key, fc.constantFrom('status[$ne]', 'a[b]', 'q[]')), weight: 1 });
  return fc.array(fc.tuple(name, value), { maxLength: 5 });
}

/** Percent-encodes; a lone surrogate becomes the invalid UTF-8 bytes a hostile client would send. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80%ff`;
  }
}

function urlOf(path: string, params: string[], query: [string, string][]): string {
  let url = path;
  for (const [index, name] of params.entries()) {
    const raw = query[index]?.[1] ?? 'x';
    url = url.replace(`{${name}}`, enc(raw));
  }
  const qs = query.slice(params.length).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  return qs ? `${url}?${qs}` : url;
}

beforeAll(async () => {
  api = await startApiEnv('fuzz');
  const created = await request(api.app).post('/api/v1/cases').set(...bearer(tokenFor('p-dongmen-resident'))).send(validIntake());
  expect(created.status).toBe(201);
  caseId = created.body.id;
  caseNumber = created.body.caseNumber;
  await eventually(() => api.env.db.models.Case.findById(caseId).lean());
  const doc = api.app.locals.openapi as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>> };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method as 'get' | 'post',
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      hasBody: op.requestBody !== undefined,
    })),
  );
});
afterAll(async () => {
  console.log(`fuzz: ${Object.values(served).reduce((a, b) => a + b, 0)} requests; by status ${JSON.stringify(served)}`);
  await api?.stop();
});

function record(status: number): void {
  served[status] = (served[status] ?? 0) + 1;
}

async function send(method: string, url: string, token: string | undefined, body: unknown, contentType?: string): Promise<request.Response> {
  let req = (request(api.app) as unknown as Record<string, (u: string) => request.Test>)[method]!(url);
  if (token !== undefined) req = req.set('Authorization', `Bearer ${token}`);
  if (contentType) req = req.set('Content-Type', contentType);
  if (body !== undefined) req = req.send(typeof body === 'string' ? body : (JSON.stringify(body) ?? 'null'));
  const res = await req;
  record(res.status);
  return res;
}

function expectNo5xx(res: request.Response, what: string): void {
  if (res.status >= 500) throw new Error(`${what} → ${res.status} ${res.text.slice(0, 500)}`);
  if (res.headers['content-type']?.startsWith('application/problem+json')) {
    expect(res.text ?? '').not.toMatch(/at .*\.ts:\d+|node_modules/);
  }
}

describe('every endpoint, fuzzed', () => {
  it('the OpenAPI document lists the endpoints to fuzz', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
  });

  it(`path, query and body: ${RUNS} generated requests per endpoint, never a 5xx`, async () => {
    for (const op of operations) {
      const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      await fc.assert(
        fc.asyncProperty(
          callers,
          fc.array(pathValue, { minLength: params.length, maxLength: params.length }),
          queryFor(op.query),
          op.hasBody ? bodyFor(op.path) : fc.constant(undefined),
          async (token, pathValues, query, body) => {
            const substituted = pathValues.map((v) => (v === 'CASE' ? caseId : v === 'NUMBER' ? caseNumber : v));
            const url = urlOf(op.path, params, [...substituted.map((v) => ['', v] as [string, string]), ...query]);
            const res = await send(op.method, url, token, op.method === 'post' ? body : undefined, op.method === 'post' ? 'application/json' : undefined);
            expectNo5xx(res, `${op.method.toUpperCase()} ${url} ${JSON.stringify(body)?.slice(0, 300)}`);
          },
        ),
        { numRuns: RUNS },
      );
    }
  }, 120_000 + RUNS * 1000);

  it(`any method, any path, any content type: ${RUNS * 2} raw requests, never a 5xx`, async () => {
    const segment = fc.oneof(fc.constantFrom('api', 'v1', 'cases', 'actions', 'timeline', 'open311', 'v2', 'requests.json', 'services.json', 'dev', 'token', 'people', 'centres'), anyString);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'post', 'put', 'patch', 'delete', 'options', 'head'),
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        callers,
        fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'application/json; charset=latin1', 'multipart/form-data'),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 200 }), hostileJson.map((v) => JSON.stringify(v) ?? 'null')),
        async (method, segments, token, contentType, body) => {
          const url = `/${segments.map(enc).join('/')}`;
          const res = await send(method, url, token, method === 'get' || method === 'head' ? undefined : body, contentType);
          expectNo5xx(res, `${method.toUpperCase()} ${url} (${contentType}) ${String(body).slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  }, 120_000 + RUNS * 200);
});
