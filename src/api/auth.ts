import type { Request, RequestHandler } from 'express';
import { verifyToken } from '../auth/tokens';
import type { ApiContext, Caller } from './context';
import { problems } from './problem';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Reads and checks the bearer token; the caller's centre path comes from the centres collection. */
export async function authenticate(ctx: ApiContext, req: Request): Promise<Caller | null> {
  const header = req.get('authorization');
  if (header === undefined) return null;
  const match = BEARER.exec(header.trim());
  if (!match?.[1]) throw problems.unauthenticated('Authorization must be "Bearer <token>"');
  const verified = verifyToken(ctx.jwtSecret, match[1]);
  if (!verified.ok) throw problems.unauthenticated(verified.reason);
  const { sub, role, centreId, departmentId } = verified.claims;
  if (centreId === undefined) return { kind: 'person', personId: sub, role };
  const centre = await ctx.centres.get(centreId);
  if (!centre) throw problems.unauthenticated('token names an unknown centre');
  const caller: Caller = { kind: 'person', personId: sub, role, centreId, centrePath: centre.path };
  return departmentId === undefined ? caller : { ...caller, departmentId };
}

/** Every route that needs a caller. */
export function requireAuth(ctx: ApiContext): RequestHandler {
  return async (req, _res, next) => {
    const caller = await authenticate(ctx, req);
    if (!caller) throw problems.unauthenticated('A bearer token is required');
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
  if (!req.caller) throw problems.unauthenticated('A bearer token is required');
  return req.caller;
}
