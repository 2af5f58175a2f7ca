import type { Request, Response } from 'express';
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext } from '../context';
import { problems, HttpProblem, PROBLEM_TYPES } from '../problem';
import { requestAddress, writeAudit } from '../audit';
import { passwordKey, passwordMatches } from '../../auth/passwords';
import { clearAttempts, countAttempt, LIMITS, longestLockout, type AttemptLimit } from '../../auth/attempts';
import { createSession, renewSession, revokeSession, SESSION_COOKIE, type OpenSession, type SignInMethod } from '../../auth/sessions';
import type { LivingPerson } from '../../auth/people';
import { codeRequestSchema, codeSignInSchema, passwordSignInSchema, sessionViewSchema, type SessionView } from './schemas';
import { checkCode, CODE_TTL_MS, issueCode, normalisePhone, type CodeCheck } from '../../auth/codes';
import { residentForPhone } from './residents';
import { maskPhone } from '../../domain';
import type { Message } from '../problem';

const WRONG_PASSWORD = { zh: '用户名或密码不正确。', en: 'The username or password is wrong.' };
const TOO_MANY_CODES = { zh: '验证码请求过于频繁，请稍后再试。', en: 'Too many codes asked for: wait a while, then try again.' };
const CODE_REFUSED: Record<Exclude<CodeCheck, 'ok'>, Message> = {
  wrong: { zh: '验证码不正确，请核对短信后重新输入。', en: 'The code is wrong: check the text message and enter it again.' },
  expired: { zh: '验证码已过期，请重新获取。', en: 'The code has expired: ask for a new one.' },
  none: { zh: '没有有效的验证码（可能已使用），请重新获取。', en: 'There is no valid code for this number (it may have been used): ask for a new one.' },
  exhausted: { zh: '错误次数过多，此验证码已失效，请重新获取。', en: 'Too many wrong tries: this code no longer works; ask for a new one.' },
};
const BAD_PHONE = 'a phone number: 6 to 15 digits, optionally with +86';

/** The text of a sign-in code message. */
function codeText(code: string, lang: 'zh' | 'en'): string {
  const minutes = Math.round(CODE_TTL_MS / 60_000);
  return lang === 'zh' ? `【一门通】您的登录验证码是 ${code}，${minutes} 分钟内有效。请勿告诉他人。` : `onedoor: your sign-in code is ${code}. It works for ${minutes} minutes. Do not share it.`;
}

const TOO_MANY_PASSWORDS = { zh: '尝试次数过多，请稍后再试。', en: 'Too many attempts: wait a while, then try again.' };


function personView(person: LivingPerson): NonNullable<SessionView['person']> {
  return { id: person.id, name: person.name, role: person.role, centreId: person.centreId, departmentId: person.departmentId ?? null, phone: person.role === 'resident' ? (person.phone ?? null) : null };
}

/** Cookie sessions: HttpOnly, SameSite=Lax, Secure unless this is plain-HTTP development. */
function setSessionCookie(ctx: ApiContext, req: Request, res: Response, secret: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: ctx.config.production || req.secure, path: '/', expires: expiresAt });
}

function clearSessionCookie(ctx: ApiContext, req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: ctx.config.production || req.secure, path: '/' });
}

/**
 * A cross-site page can post a form (urlencoded) but not JSON without the browser
 * asking first: sign-in takes JSON only, so no other site can sign a visitor in.
 */
function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new HttpProblem({ type: PROBLEM_TYPES.unsupportedMediaType, title: 'Unsupported media type', status: 415, detail: 'Send application/json', message: { zh: '请求格式不受支持。', en: 'This request format is not accepted.' } });
  }
}

/** Opens a session for a person who proved who they are, as a cookie or as a bearer token. */
export async function openSessionFor(ctx: ApiContext, req: Request, res: Response, person: LivingPerson, method: SignInMethod, client: 'browser' | 'api'): Promise<SessionView> {
  const { secret, session } = await createSession(ctx.db.models, { personId: person.id, method, address: requestAddress(req), ttlMs: ctx.config.sessionTtlMs });
  const view: SessionView = { person: personView(person), method, expiresAt: session.expiresAt.toISOString(), csrfToken: client === 'browser' ? session.csrf : null };
  if (client === 'browser') setSessionCookie(ctx, req, res, secret, session.expiresAt);
  else view.token = secret;
  return view;
}

/** The audit entry of a sign-in (or sign-out) attempt, named after the person when known. */
/** The number as one sign-in knows it, or a 400 naming the field. */
function phoneOf(text: string): string {
  const phone = normalisePhone(text);
  if (!phone) throw problems.validation([{ name: 'body.phone', reason: BAD_PHONE }]);
  return phone;
}

