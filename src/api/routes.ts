import type { Request, RequestHandler, Response, Router } from 'express';
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import { z } from './zod';
import { parseInput } from './validation';
import { PROBLEM_TYPES } from './problem';

/**
 * One definition per route drives three things: the Express registration, the
 * zod validation of params, query and body, and the route's entry in /openapi.json.
 */
export type Method = 'get' | 'post';
export type AuthMode = 'required' | 'optional' | 'none';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** OpenAPI style: `/api/v1/cases/{id}`. */
  path: string;
  summary: string;
  tags: string[];
  auth: AuthMode;
  /** Strict zod objects. */
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** A body of bytes instead of JSON (an upload): the media types it may be, documented as binary. */
  rawBody?: { contentTypes: readonly string[]; description: string };
  /** Extra request headers to document (e.g. Idempotency-Key). */
  headers?: AnyObjectSchema;
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  /** Checks that run after authentication and before the input is parsed (Open311's api_key: a 401 comes before a 400). */
  before?: RequestHandler[];
  handler(req: Request, res: Response, input: RouteInput<P, Q, B>): Promise<void> | void;
}

/** Helps TypeScript infer P/Q/B from the schemas. */
export function defineRoute<P, Q, B>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: PROBLEM_TYPES.validation }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

const STANDARD_PROBLEMS: Record<number, string> = {
  400: 'Invalid input (each problem named in `errors`)',
  413: 'Body larger than 100 kB',
  503: 'Temporal or MongoDB unavailable; retry after `Retry-After` seconds',
};

export function registerOpenApi(registry: OpenAPIRegistry, route: RouteSpec): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = response.schema
      ? { description: response.description, content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
      : { description: response.description };
  }
  const problems: Record<number, string> = { ...STANDARD_PROBLEMS };
  if (route.auth === 'required') problems[401] = 'Missing, malformed, forged or expired bearer token';
  if (route.method !== 'post') delete problems[413];
  for (const [status, description] of Object.entries(problems)) {
    responses[status] ??= { description, content: { 'application/problem+json': { schema: problemSchema } } };
  }
  const request: NonNullable<RouteConfig['request']> = {};
  if (route.params) request.params = route.params as unknown as AnyObjectSchema;
  if (route.query) request.query = route.query as unknown as AnyObjectSchema;
  if (route.headers) request.headers = route.headers;
  if (route.body) request.body = { required: true, content: { 'application/json': { schema: route.body } } };
  if (route.rawBody) {
    request.body = { required: true, description: route.rawBody.description, content: Object.fromEntries(route.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) };
  }
  registry.registerPath({
    method: route.method,
    path: route.path,
    summary: route.summary,
    tags: route.tags,
    ...(route.auth === 'required' ? { security: [{ bearerAuth: [] }] } : route.auth === 'optional' ? { security: [{ bearerAuth: [] }, {}] } : {}),
    request,
    responses,
  });
}

export function mountRoute(router: Router, route: RouteSpec, auth: Record<AuthMode, RequestHandler[]>): void {
  const handler: RequestHandler = async (req, res) => {
    const input: RouteInput<unknown, unknown, unknown> = {
      params: route.params ? parseInput(route.params, req.params, 'params') : {},
      query: route.query ? parseInput(route.query, req.query, 'query') : {},
      body: route.body ? parseInput(route.body, req.body ?? {}, 'body') : undefined,
    };
    await route.handler(req, res, input);
  };
  router[route.method](expressPath(route.path), ...auth[route.auth], ...(route.before ?? []), handler);
}
