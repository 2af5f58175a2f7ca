import type { Request } from 'express';
import { requestAddress } from '../audit';
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, PROBLEM_TYPES, problems, type Message } from '../problem';
import { writeAudit } from '../audit';
import { checkOpen311Key, type Open311Key } from '../../db/open311-keys';
import { open311KeyRoutes } from './keys';
import { CASE_STATUSES, CATEGORIES, CATEGORY_CODES, publicReport, type CaseDocument, type CategoryCode } from '../../domain';
import { createCase } from '../cases/intake';
import type { IntakeBody } from '../cases/schemas';

/**
 * Open311 GeoReport v2 (JSON only): other systems file and track requests with
 * the standard fields. service_request_id is the case number a resident quotes.
 * Public reads carry no personal data: no names, no phones, and of a dispute no
 * place and no free text (`requestView`).
 */
export const GEOREPORT_SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'] as const;
export const GEOREPORT_REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
] as const;

const BASE = '/open311/v2';
const CASE_NUMBER = /^ZZ-\d{8}-\d{6,}$/;

const serviceSchema = z
  .object({
    service_code: z.enum(CATEGORY_CODES),
    service_name: z.string(),
    description: z.string(),
    metadata: z.boolean(),
    type: z.enum(['realtime', 'batch', 'blackbox']),
    keywords: z.string(),
    group: z.string(),
  })
  .openapi('Open311Service');

const requestSchema = z
  .object({
    service_request_id: z.string(),
    status: z.enum(CASE_STATUSES),
    status_notes: z.string().nullable(),
    service_name: z.string(),
    service_code: z.string(),
    description: z.string().nullable().openapi({ description: "A hazard's description as reported, phone numbers masked; null for a dispute" }),
    agency_responsible: z.string().nullable().openapi({ description: 'The centre handling the case' }),
    service_notice: z.string().nullable(),
    requested_datetime: z.string(),
    updated_datetime: z.string().nullable(),
    expected_datetime: z.string().nullable(),
    address: z.string().nullable().openapi({ description: "A hazard's address; null for a dispute" }),
    address_id: z.string().nullable().openapi({ description: 'The village or community centre the case was reported to' }),
    zipcode: z.string().nullable(),
    lat: z.number().nullable().openapi({ description: "A hazard's latitude; null for a dispute" }),
    long: z.number().nullable().openapi({ description: "A hazard's longitude; null for a dispute" }),
    media_url: z.string().nullable(),
  })
  .openapi('Open311Request');

const isoDateTime = z.iso.datetime({ offset: true });

const listQuerySchema = z.strictObject({
  service_request_id: z.string().regex(/^ZZ-\d{8}-\d{6,}(,ZZ-\d{8}-\d{6,}){0,49}$/, 'comma-separated case numbers (at most 50)').optional(),
  service_code: z.enum(CATEGORY_CODES).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  start_date: isoDateTime.optional(),
  end_date: isoDateTime.optional(),
  jurisdiction_id: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(50),
});

const numberFromForm = (min: number, max: number) => z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]).pipe(z.number().min(min).max(max));

/** A link people may follow from the case page: http or https only (never `javascript:` or `data:`). */
function isWebAddress(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

const createSchema = z
  .strictObject({
    service_code: z.enum(CATEGORY_CODES),
    description: z.string().trim().min(1).max(4000),
    address_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).openapi({ description: 'The village or community centre id (see /api/v1/centres)' }),
    address_string: z.string().trim().min(1).max(500).optional(),
    lat: numberFromForm(-90, 90).optional(),
    long: numberFromForm(-180, 180).optional(),
    first_name: z.string().trim().max(50).optional(),
    last_name: z.string().trim().max(50).optional(),
    phone: z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/).optional(),
    email: z.string().trim().max(200).optional(),
    device_id: z.string().max(200).optional(),
    account_id: z.string().max(200).optional(),
    media_url: z.string().trim().max(2000).refine(isWebAddress, 'an http:// or https:// address').optional().openapi({ description: 'A link to a picture of the problem; kept with the case and shown on its page as a link' }),
    jurisdiction_id: z.string().max(100).optional(),
    api_key: z.string().max(200).optional().openapi({ description: 'The key issued to your client system (onedoor open311-key, or POST /api/v1/open311/keys); required unless a bearer token is sent' }),
  })
  .openapi('Open311CreateRequest');

const paramsSchema = z.strictObject({ service_request_id: z.string().regex(CASE_NUMBER, 'a case number such as ZZ-20261125-000042') });

/**
 * One request as anyone may read it (docs/domain.md, "What is public"): the same for
 * every caller, signed in or not. A dispute shows its category, status, dates, the
 * village or community it was reported to (`address_id`) and the centre handling it;
 * a hazard also its address, coordinates and description (`publicReport`). Never a
 * name, a phone, a party, a note or a picture.
 */
