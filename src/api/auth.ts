import type { Request, RequestHandler } from 'express';
import { verifyToken } from '../auth/tokens';
import { findSession, SESSION_COOKIE, SESSION_TOKEN_PREFIX, type OpenSession } from '../auth/sessions';
import type { ApiContext, Caller } from './context';
import { problems } from './problem';
import { phoneKeyOf } from '../db/phone-key';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*|ods_[A-Za-z0-9_-]+)$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

const ENDED = { zh: '登录已失效，请重新登录。', en: 'Your sign-in has ended: please sign in again.' };
const INACTIVE = { zh: '此账号已停用或不存在，请联系所在中心的管理员。', en: 'This account is not active: ask your centre’s administrator.' };

/**
 * Who is asking: a bearer token (a signed JWT, or a session token `ods_…` of an API
 * client) or the browser's session cookie. Whichever it is, the person it names is
 * read from the people collection (cached for seconds): role, centre and department
 * come from the record, not from the token, and a deactivated person is refused.
 */
export async function authenticate(ctx: ApiContext, req: Request): Promise<Caller | null> {
  const personId = await personIdOf(ctx, req);
  if (personId === null) return null;
  const person = await ctx.people.get(personId);
  if (!person || !person.active) throw problems.unauthenticated('the person this token names is unknown or deactivated', INACTIVE);
  const centre = await ctx.centres.get(person.centreId);
  // Centres are closed, never removed: a person whose centre cannot be read is the database's trouble, not the caller's.
  if (!centre) throw problems.unavailable('the person’s centre could not be read; try again shortly');
  const caller: Caller = { kind: 'person', personId: person.id, role: person.role, centreId: centre.id, centrePath: centre.path };
  if (person.departmentId !== undefined) caller.departmentId = person.departmentId;
  // A resident's cases are also those filed with their number, by a grid worker or at a centre's desk.
  const phoneKey = person.role === 'resident' ? phoneKeyOf(person.phone) : null;
  if (phoneKey) caller.phoneKey = phoneKey;
  return caller;
}

async function personIdOf(ctx: ApiContext, req: Request): Promise<string | null> {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = BEARER.exec(header.trim());
    if (!match?.[1]) throw problems.unauthenticated('Authorization must be "Bearer <token>"');
    const token = match[1];
    if (token.startsWith(SESSION_TOKEN_PREFIX)) return (await openSession(ctx, req, token)).personId;
    const verified = verifyToken(ctx.jwtSecret, token);
    if (!verified.ok) throw problems.unauthenticated(verified.reason, ENDED);
    return verified.claims.sub;
  }
  const secret = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  if (secret === undefined || secret === '') return null;
  const session = await openSession(ctx, req, secret);
  // A cookie goes with every request the browser makes, whichever site made it: a write
  // must also carry the token only our own pages can read.
  if (!SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== session.csrf) throw problems.csrf();
  return session.personId;
}

async function openSession(ctx: ApiContext, req: Request, secret: string): Promise<OpenSession> {
  const session = await findSession(ctx.db.models, secret);
  if (!session) throw problems.unauthenticated('the session has ended (signed out, expired or unknown)', ENDED);
  req.session = session;
  return session;
}

/** Every route that needs a caller. */
export function requireAuth(ctx: ApiContext): RequestHandler {
  return async (req, _res, next) => {
    const caller = await authenticate(ctx, req);
    if (!caller) throw problems.unauthenticated('Sign in, or send a bearer token', { zh: '请先登录。', en: 'Please sign in first.' });
    req.caller = caller;
    next();
  };
}

/** Public routes that also serve signed-in callers (Open311 create). */
export function optionalAuth(ctx: ApiContext): RequestHandler {
  return async (req, _res, next) => {
    const caller = await authenticate(ctx, req);
    if (caller) req.caller = caller;
    next();
  };
}

export function callerOf(req: Request): Caller {
  if (!req.caller) throw problems.unauthenticated('Sign in, or send a bearer token', { zh: '请先登录。', en: 'Please sign in first.' });
  return req.caller;
}
