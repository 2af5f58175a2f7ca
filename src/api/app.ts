import type { CaseMirror } from '../db/case-mirror';
import { ReadStore } from './reads/store';
import cookieParser from 'cookie-parser';
import express, { Router, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../db/connection';
import { pingDatabase } from '../db/connection';
import type { TemporalClient } from '../temporal/client';
import { pingTemporal } from '../temporal/client';
import { caseWorkflows } from '../temporal/cases';
import type { Config } from '../config';
import { resolveJwtSecret } from '../auth/tokens';
import { PersonDirectory } from '../auth/people';
import { smsGatewayFor } from '../delivery/sms';
import { OidcSignIn } from '../auth/oidc';
import { optionalAuth, requireAuth } from './auth';
import { CentreDirectory, type ApiContext } from './context';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { buildOpenApiDocument, DOCS_HTML, type OpenApiDocument } from './openapi';
import { errorHandler, notFoundHandler, PROBLEM_TYPES, sendProblem } from './problem';
import { mountRoute, type AuthMode, type RouteSpec } from './routes';
import { rejectUnsafeInput } from './validation';
import { caseRoutes } from './cases/router';
import { centreRoutes } from './centres/router';
import { categoryRoutes } from './categories/router';
import { peopleRoutes } from './people/router';
import { deadlinePolicyRoutes } from './deadline-policy/router';
import { departmentRoutes } from './departments/router';
import { dashboardRoutes } from './dashboard/router';
import { open311Routes } from './open311/router';
import { auditLogRoutes } from './audit-log/router';
import { documentRoutes } from './documents/router';
import { exportRoutes } from './documents/exports';
import { fileRoutes } from './files/router';
import { notificationRoutes } from './notifications/router';
import { devRoutes } from './dev/router';
import { sessionRoutes } from './session/router';
import { oidcRoutes } from './session/oidc';
import { serveWeb } from './web';
import { liveRoutes, LiveStreams } from './live/router';
import { savedFilterRoutes } from './saved-filters/router';
import { onPosts, perMinuteLimit, securityHeaders, tileImageSource } from './hardening';
import { placesRoutes } from './places/router';


export interface AppDeps {
  config: Config;
  db: Database;
  temporal: TemporalClient;
  logger?: Logger;
}

export const BODY_LIMIT = '100kb';
/** How long `/readyz` waits for the memory store's copy to finish loading before it says "not yet". */
const CASE_COPY_WAIT_MS = 2_000;

/** Every route with a zod schema, in one list: Express, validation and OpenAPI all read it. */
export function apiRoutes(ctx: ApiContext, liveStreams = new LiveStreams(ctx)): RouteSpec[] {
  return [...caseRoutes(ctx), ...dashboardRoutes(ctx), ...centreRoutes(ctx), ...categoryRoutes(), ...peopleRoutes(ctx), ...deadlinePolicyRoutes(ctx), ...departmentRoutes(ctx), ...open311Routes(ctx), ...sessionRoutes(ctx), ...oidcRoutes(ctx), ...auditLogRoutes(ctx), ...documentRoutes(ctx), ...fileRoutes(ctx), ...notificationRoutes(ctx), ...exportRoutes(ctx), ...devRoutes(ctx), ...liveRoutes(ctx, liveStreams), ...savedFilterRoutes(ctx), ...placesRoutes(ctx)];
}

/**
 * Each call to the provider gets a quarter of the request's deadline (at most 10 s): a
 * callback makes up to three (token, keys, userinfo), so a slow provider still ends
 * in the sign-in page's message rather than the deadline's 503.
 */
function oidcTimeoutSeconds(requestTimeoutMs: number): number {
  return Math.max(1, Math.min(10, Math.floor(requestTimeoutMs / 4000)));
}

/** The Express app, with what its server needs besides routes: the OpenAPI document, the case mirror (to load it at start) and the live streams (to end them at shutdown). */
export type OnedoorApp = Express & { locals: { openapi: OpenApiDocument; caseMirror: CaseMirror; liveStreams: LiveStreams; logger: Logger } };

export function createApp(deps: AppDeps): OnedoorApp {
  const logger = deps.logger ?? createLogger(deps.config.logLevel);
  const reads = new ReadStore(deps.config, deps.db, logger);
  const ctx: ApiContext = {
    config: deps.config,
    db: deps.db,
    temporal: deps.temporal,
    cases: caseWorkflows(deps.temporal.client, deps.config.taskQueue),
    logger,
    jwtSecret: resolveJwtSecret(deps.config),
    centres: new CentreDirectory(deps.db),
    people: new PersonDirectory(deps.db.models),
    sms: smsGatewayFor(deps.config, deps.db.models, logger),
    oidc: deps.config.oidc ? new OidcSignIn(deps.config.oidc, { timeoutSeconds: oidcTimeoutSeconds(deps.config.requestTimeoutMs) }) : null,
    reads,
    caseMirror: reads.mirror,
  };
  const liveStreams = new LiveStreams(ctx);
  const routes = apiRoutes(ctx, liveStreams);
  const openapi = buildOpenApiDocument(routes);
  const metrics = createMetrics();

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Behind a reverse proxy the client's address (audit, rate limits) and scheme (Secure cookies) come from its headers.
  if (deps.config.trustProxy !== undefined) app.set('trust proxy', deps.config.trustProxy);
  app.locals.openapi = openapi;
  app.locals.caseMirror = ctx.caseMirror;
  app.locals.liveStreams = liveStreams;
  app.locals.logger = logger;
  app.use(metrics.middleware);
  app.use(requestLog(logger));
  const tileSource = deps.config.mapTiles ? tileImageSource(deps.config.mapTiles.url) : null;
  app.use(securityHeaders(DOCS_HTML, { imageSources: tileSource ? [tileSource] : [] }));
  app.use(requestDeadline(deps.config.requestTimeoutMs));
  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit: BODY_LIMIT, extended: false, parameterLimit: 100 }));
  app.use(rejectUnsafeInput);
  app.use(cookieParser());

  /** The process is up. */
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Temporal and MongoDB both answer, and with the memory store its copy is read: the API can take work. */
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([pingTemporal(deps.temporal.connection), pingDatabase(deps.db.connection)]);
    const [temporal, mongo] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const readStore = await reads.kind().catch(() => null);
    const caseCopy = readStore === null ? null : await reads.caseCopy(CASE_COPY_WAIT_MS);
    const ready = temporal === 'ok' && mongo === 'ok' && readStore !== null && caseCopy !== 'loading';
    if (!ready) res.set('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', temporal, mongo, readStore, caseCopy });
  });

  app.get('/metrics', metrics.handler);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_HTML);
  });

  const auth: Record<AuthMode, RequestHandler[]> = { required: [requireAuth(ctx)], optional: [optionalAuth(ctx)], none: [] };
  // Writes that anyone may attempt, each limited per address (sign-in also counts failures per account: src/auth/attempts.ts).
  const signInLimit = perMinuteLimit(deps.config.signInRatePerMinute, { zh: '登录请求', en: 'sign-in requests' });
  const writeLimit = perMinuteLimit(deps.config.intakeRatePerMinute, { zh: '提交', en: 'submissions' });
  app.use(onPosts(['/api/v1/session/password', '/api/v1/session/code', '/api/v1/session/code/request'], signInLimit));
  app.use(onPosts(['/api/v1/cases', '/open311/v2/requests.json', '/api/v1/files'], writeLimit));
  const router = Router();
  for (const route of routes) mountRoute(router, route, auth);
  app.use(router);
  app.use(serveWeb());

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app as OnedoorApp;
}

/**
 * No request hangs: one still unanswered after `timeoutMs` (Temporal or MongoDB
 * slow or away, a workflow waiting for a worker) gets a 503 with Retry-After.
 * The work goes on; its late answer is dropped (see errorHandler).
 */
function requestDeadline(timeoutMs: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals.timedOut = true;
      sendProblem(
        res,
        {
          type: PROBLEM_TYPES.unavailable,
          title: 'Service unavailable',
          status: 503,
          detail: `No answer within ${Math.round(timeoutMs / 1000)} s; a write may still take effect, so read the case before retrying an action (an intake retried with its Idempotency-Key is safe)`,
        },
        { 'Retry-After': '5' },
      );
    }, timeoutMs);
    const clear = (): void => clearTimeout(timer);
    res.on('finish', clear);
    res.on('close', clear);
    next();
  };
}

/** One line per request: method, route pattern, status, duration. No bodies, no tokens. */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      // 503 is a state the API reports and recovers from (a server away, the copy loading): a warning, not an error.
      const level = res.statusCode === 503 ? 'warn' : res.statusCode >= 500 ? 'error' : 'info';
      logger[level]({ method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10, person: req.caller?.personId }, 'request');
    });
    next();
  };
}
