import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ROLES, type Role } from '../domain';
import type { Config } from '../config';
import { devSecret } from '../dev-secrets';

/**
 * Bearer tokens: HS256 JWTs carrying the person id (`sub`), their `role` and,
 * for staff, their `centreId`. Only HS256 is accepted on the way in, so an
 * `alg: none` or RS/HS confusion token is refused.
 */
export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'onedoor';
const SECRET_FILE = 'jwt-secret';
/** The shortest signing secret accepted, from ONEDOOR_JWT_SECRET (checked in src/config.ts) or the data directory. */
export const MIN_JWT_SECRET_LENGTH = 16;

export interface TokenClaims {
  sub: string;
  role: Role;
  centreId?: string;
  /** Department staff: their department. */
  departmentId?: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const tokenClaimsSchema = z.object({
  sub: z.string().regex(ID, 'person id'),
  role: z.enum(ROLES),
  centreId: z.string().regex(ID, 'centre id').optional(),
  departmentId: z.string().regex(ID, 'department id').optional(),
});

/** Staff act for a centre; a resident may name their home centre or none. */
export function validateClaims(claims: TokenClaims): string | null {
  if (!ID.test(claims.sub)) return 'person id must be letters, digits, "-" or "_" (at most 64)';
  if (!(ROLES as readonly string[]).includes(claims.role)) return `role must be one of ${ROLES.join(', ')}`;
  if (claims.centreId !== undefined && !ID.test(claims.centreId)) return 'centre id must be letters, digits, "-" or "_"';
  if (claims.role !== 'resident' && claims.centreId === undefined) return `a ${claims.role} token needs a centre (--centre)`;
  if (claims.role === 'department' && claims.departmentId === undefined) return 'a department token needs a department (--department)';
  if (claims.departmentId !== undefined && !ID.test(claims.departmentId)) return 'department id must be letters, digits, "-" or "_"';
  return null;
}

/**
 * The signing secret: ONEDOOR_JWT_SECRET (its length checked when the config
 * was loaded), or in development one generated once into <dataDir>/jwt-secret
 * (mode 0600), so `onedoor token` and the server agree.
 */
/** Placeholders once printed in docs and compose files: anyone can forge tokens with them. */
const KNOWN_PLACEHOLDERS = new Set(['change-me-to-a-long-random-secret']);

export function resolveJwtSecret(config: Pick<Config, 'jwtSecret' | 'dataDir' | 'production'>): string {
  if (config.jwtSecret !== undefined && config.production && KNOWN_PLACEHOLDERS.has(config.jwtSecret)) {
    throw new Error('ONEDOOR_JWT_SECRET is a published placeholder that anyone could sign tokens with; set a random one (openssl rand -base64 48)');
  }
  if (config.jwtSecret !== undefined) return config.jwtSecret;
  if (config.production) throw new Error('ONEDOOR_JWT_SECRET must be set in production');
  const { file, text } = devSecret(config.dataDir, SECRET_FILE, () => randomBytes(48).toString('base64url'));
  if (text.length < MIN_JWT_SECRET_LENGTH) throw new Error(`${file} holds a secret shorter than ${MIN_JWT_SECRET_LENGTH} characters; delete it to generate a new one`);
  return text;
}

/** `12h`, `30m`, `7d`, `3600s` or plain seconds → seconds. */
export function parseTtl(ttl: string): number {
  const match = /^(\d{1,7})([smhd]?)$/.exec(ttl.trim());
  if (!match) throw new Error(`--ttl must look like 12h, 30m, 7d or 3600s, got "${ttl}"`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds < 1 || seconds > 366 * 86400) throw new Error('--ttl must be between 1 second and a year');
  return seconds;
}

/**
 * The secret as a KeyObject, made once per secret. Given a string,
 * jsonwebtoken first tries to read it as a PEM public key, which throws, and
 * only then makes a secret key, on every verification: that thrown error costs
 * far more than the verification itself (docs/performance-log.md, change 13).
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** One entry per secret in use: a process has one, a test a few. */
const keys = new Map<string, KeyObject>();

export function signToken(secret: string, claims: TokenClaims, ttlSeconds = 12 * 3600): string {
  const problem = validateClaims(claims);
  if (problem) throw new Error(problem);
  const payload: Record<string, string> = { role: claims.role };
  if (claims.centreId !== undefined) payload.centreId = claims.centreId;
  if (claims.departmentId !== undefined) payload.departmentId = claims.departmentId;
  return jwt.sign(payload, keyOf(secret), { algorithm: JWT_ALGORITHM, subject: claims.sub, expiresIn: ttlSeconds, issuer: JWT_ISSUER });
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

export function verifyToken(secret: string, token: string): VerifyResult {
  let payload: unknown;
  try {
    payload = jwt.verify(token, keyOf(secret), { algorithms: [JWT_ALGORITHM], issuer: JWT_ISSUER });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TokenExpiredError') return { ok: false, reason: 'token has expired' };
    if (name === 'NotBeforeError') return { ok: false, reason: 'token is not valid yet' };
    return { ok: false, reason: 'token is invalid' };
  }
  const fields = payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  const parsed = tokenClaimsSchema.safeParse({ sub: fields.sub, role: fields.role, centreId: fields.centreId, departmentId: fields.departmentId });
  if (!parsed.success) return { ok: false, reason: 'token claims are invalid' };
  const { sub, role, centreId, departmentId } = parsed.data;
  const claims: TokenClaims = { sub, role, ...(centreId !== undefined ? { centreId } : {}), ...(departmentId !== undefined ? { departmentId } : {}) };
  const problem = validateClaims(claims);
  return problem ? { ok: false, reason: 'token claims are invalid' } : { ok: true, claims };
}
