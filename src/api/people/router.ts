import { z } from '../zod';
import { poolMemberSchema } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext } from '../context';
import { problems } from '../problem';
import { ASSIGNEE_ROLES, SPECIALTIES } from '../../domain';
import { adminPeopleRoutes } from './admin';


const querySchema = z.strictObject({
  role: z.enum(ASSIGNEE_ROLES).optional(),
  centreId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).optional(),
  specialty: z.enum(SPECIALTIES).optional(),
});

/** The mediator pool and the experts, with their current load (staff only); and the administration of people. */
export function peopleRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/people',
      summary: 'Mediators and experts (the pool), with specialties and current load',
      tags: ['people'],
      auth: 'required',
      query: querySchema,
      responses: { 200: { description: 'Pool members', schema: z.object({ items: z.array(poolMemberSchema), total: z.number().int() }) }, 403: { description: 'Residents have no access to the pool' } },
      async handler(req, res, { query }) {
        const caller = callerOf(req);
        if (caller.role === 'resident') throw problems.forbidden('The mediator and expert pool is for staff', { zh: '调解员和专家库仅供工作人员查看。', en: 'The mediator and expert pool is for staff.' });
        const filter: Record<string, unknown> = { role: query.role ?? { $in: [...ASSIGNEE_ROLES] } };
        if (query.centreId) filter.centrePath = query.centreId;
        if (query.specialty) filter.specialties = query.specialty;
        const [people, mediator, expert] = await Promise.all([ctx.db.models.Person.find(filter).sort({ _id: 1 }).lean(), ctx.reads.loads('mediator'), ctx.reads.loads('expert')]);
        const loads = { mediator, expert };
        // Deactivated people are no longer offered for assignment.
        const items = people.filter((p) => p.active !== false).map((p) => ({
          id: p._id,
          name: p.name,
          role: p.role,
          centreId: p.centreId,
          specialties: p.specialties,
          title: p.title ?? null,
          load: (p.role === 'mediator' || p.role === 'expert' ? loads[p.role].get(p._id) : undefined) ?? 0,
        }));
        res.json({ items, total: items.length });
      },
    }),
    ...adminPeopleRoutes(ctx),
  ];
}
