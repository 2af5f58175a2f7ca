import { z } from '../zod';
import { devPersonSchema } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext } from '../context';
import type { Config } from '../../config';
import { problems } from '../problem';
import { signToken } from '../../auth/tokens';
import { ROLES, type Role } from '../../domain';
import { openSessionFor } from '../session/router';
import { sessionViewSchema } from '../session/schemas';
import { normalisePhone } from '../../auth/codes';

/**
 * Development sign-in: the seeded people, and a token for any of them. Refused with
 * 404 when NODE_ENV is "production", so a deployed system never mints tokens this way.
 */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;


const tokenBodySchema = z.strictObject({
  personId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'an id: letters, digits, "-" and "_"'),
});

export function devSignInEnabled(config: Pick<Config, 'production'>): boolean {
  return !config.production;
}

function requireDev(config: Pick<Config, 'production'>): void {
  if (!devSignInEnabled(config)) throw problems.notFound('Development sign-in is off in production', { zh: '生产环境不提供开发登录。', en: 'Development sign-in is off in production.' });
}

const smsQuerySchema = z.strictObject({ phone: z.string().trim().max(30).optional() });
const smsMessageSchema = z.object({ to: z.string(), text: z.string(), sentAt: z.string() });

const ROLE_ORDER: Record<string, number> = Object.fromEntries(ROLES.map((role, index) => [role, index]));

export function devRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/dev/people',
      summary: 'Development only: the seeded people one may sign in as (404 in production)',
      tags: ['development'],
      auth: 'none',
      responses: { 200: { description: 'Everyone in the people collection', schema: z.object({ items: z.array(devPersonSchema), total: z.number().int() }) }, 404: { description: 'Production' } },
      async handler(_req, res) {
        requireDev(ctx.config);
        const people = await ctx.db.models.Person.find({}, { name: 1, role: 1, centreId: 1, title: 1, specialties: 1 }).lean();
        const items = people
          .map((p) => ({ id: p._id, name: p.name, role: p.role as Role, centreId: p.centreId, title: p.title ?? null, specialties: [...(p.specialties ?? [])] }))
          .sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.id.localeCompare(b.id));
        res.json({ items, total: items.length });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/dev/sign-in',
      summary: 'Development only: sign in as a seeded person with a session cookie (404 in production)',
      tags: ['development'],
      auth: 'none',
      body: tokenBodySchema,
      responses: { 200: { description: 'Signed in', schema: sessionViewSchema }, 404: { description: 'Production, or no such person' } },
      async handler(req, res, { body }) {
        requireDev(ctx.config);
        const person = await ctx.people.get(body.personId);
        if (!person || !person.active) throw problems.notFound(`No active person ${body.personId}`, { zh: '没有此人员，或已停用。', en: 'No such person, or no longer active.' });
        res.json(await openSessionFor(ctx, req, res, person, 'development', 'browser'));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/dev/sms',
      summary: 'Development only: the text messages the local outbox kept instead of sending, newest first (404 in production)',
      tags: ['development'],
      auth: 'none',
      query: smsQuerySchema,
      responses: { 200: { description: 'Messages', schema: z.object({ items: z.array(smsMessageSchema) }) }, 404: { description: 'Production' } },
      async handler(_req, res, { query }) {
        requireDev(ctx.config);
        const phone = query.phone ? normalisePhone(query.phone) : null;
        const docs = await ctx.db.models.SmsMessage.find(phone ? { to: phone } : {}).sort({ sentAt: -1 }).limit(50).lean();
        res.set('Cache-Control', 'no-store').json({ items: docs.map((d) => ({ to: d.to, text: d.text, sentAt: d.sentAt.toISOString() })) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/dev/token',
      summary: 'Development only: a bearer token for a seeded person (404 in production)',
      tags: ['development'],
      auth: 'none',
      body: tokenBodySchema,
      responses: {
        200: { description: 'A token for the person', schema: z.object({ token: z.string(), expiresIn: z.number().int(), person: devPersonSchema }) },
        404: { description: 'Production, or no such person' },
      },
      async handler(_req, res, { body }) {
        requireDev(ctx.config);
        const person = await ctx.db.models.Person.findById(body.personId).lean();
        if (!person) throw problems.notFound(`No seeded person ${body.personId}`, { zh: '演示数据中没有此人员。', en: 'No such person in the demonstration data.' });
        const role = person.role as Role;
        const departmentId = person.departmentId ?? undefined;
        const token = signToken(ctx.jwtSecret, { sub: person._id, role, centreId: person.centreId, ...(departmentId ? { departmentId } : {}) }, DEV_TOKEN_TTL_SECONDS);
        res.json({
          token,
          expiresIn: DEV_TOKEN_TTL_SECONDS,
          person: { id: person._id, name: person.name, role, centreId: person.centreId, title: person.title ?? null, specialties: [...(person.specialties ?? [])] },
        });
      },
    }),
  ];
}