function requestView(doc: CaseDocument, agency: string | null) {
  const category = CATEGORIES[doc.category as CategoryCode];
  const kind = category?.kind ?? doc.kind;
  const report = publicReport(kind, { description: doc.description, location: { address: doc.location?.address ?? '', lat: doc.location?.lat ?? null, lng: doc.location?.lng ?? null } });
  return {
    service_request_id: doc.caseNumber,
    status: doc.status === 'closed' ? ('closed' as const) : ('open' as const),
    // Enumerations only: the stage it is in, or how it ended.
    status_notes: doc.status === 'closed' ? (doc.outcome ? `closed: ${doc.outcome}` : 'closed') : `stage: ${doc.stage}`,
    service_name: category?.name.en ?? doc.category,
    service_code: doc.category,
    description: report.description,
    agency_responsible: agency,
    service_notice: null,
    requested_datetime: new Date(doc.receivedAt).toISOString(),
    updated_datetime: doc.updatedAt ? new Date(doc.updatedAt).toISOString() : null,
    expected_datetime: doc.deadline ? new Date(doc.deadline).toISOString() : null,
    address: report.address,
    address_id: doc.location?.centreId ?? null,
    zipcode: null,
    lat: report.lat,
    long: report.lng,
    media_url: null,
  };
}

const DAY_MS = 86_400_000;

/** A problem about the api_key, with the words a client's operator reads. */
function keyProblem(status: 401 | 403, detail: string, message: Message): HttpProblem {
  return status === 401
    ? new HttpProblem({ type: PROBLEM_TYPES.unauthenticated, title: 'Authentication required', status, detail, message }, { 'WWW-Authenticate': 'Bearer' })
    : new HttpProblem({ type: PROBLEM_TYPES.forbidden, title: 'Forbidden', status, detail, message });
}

/**
 * A client system files as itself: a person id no token can carry (a token's subject
 * has no ":"), in the role of a member of the public reporting, with no centre. The
 * case's complainant and reporter are this id; the reporter's own name and phone
 * are the intake's.
 */
function clientCaller(client: Open311Key): Caller {
  return { kind: 'person', personId: `open311:${client.id}`, role: 'resident' };
}