/** A sign-in that succeeded: the session opened, the audit entry written, the answer sent. */
async function signedIn(ctx: ApiContext, req: Request, res: Response, person: LivingPerson, method: SignInMethod, client: 'browser' | 'api'): Promise<void> {
  const view = await openSessionFor(ctx, req, res, person, method, client);
  await auditSignIn(ctx, req, 'sign_in', 'done', 200, person, { method, client });
  res.set('Cache-Control', 'no-store').json(view);
}

export async function auditSignIn(ctx: ApiContext, req: Request, action: string, outcome: string, status: number, person: LivingPerson | null, detail: Record<string, unknown> = {}): Promise<void> {
  const centre = person ? await ctx.centres.get(person.centreId) : null;
  await writeAudit(ctx, {
    actor: person ? { personId: person.id, role: person.role, centreId: person.centreId } : null,
    action,
    outcome,
    status,
    subjectId: person?.id ?? null,
    scope: centre?.path ?? [],
    address: requestAddress(req),
    detail,
  });
}

export function sessionRoutes(ctx: ApiContext): RouteSpec[] {
  const models = ctx.db.models;
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/session',
      summary: 'Who is signed in (person null when nobody is), and the CSRF token cookie sessions send with writes',
      tags: ['session'],
      auth: 'optional',
      responses: { 200: { description: 'The session', schema: sessionViewSchema } },
      async handler(req, res) {
        const ways = { password: true, code: ctx.sms !== null, sso: ctx.oidc !== null, development: !ctx.config.production };
        if (!req.caller) {
          res.set('Cache-Control', 'no-store').json({ person: null, method: null, expiresAt: null, csrfToken: null, ways } satisfies SessionView);
          return;
        }
        const person = await ctx.people.get(req.caller.personId);
        const session = req.session;
        res.set('Cache-Control', 'no-store').json({
          person: person ? personView(person) : null,
          method: session?.method ?? null,
          expiresAt: session?.expiresAt.toISOString() ?? null,
          csrfToken: session && req.cookies?.[SESSION_COOKIE] ? session.csrf : null,
          ways,
        } satisfies SessionView);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/session/password',
      summary: 'Sign in with a username and password: a session cookie for browsers, a bearer token for API clients',
      tags: ['session'],
      auth: 'none',
      body: passwordSignInSchema,
      responses: {
        200: { description: 'Signed in', schema: sessionViewSchema },
        401: { description: 'Wrong username or password (the answer never tells which, nor whether the account exists)' },
        415: { description: 'Not JSON' },
        429: { description: 'Too many failed attempts for the account or from the address; wait Retry-After seconds' },
      },
      async handler(req, res, { body }) {
        requireJson(req);
        const accountKey = `password-account:${passwordKey(body.username)}`;
        const addressKey = `password-address:${requestAddress(req) ?? 'unknown'}`;
        const perAddress = { ...LIMITS.passwordPerAddress, max: ctx.config.signInFailuresPerAddress };
        const limits: [string, AttemptLimit][] = [[accountKey, LIMITS.passwordPerAccount]];
        if (perAddress.max > 0) limits.push([addressKey, perAddress]);
        const wait = await longestLockout(models, limits);
        if (wait > 0) {
          await auditSignIn(ctx, req, 'sign_in', 'locked_out', 429, null, { method: 'password' });
          throw problems.tooManyAttempts(wait, TOO_MANY_PASSWORDS);
        }
        const credential = await models.Credential.findById(passwordKey(body.username)).lean();
        const matches = await passwordMatches(credential?.hash ?? null, body.password);
        const person = credential && matches ? await ctx.people.get(credential.personId) : null;
        if (!person || !person.active) {
          await Promise.all(limits.map(([key, limit]) => countAttempt(models, key, limit)));
          await auditSignIn(ctx, req, 'sign_in', 'refused', 401, null, { method: 'password' });
          throw problems.unauthenticated('wrong username or password', WRONG_PASSWORD);
        }
        await clearAttempts(models, accountKey);
        await signedIn(ctx, req, res, person, 'password', body.client);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/session/code/request',
      summary: 'Residents: send a six-digit sign-in code to a phone number by SMS (5 minutes, 5 tries; at most 5 an hour per number)',
      tags: ['session'],
      auth: 'none',
      body: codeRequestSchema,
      responses: {
        202: { description: 'Sent', schema: z.object({ sentTo: z.string(), expiresAt: z.string() }) },
        429: { description: 'Too many codes for the number or from the address; wait Retry-After seconds' },
        503: { description: 'No SMS provider is configured' },
      },
      async handler(req, res, { body }) {
        requireJson(req);
        const phone = phoneOf(body.phone);
        if (!ctx.sms) throw problems.unavailable('no SMS provider is configured (ONEDOOR_SMS_URL)', 3600);
        const numberKey = `codes-number:${phone}`;
        const addressKey = `codes-address:${requestAddress(req) ?? 'unknown'}`;
        const wait = await longestLockout(models, [[numberKey, LIMITS.codesPerNumber], [addressKey, LIMITS.codesPerAddress]]);
        if (wait > 0) {
          await auditSignIn(ctx, req, 'sign_in_code_request', 'refused', 429, null, { phone: maskPhone(phone) });
          throw problems.tooManyAttempts(wait, TOO_MANY_CODES);
        }
        await Promise.all([countAttempt(models, numberKey, LIMITS.codesPerNumber), countAttempt(models, addressKey, LIMITS.codesPerAddress)]);
        const { code, expiresAt } = await issueCode(models, ctx.jwtSecret, phone);
        try {
          await ctx.sms.send(phone, codeText(code, body.lang));
        } catch (error) {
          ctx.logger.error({ err: error, phone: maskPhone(phone) }, 'sign-in code not sent');
          await auditSignIn(ctx, req, 'sign_in_code_request', 'failed', 503, null, { phone: maskPhone(phone) });
          throw problems.unavailable('the SMS provider did not take the message; try again shortly', 30);
        }
        await auditSignIn(ctx, req, 'sign_in_code_request', 'done', 202, null, { phone: maskPhone(phone) });
        res.status(202).json({ sentTo: maskPhone(phone), expiresAt: expiresAt.toISOString() });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/session/code',
      summary: 'Residents: sign in with the phone number and the code sent to it; a first sign-in registers the resident',
      tags: ['session'],
      auth: 'none',
      body: codeSignInSchema,
      responses: {
        200: { description: 'Signed in', schema: sessionViewSchema },
        401: { description: 'Wrong, expired, used or exhausted code (the message says which and what to do)' },
      },
      async handler(req, res, { body }) {
        requireJson(req);
        const phone = phoneOf(body.phone);
        const check = await checkCode(models, ctx.jwtSecret, phone, body.code);
        if (check !== 'ok') {
          await auditSignIn(ctx, req, 'sign_in', 'refused', 401, null, { method: 'code', phone: maskPhone(phone), reason: check });
          throw problems.unauthenticated(`code ${check}`, CODE_REFUSED[check]);
        }
        const person = await residentForPhone(ctx, phone);
        if (!person.active) {
          await auditSignIn(ctx, req, 'sign_in', 'refused', 401, person, { method: 'code', reason: 'inactive' });
          throw problems.unauthenticated('account deactivated', { zh: '此账号已停用，请联系所在中心。', en: 'This account is not active: contact your centre.' });
        }
        await signedIn(ctx, req, res, person, 'code', body.client);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/session/renew',
      summary: 'Extend the current session (never past 30 days after sign-in)',
      tags: ['session'],
      auth: 'required',
      responses: { 200: { description: 'Renewed', schema: z.object({ expiresAt: z.string() }) }, 400: { description: 'Not a session (a signed JWT cannot be renewed)' } },
      async handler(req, res) {
        const session = sessionOf(req);
        const expiresAt = await renewSession(models, session, ctx.config.sessionTtlMs);
        if (req.cookies?.[SESSION_COOKIE]) setSessionCookie(ctx, req, res, req.cookies[SESSION_COOKIE] as string, expiresAt);
        res.json({ expiresAt: expiresAt.toISOString() });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/session/sign-out',
      summary: 'End the current session: the cookie or session token stops working at once, in every API process',
      tags: ['session'],
      auth: 'required',
      responses: { 204: { description: 'Signed out' }, 400: { description: 'Not a session (a signed JWT ends when it expires)' } },
      async handler(req, res) {
        const session = sessionOf(req);
        await revokeSession(models, session.id);
        clearSessionCookie(ctx, req, res);
        const person = await ctx.people.get(session.personId);
        await auditSignIn(ctx, req, 'sign_out', 'done', 204, person);
        res.status(204).end();
      },
    }),
  ];
}

function sessionOf(req: Request): OpenSession {
  if (!req.session) throw problems.validation([{ name: 'authorization', reason: 'only a session (cookie or ods_ token) can be renewed or signed out; a signed token ends when it expires' }]);
  return req.session;
}
