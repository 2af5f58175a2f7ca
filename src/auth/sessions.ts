import { createHash, randomBytes } from 'node:crypto';
import type { Models } from '../db/models';

/**
 * Server-side sessions. The browser holds the secret in an HttpOnly cookie; an API
 * client may hold it as a bearer token (`ods_…`). The database keeps only its SHA-256,
 * so a copy of the collection signs nobody in. Sign-out revokes the record: the cookie
 * or token stops working at once, in every API process.
 */
export const SESSION_COOKIE = 'onedoor_session';
export const SESSION_TOKEN_PREFIX = 'ods_';
export { SIGN_IN_METHODS, type SignInMethod } from '../domain/accounts';
import type { SignInMethod } from '../domain/accounts';

/** However often it is renewed, a session ends this long after sign-in. */
export const MAX_SESSION_AGE_MS = 30 * 24 * 3600_000;

export interface OpenSession {
  id: string;
  personId: string;
  method: SignInMethod;
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const SECRET_SHAPE = /^ods_[A-Za-z0-9_-]{43}$/;

export async function createSession(
  models: Models,
  input: { personId: string; method: SignInMethod; address: string | null; ttlMs: number },
  now = new Date(),
): Promise<{ secret: string; session: OpenSession }> {
  const secret = `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const session: OpenSession = {
    id: hashOf(secret),
    personId: input.personId,
    method: input.method,
    csrf: randomBytes(24).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.ttlMs),
  };
  await models.Session.collection.insertOne({ _id: session.id as never, personId: session.personId, method: session.method, csrf: session.csrf, createdAt: session.createdAt, expiresAt: session.expiresAt, revokedAt: null, address: input.address });
  return { secret, session };
}

/** The open session a secret names, or null when it is unknown, revoked or expired. */
export async function findSession(models: Models, secret: string, now = new Date()): Promise<OpenSession | null> {
  if (!SECRET_SHAPE.test(secret)) return null;
  const doc = await models.Session.findById(hashOf(secret)).lean();
  if (!doc || doc.revokedAt || doc.expiresAt.getTime() <= now.getTime()) return null;
  return { id: doc._id, personId: doc.personId, method: doc.method as SignInMethod, csrf: doc.csrf, createdAt: doc.createdAt, expiresAt: doc.expiresAt };
}

/** Another `ttlMs` from now, never past the session's longest life. */
export async function renewSession(models: Models, session: OpenSession, ttlMs: number, now = new Date()): Promise<Date> {
  const expiresAt = new Date(Math.min(now.getTime() + ttlMs, session.createdAt.getTime() + MAX_SESSION_AGE_MS));
  await models.Session.updateOne({ _id: session.id, revokedAt: null }, { $set: { expiresAt } });
  return expiresAt;
}

/**
 * Signing out removes the session. Removing, not marking it revoked: a renewal is a
 * conditional update, and on a store that applies updates as a read then a write
 * (FerretDB) a renewal in flight could write a revoked session back open; a removed
 * one it cannot bring back. (`revokedAt` stays readable for sessions marked before.)
 */
export async function revokeSession(models: Models, sessionId: string): Promise<void> {
  await models.Session.deleteOne({ _id: sessionId });
}

/** Ends every session of a person (a password reset, a deactivation). */
export async function revokeSessionsOf(models: Models, personId: string): Promise<number> {
  const result = await models.Session.deleteMany({ personId, revokedAt: null });
  return result.deletedCount;
}

/**
 * What sign-in leaves behind once it has ended (sessions, failure counters and codes
 * past their end) is removed now and then: FerretDB has no TTL indexes, and every
 * reader checks the end time anyway, so a late sweep changes no answer.
 */
export async function sweepEndedSignIns(models: Models, now = new Date()): Promise<number> {
  const results = await Promise.all([
    models.Session.deleteMany({ expiresAt: { $lt: now } }),
    models.SignInAttempt.deleteMany({ expiresAt: { $lt: now } }),
    models.SignInCode.deleteMany({ expiresAt: { $lt: now } }),
  ]);
  return results.reduce((sum, result) => sum + result.deletedCount, 0);
}

/** Sweeps every hour, in the background; a failed sweep is logged and tried at the next. */
export function sweepEveryHour(models: Models, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => void sweepEndedSignIns(models).catch(onError), 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}