export function open311Routes(ctx: ApiContext): RouteSpec[] {
  async function agencies(docs: CaseDocument[]): Promise<Map<string, string>> {
    const all = await ctx.centres.all();
    return new Map(docs.map((d) => [d.centreId, all.get(d.centreId)?.name.zh ?? d.centreId]));
  }

  /** The client system of each write request that presented a valid api_key. */
  const clients = new WeakMap<Request, Open311Key>();

  /** Every refused write is audited: who tried (a person, a key, or nobody), from where, and why. */
  async function refuse(req: Request, status: number, detail: Record<string, unknown>): Promise<void> {
    const caller = req.caller;
    const city = [...(await ctx.centres.all()).values()].find((centre) => centre.parentId === null)?.id;
    await writeAudit(ctx, {
      actor: caller ? { personId: caller.personId, role: caller.role, centreId: caller.centreId } : null,
      action: 'open311.create_request',
      outcome: 'refused',
      status,
      detail,
      scope: city ? [city] : [],
      address: req.ip ?? null,
    });
  }

  /** The client system behind the request's api_key: none sent (or empty), or a refusal for a key never issued or revoked. */
  async function clientOf(req: Request, presented: string | undefined): Promise<Open311Key | null> {
    if (presented === undefined || presented.trim() === '') return null;
    const check = await checkOpen311Key(ctx.db.models, presented.trim());
    if (check.ok) return check.key;
    if (check.reason === 'revoked') {
      await refuse(req, 403, { reason: 'api_key revoked', keyId: check.key.id, client: check.key.name });
      throw keyProblem(403, `This api_key was revoked on ${check.key.revokedAt?.toISOString() ?? 'an earlier day'}`, {
        zh: '此接入密钥（api_key）已被停用，请向市级中心申请新的密钥。',
        en: 'This api_key has been revoked; ask the city centre for a new one.',
      });
    }
    await refuse(req, 401, { reason: 'api_key unknown' });
    throw keyProblem(401, 'This api_key was not issued by onedoor', {
      zh: '接入密钥（api_key）无效，请检查后重试，或向市级中心申请密钥。',
      en: 'This api_key is not valid; check it, or ask the city centre for one.',
    });
  }

  return [
    defineRoute({
      method: 'get',
      path: `${BASE}/services.json`,
      summary: 'GeoReport v2: service list (our categories)',
      tags: ['open311'],
      auth: 'none',
      responses: { 200: { description: 'Services', schema: z.array(serviceSchema) } },
      handler(_req, res) {
        res.json(
          CATEGORY_CODES.map((code) => ({
            service_code: code,
            service_name: CATEGORIES[code].name.en,
            description: `${CATEGORIES[code].name.zh} / ${CATEGORIES[code].name.en}`,
            metadata: false,
            type: 'realtime',
            keywords: [CATEGORIES[code].kind, CATEGORIES[code].defaultSpecialty].join(','),
            group: CATEGORIES[code].kind,
          })),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: `${BASE}/requests.json`,
      summary: 'GeoReport v2: service requests (last 90 days unless dates are given)',
      tags: ['open311'],
      auth: 'none',
      query: listQuerySchema,
      responses: { 200: { description: 'Requests', schema: z.array(requestSchema) } },
      async handler(_req, res, { query }) {
        const end = query.end_date ? Date.parse(query.end_date) : Date.now();
        const start = query.start_date ? Date.parse(query.start_date) : end - 90 * DAY_MS;
        const received = { numbers: query.service_request_id ? query.service_request_id.split(',') : null, start, end, ...(query.service_code ? { category: query.service_code } : {}), ...(query.status ? { status: query.status } : {}) };
        const found = await ctx.reads.received(received, { skip: (query.page - 1) * query.page_size, limit: query.page_size });
        const docs = await ctx.reads.documentsOf(found.entries.map((entry) => entry.id));
        const names = await agencies(docs);
        res.json(docs.map((doc) => requestView(doc, names.get(doc.centreId) ?? null)));
      },
    }),
    defineRoute({
      method: 'get',
      path: `${BASE}/requests/{service_request_id}.json`,
      summary: 'GeoReport v2: one service request by case number',
      tags: ['open311'],
      auth: 'none',
      params: paramsSchema,
      responses: { 200: { description: 'A one-element array', schema: z.array(requestSchema) }, 404: { description: 'No such request' } },
      async handler(_req, res, { params }) {
        const id = await ctx.reads.idOfNumber(params.service_request_id);
        const [doc] = id === null ? [] : await ctx.reads.documentsOf([id]);
        if (!doc) throw problems.notFound(`No service request ${params.service_request_id}`, { zh: `没有编号为 ${params.service_request_id} 的案件。`, en: `No case numbered ${params.service_request_id}.` });
        const names = await agencies([doc]);
        res.json([requestView(doc, names.get(doc.centreId) ?? null)]);
      },
    }),
    defineRoute({
      method: 'post',
      path: `${BASE}/requests.json`,
      summary: 'GeoReport v2: file a service request (JSON or form-encoded) with the client system\'s api_key, or a bearer token; opens a case',
      tags: ['open311'],
      auth: 'optional',
      body: createSchema,
      responses: {
        201: { description: 'Created', schema: z.array(z.object({ service_request_id: z.string(), service_notice: z.string().nullable(), account_id: z.string().nullable() })) },
        401: { description: 'Neither an api_key nor a bearer token, an api_key that was never issued, or a bad bearer token' },
        403: { description: 'The api_key has been revoked' },
      },
      before: [
        async (req, _res, next) => {
          // Before the body is parsed: a caller who may not write learns nothing of the rules.
          const presented = (req.body as Record<string, unknown> | undefined)?.api_key;
          const client = await clientOf(req, typeof presented === 'string' ? presented : undefined);
          if (!client && !req.caller) {
            await refuse(req, 401, { reason: 'no api_key and no bearer token' });
            throw keyProblem(401, 'An api_key (the key issued to your system) or a bearer token is required', {
              zh: '请提供接入密钥（api_key）或登录令牌。',
              en: 'Send the api_key issued to your system, or a bearer token.',
            });
          }
          if (client) clients.set(req, client);
          next();
        },
      ],
      async handler(req, res, { body }) {
        const client = clients.get(req) ?? null;
        const caller = req.caller ?? (client ? clientCaller(client) : null);
        if (!caller) throw problems.unauthenticated('A bearer token or an api_key is required');
        const name = [body.first_name, body.last_name].filter((part) => part && part.length > 0).join(' ') || '(Open311)';
        const description = body.description;
        const intake: IntakeBody = {
          category: body.service_code,
          title: description.length > 60 ? `${description.slice(0, 60)}…` : description,
          description,
          channel: 'open311',
          location: {
            centreId: body.address_id,
            address: body.address_string ?? '',
            ...(body.lat !== undefined ? { lat: body.lat } : {}),
            ...(body.long !== undefined ? { lng: body.long } : {}),
          },
          complainant: { name, phone: body.phone ?? '' },
        };
        const result = await createCase(ctx, caller, intake, req.get('idempotency-key'), { address: requestAddress(req), ...(client ? { client: { name: client.name, keyId: client.id } } : {}), ...(body.media_url ? { mediaUrl: body.media_url } : {}) });
        res.status(201).json([{ service_request_id: String(result.body.caseNumber), service_notice: `Case ${String(result.body.id)} opened`, account_id: body.account_id ?? null }]);
      },
    }),
    ...open311KeyRoutes(ctx),
  ];
}
