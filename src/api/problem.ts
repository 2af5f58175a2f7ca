import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { unavailableReason } from './availability';

/**
 * Errors as RFC 9457 problem details. Every `type` is a stable URI that clients
 * may switch on; the body never carries a stack trace.
 */
export const PROBLEM_BASE = 'https://onedoor.dev/problems';

export const PROBLEM_TYPES = {
  validation: `${PROBLEM_BASE}/validation`,
  unauthenticated: `${PROBLEM_BASE}/unauthenticated`,
  forbidden: `${PROBLEM_BASE}/forbidden`,
  notFound: `${PROBLEM_BASE}/not-found`,
  conflict: `${PROBLEM_BASE}/conflict`,
  caseClosed: `${PROBLEM_BASE}/case-closed`,
  readOnly: `${PROBLEM_BASE}/read-only`,
  tooLarge: `${PROBLEM_BASE}/payload-too-large`,
  unsupportedMediaType: `${PROBLEM_BASE}/unsupported-media-type`,
  unavailable: `${PROBLEM_BASE}/service-unavailable`,
  csrf: `${PROBLEM_BASE}/csrf`,
  tooManyRequests: `${PROBLEM_BASE}/too-many-requests`,
  internal: `${PROBLEM_BASE}/internal`,
} as const;

export type { InvalidParam, Message, Problem } from './problem-body';
import type { InvalidParam, Message, Problem } from './problem-body';

export class HttpProblem extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;
  constructor(problem: Problem, headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.headers = headers;
  }
}

const SIGN_IN_AGAIN: Message = { zh: '请重新登录。', en: 'Please sign in again.' };

export const problems = {
  validation: (errors: InvalidParam[], detail = 'The request is not valid') =>
    new HttpProblem({ type: PROBLEM_TYPES.validation, title: 'Invalid request', status: 400, detail, errors }),
  unauthenticated: (detail: string, message: Message = SIGN_IN_AGAIN) =>
    new HttpProblem({ type: PROBLEM_TYPES.unauthenticated, title: 'Authentication required', status: 401, detail, message }, { 'WWW-Authenticate': 'Bearer' }),
  /** A cookie-authenticated write without the session's CSRF token: a page of another site may have sent it. */
  csrf: () =>
    new HttpProblem({
      type: PROBLEM_TYPES.csrf,
      title: 'CSRF token missing or wrong',
      status: 403,
      detail: 'A write made with the session cookie must carry the session\'s X-CSRF-Token header',
      message: { zh: '页面已过期，请刷新后重试。', en: 'This page is out of date: reload it and try again.' },
    }),
  tooManyAttempts: (retryAfterSeconds: number, message: Message) =>
    new HttpProblem(
      { type: PROBLEM_TYPES.tooManyRequests, title: 'Too many attempts', status: 429, detail: `Try again in ${retryAfterSeconds} s`, message },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  // A refusal or a "not found" is read by people: it carries its message in their languages.
  forbidden: (detail: string, message: Message) => new HttpProblem({ type: PROBLEM_TYPES.forbidden, title: 'Forbidden', status: 403, detail, message }),
  notFound: (detail: string, message: Message) => new HttpProblem({ type: PROBLEM_TYPES.notFound, title: 'Not found', status: 404, detail, message }),
  /** Staff of a centre the case has left: they follow it, they no longer act on it. */
  readOnly: (detail: string, message: Message, centreId: string) =>
    new HttpProblem({ type: PROBLEM_TYPES.readOnly, title: 'Read-only sight', status: 403, detail, message, centreId }),
  conflict: (detail: string) => new HttpProblem({ type: PROBLEM_TYPES.conflict, title: 'Conflict with the case state', status: 409, detail }),
  caseClosed: (detail = 'case is closed') => new HttpProblem({ type: PROBLEM_TYPES.caseClosed, title: 'Case is closed', status: 409, detail }),
  unavailable: (detail: string, retryAfterSeconds = 5) =>
    new HttpProblem(
      { type: PROBLEM_TYPES.unavailable, title: 'Service unavailable', status: 503, detail },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
};

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  res.status(problem.status).set(headers).type('application/problem+json').send(JSON.stringify(problem));
}

/** Unmatched routes: a problem, not Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, { type: PROBLEM_TYPES.notFound, title: 'Not found', status: 404, detail: `No route for ${req.method} ${req.path}`, message: { zh: '没有这个地址。', en: 'There is nothing at this address.' } });
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Maps everything thrown in a handler to a problem; logs unexpected errors (never returns their stack). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // The request deadline answered already; this is the late outcome of the work.
      if (res.locals.timedOut) {
        logger.warn({ route: req.route?.path, err: error }, 'finished after the request deadline');
        return;
      }
      next(error);
      return;
    }
    if (error instanceof HttpProblem) {
      sendProblem(res, { ...error.problem, instance: req.originalUrl.split('?')[0] }, error.headers);
      return;
    }
    const parserError = error as BodyParserError;
    if (parserError.type === 'entity.too.large') {
      sendProblem(res, { type: PROBLEM_TYPES.tooLarge, title: 'Payload too large', status: 413, detail: 'The body is larger than 100 kB' });
      return;
    }
    if (parserError.type === 'entity.parse.failed') {
      sendProblem(res, { type: PROBLEM_TYPES.validation, title: 'Invalid request', status: 400, detail: 'The body is not valid JSON', errors: [{ name: 'body', reason: 'malformed JSON' }] });
      return;
    }
    if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      sendProblem(res, { type: PROBLEM_TYPES.unsupportedMediaType, title: 'Unsupported media type', status: 415, detail: 'Send UTF-8 JSON' });
      return;
    }
    if (error instanceof URIError && parserError.status === 400) {
      // The router could not percent-decode a path parameter (e.g. %ff): the client's mistake.
      sendProblem(res, { type: PROBLEM_TYPES.validation, title: 'Invalid request', status: 400, detail: 'The path is not valid percent-encoded UTF-8', errors: [{ name: 'params', reason: 'malformed percent-encoding' }] });
      return;
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500 && parserError.expose) {
      sendProblem(res, { type: PROBLEM_TYPES.validation, title: 'Invalid request', status: parserError.status, detail: 'The request could not be read' });
      return;
    }
    const unavailable = unavailableReason(error);
    if (unavailable) {
      logger.warn({ route: req.route?.path, reason: unavailable }, 'dependency unavailable');
      sendProblem(res, { type: PROBLEM_TYPES.unavailable, title: 'Service unavailable', status: 503, detail: `${unavailable} is unavailable; try again shortly` }, { 'Retry-After': '5' });
      return;
    }
    logger.error({ err: error, route: req.route?.path, method: req.method }, 'unhandled error');
    sendProblem(res, { type: PROBLEM_TYPES.internal, title: 'Internal error', status: 500, detail: 'Something went wrong; it has been logged' });
  };
}
