import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext } from '../context';
import { problems } from '../problem';
import { OidcUnreachable, type OidcTransaction } from '../../auth/oidc';
import { auditSignIn, openSessionFor } from './router';

/**
 * Single sign-on for staff through the configured OpenID Connect provider.
 * `start` sends the browser to the provider; `callback` takes it back, checks the
 * answer, finds the person whose username is the configured claim's value and opens
 * a cookie session. Whatever goes wrong, the browser lands on `/signin?sso=failed`
 * (no stack, no provider detail); the reason goes to the log and the audit.
 */

export const OIDC_COOKIE = 'onedoor_oidc';
const OIDC_PATH = '/api/v1/session/oidc';
export const CALLBACK_PATH = `${OIDC_PATH}/callback`;
/** Long enough to sign in at the provider, short enough that a forgotten tab's attempt dies. */
const TRANSACTION_TTL_MS = 10 * 60_000;
const FAILED = '/signin?sso=failed';
const NOT_CONFIGURED = { zh: '本系统未启用统一身份认证登录，请使用用户名和密码登录。', en: 'Single sign-on is not set up here: sign in with your username and password.' };

/** A page of onedoor to return to: a local path (one leading slash, no backslash or control characters). */
export function localPath(next: string | undefined): string | null {
  if (next === undefined || next.length > 2000) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  // Browsers read a backslash as a slash (`/\evil.example`), and control characters are stripped.
  if (next.includes('\\') || [...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return null;
  return next;
}

interface Pending extends OidcTransaction {
  next: string | null;
  expiresAt: number;
}

function cookieKey(ctx: ApiContext): Buffer {
  // A key of its own, derived from the server secret, so this cookie's MAC is never a token's signature.
  return createHmac('sha256', ctx.jwtSecret).update('onedoor oidc transaction cookie').digest();
}

function mac(ctx: ApiContext, payload: string): Buffer {
  return createHmac('sha256', cookieKey(ctx)).update(payload).digest();
}

/** The transaction as `payload.mac`: HttpOnly, so no script reads it, and signed, so no one changes it. */
function sealTransaction(ctx: ApiContext, pending: Pending): string {
  const payload = Buffer.from(JSON.stringify(pending)).toString('base64url');
  return `${payload}.${mac(ctx, payload).toString('base64url')}`;
}

function openTransaction(ctx: ApiContext, sealed: unknown): Pending | null {
  if (typeof sealed !== 'string') return null;
  const [payload, given, ...rest] = sealed.split('.');
  if (!payload || !given || rest.length > 0) return null;
  const expected = mac(ctx, payload);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    const pending = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Pending;
    return pending.expiresAt > Date.now() ? pending : null;
  } catch {
    return null;
  }
}

/** SameSite=Lax: the provider's top-level redirect back brings it; other sites' requests in frames or scripts do not. */
function cookieOptions(ctx: ApiContext, req: Request) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.production || req.secure, path: OIDC_PATH };
}

/** Where the provider sends the browser back: from ONEDOOR_PUBLIC_URL, or in development the address this request came to. */
function redirectUriFor(ctx: ApiContext, req: Request): string {
  const base = ctx.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return `${base}${CALLBACK_PATH}`;
}

function failed(res: Response): void {
  res.set('Cache-Control', 'no-store').redirect(302, FAILED);
}

const startQuery = z
  .object({ next: z.string().max(2000).optional().openapi({ description: 'A local path to open after signing in (default: the person’s home page)', example: '/queue' }) })
  .strict();

export function oidcRoutes(ctx: ApiContext): RouteSpec[] {
  const configured = () => {
    if (!ctx.oidc) throw problems.notFound('single sign-on is not configured (ONEDOOR_OIDC_ISSUER)', NOT_CONFIGURED);
    return ctx.oidc;
  };
  return [
    defineRoute({
      method: 'get',
      path: `${OIDC_PATH}/start`,
      summary: 'Staff single sign-on: sends the browser to the OpenID Connect provider (authorization code flow with PKCE, state and nonce)',
      tags: ['session'],
      auth: 'none',
      query: startQuery,
      responses: {
        302: { description: 'To the provider’s sign-in page; or to /signin?sso=failed when the provider cannot be reached' },
        404: { description: 'Single sign-on is not configured' },
      },
      async handler(req, res, { query }) {
        const oidc = configured();
        try {
          const { url, transaction } = await oidc.start(redirectUriFor(ctx, req));
          const pending: Pending = { ...transaction, next: localPath(query.next), expiresAt: Date.now() + TRANSACTION_TTL_MS };
          res.cookie(OIDC_COOKIE, sealTransaction(ctx, pending), { ...cookieOptions(ctx, req), maxAge: TRANSACTION_TTL_MS });
          res.set('Cache-Control', 'no-store').redirect(302, url);
        } catch (error) {
          ctx.logger.error({ err: describe(error), issuer: oidc.settings.issuer }, 'single sign-on could not start: the provider did not answer as expected');
          await auditSignIn(ctx, req, 'sign_in', 'failed', 302, null, { method: 'oidc', reason: error instanceof OidcUnreachable ? 'provider_unreachable' : 'provider_error' });
          failed(res);
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: CALLBACK_PATH,
      summary: 'Staff single sign-on: where the provider sends the browser back; opens a cookie session for the person whose username the claim names',
      tags: ['session'],
      auth: 'none',
      responses: {
        302: { description: 'Signed in: to the page asked for at start, or /. Refused (unknown or deactivated person, tampered or expired attempt, provider error): to /signin?sso=failed' },
        404: { description: 'Single sign-on is not configured' },
      },
      async handler(req, res) {
        const oidc = configured();
        const pending = openTransaction(ctx, req.cookies?.[OIDC_COOKIE]);
        res.clearCookie(OIDC_COOKIE, cookieOptions(ctx, req));
        const refuse = async (reason: string, detail: Record<string, unknown> = {}, person: Parameters<typeof auditSignIn>[5] = null): Promise<void> => {
          ctx.logger.warn({ reason, ...detail }, 'single sign-on refused');
          await auditSignIn(ctx, req, 'sign_in', 'refused', 302, person, { method: 'oidc', reason, ...detail });
          failed(res);
        };
        if (!pending) return refuse('no_transaction');
        const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
        let value: string | null;
        try {
          ({ value } = await oidc.finish(new URL(`${pending.redirectUri}${search}`), pending));
        } catch (error) {
          if (error instanceof OidcUnreachable) {
            ctx.logger.error({ err: describe(error), issuer: oidc.settings.issuer }, 'single sign-on failed: the provider did not answer');
            await auditSignIn(ctx, req, 'sign_in', 'failed', 302, null, { method: 'oidc', reason: 'provider_unreachable' });
            failed(res);
            return;
          }
          return refuse('rejected_response', { error: describe(error) });
        }
        if (value === null) return refuse('claim_missing', { claim: oidc.settings.claim });
        const shown = value.slice(0, 200);
        const matches = await ctx.db.models.Person.find({ username: value }, { _id: 1 }).limit(2).lean();
        if (matches.length !== 1) return refuse(matches.length === 0 ? 'unknown_user' : 'ambiguous_user', { username: shown });
        const person = await ctx.people.get(String(matches[0]?._id));
        if (!person) return refuse('unknown_user', { username: shown });
        if (!person.active) return refuse('inactive', { username: shown }, person);
        if (person.role === 'resident') return refuse('not_staff', { username: shown }, person);
        await openSessionFor(ctx, req, res, person, 'oidc', 'browser');
        await auditSignIn(ctx, req, 'sign_in', 'done', 302, person, { method: 'oidc', client: 'browser' });
        res.set('Cache-Control', 'no-store').redirect(302, pending.next ?? '/');
      },
    }),
  ];
}

/** An error for the log: its name, message and openid-client's code, without a stack. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}${cause}`;
}
